/**
 * SARIF 2.1.0 output of a configuration scan, for code-scanning dashboards: one rule per
 * scanner rule, one result per finding located at the server's entry in the config file.
 */
import type { Severity } from '@warden/core';
import { WARDEN_VERSION } from '@warden/core/internal';
import type { ConfigScanReport } from './config-scan';
import { SCAN_RULES } from './scan-rules';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

type SarifLevel = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, SarifLevel> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };
// GitHub code scanning reads `security-severity` (0–10) to rank alerts.
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: {
    tool: {
      driver: {
        name: string;
        version: string;
        rules: {
          id: string;
          name: string;
          shortDescription: { text: string };
          fullDescription: { text: string };
          defaultConfiguration: { level: SarifLevel };
          properties: { tags: string[]; 'security-severity': string };
        }[];
      };
    };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: SarifLevel;
      message: { text: string };
      locations: {
        physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
        logicalLocations: { fullyQualifiedName: string; kind: string }[];
      }[];
      partialFingerprints: { wardenFinding: string };
      properties: Record<string, unknown>;
    }[];
    invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: SarifLevel; message: { text: string } }[] }[];
  }[];
}

/** Line (1-based) of the server's key in the config text, so dashboards point at it. */
function lineOf(configText: string | undefined, server: string | undefined): number {
  if (!configText || !server) return 1;
  const at =
    configText.indexOf(JSON.stringify(server) + ':') >= 0 ? configText.indexOf(JSON.stringify(server) + ':') : configText.indexOf(JSON.stringify(server));
  return at < 0 ? 1 : configText.slice(0, at).split('\n').length;
}

export function toSarif(report: ConfigScanReport, source: { uri: string; text?: string } = { uri: 'mcp.json' }): SarifLog {
  const rules = Object.values(SCAN_RULES).map((r) => ({
    id: r.id,
    name: r.name,
    shortDescription: { text: r.name },
    fullDescription: { text: r.summary },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: { tags: ['security', 'mcp', ...r.references.map((ref) => ref.id)], 'security-severity': SECURITY_SEVERITY[r.severity] },
  }));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = report.findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId) ?? -1,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: source.uri }, region: { startLine: lineOf(source.text, f.server) } },
        logicalLocations: [{ fullyQualifiedName: `${f.server ?? ''}/${f.location}`, kind: 'member' }],
      },
    ],
    partialFingerprints: { wardenFinding: `${f.server ?? ''}/${f.location}/${f.ruleId}/${f.span.start}` },
    properties: {
      severity: f.severity,
      'security-severity': SECURITY_SEVERITY[f.severity],
      server: f.server,
      ...(f.tool !== undefined ? { tool: f.tool } : {}),
      evidence: f.evidence,
      span: f.span,
      references: f.references.map((r) => `${r.framework} ${r.id}`),
    },
  }));
  const failures = report.servers.filter((s) => s.status === 'error');
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'warden-mcp-scan', version: WARDEN_VERSION, rules } },
        results,
        invocations: [
          {
            executionSuccessful: failures.length === 0,
            toolExecutionNotifications: failures.map((s) => ({
              level: 'error' as const,
              message: { text: `MCP server "${s.name}" could not be scanned: ${s.error}` },
            })),
          },
        ],
      },
    ],
  };
}

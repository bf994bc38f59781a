/**
 * `warden scan <config.json>`: start or connect to every server of an `mcpServers` config,
 * scan what each advertises, print a table, JSON or SARIF, and exit non-zero on risk.
 */
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createOpenAiCompatibleJudge, JsonFileJudgeCache, type JudgeRunOptions } from '@warden/mcp';
import { printable } from '@warden/core/internal';
import { atLeast, JsonFilePinStore, parseMcpConfig, scanMcpConfig, SEVERITY_RANK, toSarif, type ConfigScanReport, type Finding } from '@warden/mcp';
import { WardenConfigError, type Severity } from '@warden/core';
import { printUsage, usageError, type CommandIO } from '../command-table';
import { approveServers, RecordingPinStore } from './scan-approve';
import { scanProgress } from './scan-progress';

export const SCAN_USAGE = `Usage: warden scan <config.json> [--json | --sarif] [--fail-on low|medium|high|critical] [--timeout ms] [--pins file [--approve-changes]]
                   [--approve --key org-key.pem [--allowlist file]]

Starts or connects to each server of an MCP configuration ({ "mcpServers": { ... } }, as used
by desktop and IDE clients), lists its tools, prompts, resources and instructions, and scans
them in process: hidden instructions, invisible unicode, encoded payloads, secrets and
sensitive paths, exfiltration links, shadowing of other servers' tools, insecure transport.

  --json             print { servers, findings } as JSON
  --sarif            print SARIF 2.1.0 (for code-scanning dashboards)
  --fail-on <sev>    exit 1 when a finding is at or above this severity (default: high)
  --timeout <ms>     per server, to start and answer (default: 15000)
  --pins <file>      pin each tool's signature in this JSON file (e.g. .warden/mcp-pins.json);
                     a tool that changed since it was pinned is a finding (rug pull)
  --approve-changes  with --pins: accept the changed signatures as the new pins
  --approve          sign the tool signatures of every server that scanned clean (no finding at or
                     above --fail-on) into the MCP allowlist that onboarding: 'allowlist' enforces
  --key <file>       with --approve: the organisation's Ed25519 private key (PKCS#8 PEM)
  --allowlist <file> with --approve: where to write it (default .warden/mcp-allowlist.json)
  --judge-url <url>  also ask a model (any OpenAI-compatible API, e.g. http://127.0.0.1:8000/v1)
                     about each tool not pinned yet; off by default. With --judge-model <name>,
                     --judge-key-env <VAR> (API key from that variable), --judge-budget <n> calls
                     (default 50), --judge-timeout <ms> (default 15000), --judge-cache <file>
                     (default .warden/mcp-judge-cache.json: each definition is sent once)

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or config error,
3 a server could not be scanned (and no finding at or above --fail-on).
`;

const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

function pad(rows: string[][]): string {
  // Every cell may hold text a server chose (names, messages, stderr): escape it before measuring.
  const cells = rows.map((r) => r.map(printable));
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}

function cut(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function formatTable(report: ConfigScanReport, configName: string, failOn: Severity): string {
  const scanned = report.servers.filter((s) => s.status === 'scanned').length;
  const out: string[] = [`Scanned ${scanned} of ${report.servers.length} MCP server(s) in ${printable(configName)}`, ''];
  const count = (name: string) => report.findings.filter((f) => f.server === name).length;
  out.push(
    pad([
      ['SERVER', 'TRANSPORT', 'TOOLS', 'PROMPTS', 'RESOURCES', 'FINDINGS', 'STATUS'],
      ...report.servers.map((s) =>
        s.status === 'scanned'
          ? [s.name, s.transport, String(s.tools), String(s.prompts), String(s.resources), String(count(s.name)), `ok (${s.durationMs} ms)`]
          : [s.name, s.transport, '-', '-', '-', String(count(s.name)), `FAILED: ${cut(s.error ?? 'unknown error', 160)}`],
      ),
    ]),
  );
  if (report.findings.length > 0) {
    const sorted = [...report.findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || (a.server ?? '').localeCompare(b.server ?? ''));
    out.push(
      '',
      pad([
        ['SEVERITY', 'RULE', 'SERVER', 'TOOL', 'MESSAGE'],
        ...sorted.map((f: Finding) => [f.severity, f.ruleId, f.server ?? '', f.tool ?? f.prompt ?? f.resource ?? '-', cut(f.message, 140)]),
      ]),
    );
  }
  const over = report.findings.filter((f) => atLeast(f.severity, failOn)).length;
  out.push('', over > 0 ? `${over} finding(s) at or above ${failOn}.` : `No finding at or above ${failOn}.`);
  return out.join('\n') + '\n';
}

export async function run(argv: string[], io: CommandIO): Promise<number> {
  let values: {
    json?: boolean;
    sarif?: boolean;
    'fail-on'?: string;
    timeout?: string;
    pins?: string;
    'approve-changes'?: boolean;
    approve?: boolean;
    key?: string;
    allowlist?: string;
    'judge-url'?: string;
    'judge-model'?: string;
    'judge-key-env'?: string;
    'judge-budget'?: string;
    'judge-timeout'?: string;
    'judge-cache'?: string;
    help?: boolean;
  };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean' },
        sarif: { type: 'boolean' },
        'fail-on': { type: 'string' },
        timeout: { type: 'string' },
        pins: { type: 'string' },
        'approve-changes': { type: 'boolean' },
        approve: { type: 'boolean' },
        key: { type: 'string' },
        allowlist: { type: 'string' },
        'judge-url': { type: 'string' },
        'judge-model': { type: 'string' },
        'judge-key-env': { type: 'string' },
        'judge-budget': { type: 'string' },
        'judge-timeout': { type: 'string' },
        'judge-cache': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (e) {
    return usageError(io, 'scan', SCAN_USAGE, (e as Error).message);
  }
  if (values.help) return printUsage(io, SCAN_USAGE);
  const usage = (message: string) => usageError(io, 'scan', SCAN_USAGE, message);
  if (positionals.length !== 1) return usage('expected exactly one config file');
  if (values.json && values.sarif) return usage('--json and --sarif cannot be combined');
  const failOn = (values['fail-on'] ?? 'high') as Severity;
  if (!SEVERITIES.includes(failOn)) return usage(`--fail-on must be low, medium, high or critical (got "${values['fail-on']}")`);
  const timeoutMs = values.timeout === undefined ? 15_000 : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) return usage(`--timeout must be a positive number of milliseconds (got "${values.timeout}")`);
  if (values['approve-changes'] && !values.pins) return usage('--approve-changes needs --pins <file>');
  if (values.approve && !values.key) return usage('--approve needs --key <organisation private key file>');
  if (!values.approve && (values.key || values.allowlist)) return usage('--key and --allowlist go with --approve');
  let judge: JudgeRunOptions | undefined;
  if (values['judge-url'] !== undefined) {
    const budget = values['judge-budget'] === undefined ? 50 : Number(values['judge-budget']);
    if (!Number.isInteger(budget) || budget < 0) return usage(`--judge-budget must be a whole number of calls (got "${values['judge-budget']}")`);
    const keyEnv = values['judge-key-env'];
    if (keyEnv !== undefined && !process.env[keyEnv]) return usage(`--judge-key-env ${keyEnv}: that variable is not set`);
    try {
      judge = {
        judge: createOpenAiCompatibleJudge({
          url: values['judge-url'],
          model: values['judge-model'] ?? 'default',
          apiKey: keyEnv ? process.env[keyEnv] : undefined,
          timeoutMs: values['judge-timeout'] === undefined ? undefined : Number(values['judge-timeout']),
        }),
        cache: new JsonFileJudgeCache(resolve(io.cwd ?? process.cwd(), values['judge-cache'] ?? '.warden/mcp-judge-cache.json')),
        budget,
      };
    } catch (e) {
      return usage((e as Error).message);
    }
  } else if (Object.keys(values).some((k) => k.startsWith('judge-'))) return usage('--judge-* options need --judge-url <url>');

  const cwd = io.cwd ?? process.cwd();
  const path = resolve(cwd, positionals[0]);
  let text: string;
  let config;
  try {
    text = await readFile(path, 'utf8');
    config = parseMcpConfig(JSON.parse(text));
  } catch (e) {
    const reason = WardenConfigError.isInstance(e) || e instanceof SyntaxError ? (e as Error).message : `cannot read ${path}: ${(e as Error).message}`;
    io.stderr.write(`warden scan: ${reason}\n`);
    return 2;
  }

  const filePins = values.pins ? new JsonFilePinStore(resolve(cwd, values.pins)) : undefined;
  const recording = values.approve ? new RecordingPinStore(filePins) : undefined;
  const pins = recording ?? filePins;
  let report: ConfigScanReport;
  const progress = scanProgress(io.stderr, Object.keys(config.mcpServers));
  try {
    report = await scanMcpConfig(config, {
      timeoutMs,
      pins,
      approveChanges: values['approve-changes'] === true,
      judge,
      onServerScanned: (server) => progress?.serverScanned(server),
    });
  } catch (e) {
    progress?.finish();
    // Only the pin file can fail the whole scan (servers fail one by one, inside the report).
    io.stderr.write(`warden scan: ${(e as Error).message}
`);
    return 2;
  }
  progress?.finish();
  const rel = relative(cwd, path);
  const shown = rel && !rel.startsWith('..') ? rel : path;
  if (values.json) io.stdout.write(JSON.stringify({ servers: report.servers, findings: report.findings }, null, 2) + '\n');
  else if (values.sarif) io.stdout.write(JSON.stringify(toSarif(report, { uri: shown.split('\\').join('/'), text }), null, 2) + '\n');
  else io.stdout.write(formatTable(report, shown, failOn));

  if (report.judge) {
    const j = report.judge;
    io.stderr.write(
      `warden scan: judge ${printable(j.model)}: ${j.asked} asked, ${j.cached} cached, ${j.pinned} pinned (not sent)${j.overBudget ? `, ${j.overBudget} over budget (not judged)` : ''}${j.failed.length ? `, ${j.failed.length} failed (${printable(j.failed[0].error).slice(0, 120)})` : ''}\n`,
    );
  }
  for (const s of report.servers) {
    if (s.status === 'error' && (values.json || values.sarif))
      io.stderr.write(`warden scan: server "${printable(s.name)}" could not be scanned: ${printable(s.error ?? 'unknown error')}\n`);
  }
  if (recording && values.key) {
    try {
      const out = resolve(cwd, values.allowlist ?? '.warden/mcp-allowlist.json');
      const approved = await approveServers(report, recording, failOn, resolve(cwd, values.key), out);
      io.stderr.write(
        `warden scan: signed ${approved.signed.length} server(s) into ${out}${approved.signed.length ? ` (${approved.signed.map((n) => JSON.stringify(n)).join(', ')})` : ''}\n`,
      );
      for (const s of approved.skipped) io.stderr.write(`warden scan: not approved: ${JSON.stringify(s.name)}: ${s.reason}\n`);
    } catch (e) {
      io.stderr.write(`warden scan: ${(e as Error).message}\n`);
      return 2;
    }
  }
  if (report.findings.some((f) => atLeast(f.severity, failOn))) return 1;
  if (report.servers.some((s) => s.status === 'error')) return 3;
  return 0;
}

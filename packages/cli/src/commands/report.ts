/**
 * `warden report`: the evidence report (maturity level, Level 3 controls, inventory, alerts,
 * detectors, audit log) from recorded OTLP/JSON traces, as HTML, Markdown or JSON.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ledgerFromTraces, renderReport, type OtlpReadStats, type ReportFormat } from '@warden/posture';
import { verifyAuditLog } from 'warden';
import { printUsage, usageError, type CommandIO } from '../command-table';

export const REPORT_USAGE = `Usage: warden report [--traces <file|dir>] [--format html|md|json] [--out <path>] [--config <posture.json>]

Builds the AI security evidence report from OTLP/JSON trace files (one export request per
line, as written by FileSpanExporter / monitor({ traceFile })).

  --traces <file|dir>  trace file or directory (default: .warden/traces)
  --format <fmt>       html (default), md or json
  --out <path>         write the report there and print its path (default: stdout)
  --config <file>      posture facts that traces cannot show, as JSON: policies,
                       detectors (analyzer.describe()), baselines, alertSubscribers,
                       auditLog { path, hmacKeyEnv? }, adversarialSimulation. The audit
                       log is verified here (a relative path is taken from the config's
                       folder); a "verified" flag in the file is never taken on trust.
`;

const FORMATS: Record<string, ReportFormat> = { html: 'html', md: 'markdown', markdown: 'markdown', json: 'json' };

export async function run(argv: string[], io: CommandIO): Promise<number> {
  let values: { traces?: string; format?: string; out?: string; config?: string; help?: boolean };
  try {
    values = parseArgs({
      args: argv,
      options: {
        traces: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    return usageError(io, 'report', REPORT_USAGE, (e as Error).message);
  }
  if (values.help) return printUsage(io, REPORT_USAGE);
  const format = FORMATS[values.format ?? 'html'];
  if (!format) {
    io.stderr.write(`warden report: --format must be html, md or json (got "${values.format}")\n`);
    return 2;
  }
  const cwd = io.cwd ?? process.cwd();
  const traces = resolve(cwd, values.traces ?? '.warden/traces');
  if (!existsSync(traces)) {
    io.stderr.write(`warden report: no trace file or directory at ${traces} (pass --traces <file|dir>)\n`);
    return 2;
  }
  try {
    const stats: OtlpReadStats = { files: 0, lines: 0, spans: 0, rejectedLines: 0, rejectedSpans: 0 };
    const ledger = await ledgerFromTraces(traces, {}, stats);
    if (values.config) {
      const configPath = resolve(cwd, values.config);
      const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
      ledger.setConfig(await withVerifiedAuditLog(config, dirname(configPath)));
    }
    const text = renderReport(ledger, { format });
    const level = ledger.posture().level;
    const summary = `${stats.spans} span(s) from ${stats.files} file(s)${stats.rejectedLines + stats.rejectedSpans ? `, ${stats.rejectedLines} bad line(s) and ${stats.rejectedSpans} bad span(s) skipped` : ''}; evidence supports Level ${level}`;
    if (values.out) {
      const out = resolve(cwd, values.out);
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, text);
      io.stdout.write(`${out}\n`);
    } else {
      io.stdout.write(text);
    }
    io.stderr.write(`warden report: ${summary}\n`);
    return 0;
  } catch (e) {
    io.stderr.write(`warden report: ${(e as Error).message}\n`);
    return 1;
  }
}

/**
 * The report states what this command checked, not what a config file claims: the audit log
 * named in the config is verified now (with its key when `hmacKeyEnv` names one), and a
 * missing or unreadable file is reported as not verified.
 */
async function withVerifiedAuditLog(config: Record<string, unknown>, baseDir: string): Promise<Record<string, unknown>> {
  const fact = config.auditLog as { path?: unknown; hmacKeyEnv?: unknown } | undefined;
  if (!fact || typeof fact !== 'object' || typeof fact.path !== 'string' || fact.path === '') return config;
  const path = resolve(baseDir, fact.path);
  const checkedAt = new Date().toISOString();
  const keyEnv = typeof fact.hmacKeyEnv === 'string' ? fact.hmacKeyEnv : undefined;
  const hmacKey = keyEnv !== undefined ? process.env[keyEnv] : undefined;
  let result: { verified: boolean; entries?: number; error?: string };
  if (keyEnv !== undefined && !hmacKey) result = { verified: false, error: `environment variable ${keyEnv} (the log's HMAC key) is not set` };
  else if (!existsSync(path)) result = { verified: false, error: 'no such file' };
  else {
    const r = await verifyAuditLog(path, hmacKey !== undefined ? { hmacKey } : {});
    result = r.ok ? { verified: true, entries: r.entries } : { verified: false, entries: r.entries, error: r.problem ?? 'the chain does not verify' };
  }
  const { verified: _claimed, entries: _e, error: _err, checkedAt: _c, hmacKeyEnv: _k, ...rest } = fact as Record<string, unknown>;
  return { ...config, auditLog: { ...rest, path: fact.path, checkedAt, ...result } };
}

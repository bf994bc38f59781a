/**
 * `warden report`: the evidence report (maturity level, Level 3 controls, inventory, alerts,
 * detectors, audit log) from recorded OTLP/JSON traces, as HTML, Markdown or JSON.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ledgerFromTraces, renderReport, type OtlpReadStats, type ReportFormat } from '@warden/posture';
import type { CommandIO } from '../command-table';

export const REPORT_USAGE = `Usage: warden report [--traces <file|dir>] [--format html|md|json] [--out <path>] [--config <posture.json>]

Builds the AI security evidence report from OTLP/JSON trace files (one export request per
line, as written by FileSpanExporter / monitor({ traceFile })).

  --traces <file|dir>  trace file or directory (default: .warden/traces)
  --format <fmt>       html (default), md or json
  --out <path>         write the report there and print its path (default: stdout)
  --config <file>      posture facts that traces cannot show, as JSON: policies,
                       detectors (analyzer.describe()), baselines, alertSubscribers,
                       auditLog { path, verified }, adversarialSimulation
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
    io.stderr.write(`warden report: ${(e as Error).message}\n\n${REPORT_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(REPORT_USAGE);
    return 0;
  }
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
    if (values.config) ledger.setConfig(JSON.parse(await readFile(resolve(cwd, values.config), 'utf8')));
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

/**
 * `warden drill`: prove that the controls a configuration declares actually fire. Starts
 * Warden with the given policies, agent keys and audit log (exporting nothing), runs the
 * drill suite through them and prints each drill's verdict. Exit 0 when no drill failed.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DRILLS, formatDrillReport, monitor, WardenConfigError, type MonitorOptions } from 'warden';
import { printUsage, usageError, type CommandIO } from '../command-table';

export const DRILL_USAGE = `Usage: warden drill [--policies file] [--agent-keys file [--identity-mode audit|enforce]]
                    [--audit-log file [--hmac-key-env VAR]] [--only id,id] [--archive dir] [--json]

Runs safe synthetic attacks through the controls this configuration declares: a canary tool
outside each agent's policy, a drifting canary agent and a never-seen tool, a multi-turn
escalation, an edited copy of the audit log, forged and unsigned hand-offs. Nothing reaches a
real tool, user or exporter. (MCP onboarding is drilled inside the app: warden.drill().)

  --policies <file>        least-privilege policies (JSON or YAML), as monitor({ policies })
  --agent-keys <file>      the agent key set, as monitor({ identity: { keys } })
  --identity-mode <mode>   audit (default) or enforce
  --audit-log <file>       an audit log to drill (a copy with one edited line must fail at it)
  --hmac-key-env <VAR>     the audit log is keyed: its HMAC key is in this environment variable
  --only <ids>             run only these drills (${DRILLS.map((d) => d.id).join(', ')})
  --archive <dir>          archive the report here (default .warden/drills)
  --json                   print the report as JSON

Exit codes: 0 no drill failed, 1 a drill failed, 2 usage or configuration error.
`;

export async function run(argv: string[], io: CommandIO): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        policies: { type: 'string' },
        'agent-keys': { type: 'string' },
        'identity-mode': { type: 'string' },
        'audit-log': { type: 'string' },
        'hmac-key-env': { type: 'string' },
        only: { type: 'string' },
        archive: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    return usageError(io, 'drill', DRILL_USAGE, (e as Error).message);
  }
  if (values.help) return printUsage(io, DRILL_USAGE);
  const usage = (m: string) => usageError(io, 'drill', DRILL_USAGE, m);
  const mode = values['identity-mode'] as string | undefined;
  if (mode !== undefined && mode !== 'audit' && mode !== 'enforce') return usage(`--identity-mode must be audit or enforce (got "${mode}")`);
  if (mode && !values['agent-keys']) return usage('--identity-mode needs --agent-keys <file>');
  if (values['hmac-key-env'] && !values['audit-log']) return usage('--hmac-key-env needs --audit-log <file>');
  const only =
    typeof values.only === 'string'
      ? values.only
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
  const unknown = only?.filter((id) => !DRILLS.some((d) => d.id === id)) ?? [];
  if (unknown.length) return usage(`unknown drill(s): ${unknown.join(', ')}`);
  let hmacKey: string | undefined;
  if (typeof values['hmac-key-env'] === 'string') {
    hmacKey = process.env[values['hmac-key-env']];
    if (!hmacKey) return usage(`environment variable ${values['hmac-key-env']} is not set`);
  }
  const cwd = io.cwd ?? process.cwd();
  const options: MonitorOptions = {
    serviceName: 'warden-drill',
    exporter: 'none',
    metrics: 'none',
    drills: { archiveDir: resolve(cwd, typeof values.archive === 'string' ? values.archive : '.warden/drills') },
  };
  if (typeof values.policies === 'string') options.policies = resolve(cwd, values.policies);
  if (typeof values['agent-keys'] === 'string')
    options.identity = { keys: resolve(cwd, values['agent-keys']), ...(mode ? { mode: mode as 'audit' | 'enforce' } : {}) };
  let warden;
  try {
    warden = monitor(options);
  } catch (e) {
    io.stderr.write(`warden drill: ${WardenConfigError.isInstance(e) ? e.message : (e as Error).message}\n`);
    return 2;
  }
  try {
    const auditLog = typeof values['audit-log'] === 'string' ? { path: resolve(cwd, values['audit-log']), ...(hmacKey ? { hmacKey } : {}) } : undefined;
    const report = await warden.drill({ ...(only ? { only } : {}), ...(auditLog ? { auditLogFile: auditLog } : {}) });
    io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatDrillReport(report)}\n`);
    return report.passed ? 0 : 1;
  } finally {
    await warden.shutdown();
  }
}

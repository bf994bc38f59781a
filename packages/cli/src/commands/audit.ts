/**
 * `warden audit verify <file>`: checks the hash chain of an audit log written by
 * monitor({ auditLog }) and names the first edited, removed, inserted or reordered line.
 */
import { parseArgs } from 'node:util';
import { verifyAuditLog } from 'warden';
import type { CommandIO } from '../command-table';

export const AUDIT_USAGE = `Usage: warden audit verify <audit.jsonl> [--json] [--expect-last-hash <sha256>] [--hmac-key-env <VAR>]

Verifies the hash chain of a Warden audit log (append-only JSONL, each entry carrying the
sha256 of the previous one). Exit code 0 when the chain is intact, 1 when it is broken,
2 on usage errors.

  --expect-last-hash <h>  the hash the last entry must have (an anchor kept elsewhere);
                          detects lines cut off the end
  --hmac-key-env <VAR>    the chain was signed with the HMAC key in this environment variable
  --json                  print the verification result as JSON
`;

export async function run(argv: string[], io: CommandIO): Promise<number> {
  let parsed: ReturnType<typeof parseAuditArgs>;
  try {
    parsed = parseAuditArgs(argv);
  } catch (e) {
    io.stderr.write(`warden audit: ${(e as Error).message}\n\n${AUDIT_USAGE}`);
    return 2;
  }
  if (parsed.help) {
    io.stdout.write(AUDIT_USAGE);
    return 0;
  }
  const { file, values } = parsed;
  let hmacKey: string | undefined;
  if (values['hmac-key-env']) {
    hmacKey = process.env[values['hmac-key-env']];
    if (!hmacKey) {
      io.stderr.write(`warden audit: environment variable ${values['hmac-key-env']} is not set\n`);
      return 2;
    }
  }
  const result = await verifyAuditLog(file, { expectLastHash: values['expect-last-hash'], hmacKey });
  if (values.json) io.stdout.write(`${JSON.stringify({ file, ...result }, null, 2)}\n`);
  else if (result.ok) io.stdout.write(`ok: ${file}: ${result.entries} entries, chain intact, last hash ${result.lastHash}\n`);
  else
    io.stdout.write(
      `BROKEN: ${file}${result.firstBadLine ? `, line ${result.firstBadLine}` : ''}: ${result.problem ?? 'the chain does not verify'} (${result.entries} entries verified before it)\n`,
    );
  return result.ok ? 0 : 1;
}

function parseAuditArgs(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean' },
      'expect-last-hash': { type: 'string' },
      'hmac-key-env': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) return { help: true as const, file: '', values };
  const [sub, file, ...rest] = positionals;
  if (sub !== 'verify') throw new Error(sub ? `unknown subcommand "${sub}"; expected "verify"` : 'missing subcommand "verify"');
  if (!file) throw new Error('missing the audit log file');
  if (rest.length) throw new Error(`unexpected arguments: ${rest.join(' ')}`);
  return { help: false as const, file, values };
}

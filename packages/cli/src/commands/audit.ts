/**
 * `warden audit verify <file>`: checks the hash chain of an audit log written by
 * monitor({ auditLog }) and names the first edited, removed, inserted or reordered line.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { verifyAuditLog } from 'warden';
import { printable } from '@warden/core/internal';
import { printUsage, usageError, type CommandIO } from '../command-table';

export const AUDIT_USAGE = `Usage: warden audit verify <audit.jsonl> [--hmac-key-env <VAR> | --hmac-key-file <file>]
                            [--checkpoint <file> | --no-checkpoint] [--expect-last-hash <sha256>] [--json]

Verifies the hash chain of a Warden audit log (append-only JSONL, each entry carrying the
hash of the previous one). Exit code 0 when the chain is intact, 1 when it is broken or
torn, 2 on usage errors.

  --hmac-key-env <VAR>    the log is keyed: its HMAC key is in this environment variable
  --hmac-key-file <file>  the log is keyed: its HMAC key is in this file
                          Without a key the log is verified as a plain sha256 chain, which
                          anyone with write access could recompute; a keyed log then fails.
  --checkpoint <file>     the checkpoint the log must contain (default: <audit.jsonl>.checkpoint
                          when it exists); detects entries cut off the end
  --no-checkpoint         ignore the checkpoint file
  --expect-last-hash <h>  the hash the last entry must have (an anchor kept elsewhere)
  --json                  print the verification result as JSON
`;

export async function run(argv: string[], io: CommandIO): Promise<number> {
  let parsed: ReturnType<typeof parseAuditArgs>;
  try {
    parsed = parseAuditArgs(argv);
  } catch (e) {
    return usageError(io, 'audit', AUDIT_USAGE, (e as Error).message);
  }
  if (parsed.help) return printUsage(io, AUDIT_USAGE);
  const { file, values } = parsed;
  let hmacKey: string | undefined;
  if (values['hmac-key-env'] && values['hmac-key-file']) {
    io.stderr.write('warden audit: give --hmac-key-env or --hmac-key-file, not both\n');
    return 2;
  }
  if (values['hmac-key-env']) {
    hmacKey = process.env[values['hmac-key-env']];
    if (!hmacKey) {
      io.stderr.write(`warden audit: environment variable ${values['hmac-key-env']} is not set\n`);
      return 2;
    }
  }
  if (values['hmac-key-file']) {
    try {
      hmacKey = readFileSync(resolve(io.cwd ?? process.cwd(), values['hmac-key-file']), 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      io.stderr.write(`warden audit: cannot read --hmac-key-file: ${(e as Error).message}\n`);
      return 2;
    }
    if (!hmacKey) {
      io.stderr.write(`warden audit: --hmac-key-file ${values['hmac-key-file']} is empty\n`);
      return 2;
    }
  }
  const checkpoint = values['no-checkpoint'] ? false : values.checkpoint;
  const result = await verifyAuditLog(file, { expectLastHash: values['expect-last-hash'], hmacKey, checkpoint });
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ file, ...result }, null, 2)}\n`);
    return result.ok ? 0 : 1;
  }
  const shown = printable(file);
  const mode =
    result.mode === 'hmac-sha256'
      ? 'keyed HMAC-SHA256 chain'
      : 'UNKEYED sha256 chain (anyone with write access could recompute it; write keyed logs with auditLog: { path, hmacKey })';
  if (result.ok) {
    const extras = [
      result.checkpoint ? `checkpoint at seq ${result.checkpoint.seq} matched` : 'no checkpoint checked',
      ...(result.recoveries ? [`${result.recoveries} recovered crash(es)`] : []),
    ];
    io.stdout.write(`ok: ${shown}: ${result.entries} entries, ${mode}, intact; ${extras.join('; ')}; last hash ${result.lastHash}\n`);
  } else {
    const label = result.torn ? 'TORN' : 'BROKEN';
    io.stdout.write(
      `${label}: ${shown}${result.firstBadLine ? `, line ${result.firstBadLine}` : ''}: ${printable(result.problem ?? 'the chain does not verify')} (${result.entries} entries verified before it, as a ${mode})\n`,
    );
  }
  return result.ok ? 0 : 1;
}

function parseAuditArgs(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean' },
      'expect-last-hash': { type: 'string' },
      'hmac-key-env': { type: 'string' },
      'hmac-key-file': { type: 'string' },
      checkpoint: { type: 'string' },
      'no-checkpoint': { type: 'boolean' },
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

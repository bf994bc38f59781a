import type { Writable } from 'node:stream';
import { AuditLog, type VerifyAuditLogOptions } from '@warden/agents';
import { WardenConfigError } from '@warden/core';
import type { ParsedMonitorOptions } from './options';

/** The audit log monitor() writes, and how to verify it later (same key, same checkpoint). */
export interface AuditLogSetup {
  log: AuditLog;
  /** File path, or undefined for a stream destination. */
  path: string | undefined;
  verifyOptions: VerifyAuditLogOptions;
}

/** Opens the audit log of monitor({ auditLog }); the key comes from the option or its environment variable. */
export function openAuditLog(option: ParsedMonitorOptions['auditLog']): AuditLogSetup | undefined {
  if (option === undefined) return undefined;
  if (typeof option === 'string') return { log: new AuditLog({ destination: option }), path: option, verifyOptions: {} };
  // A stream (an fs.WriteStream has a `path` too, so look for write()).
  if (typeof (option as { write?: unknown }).write === 'function')
    return { log: new AuditLog({ destination: option as Writable }), path: undefined, verifyOptions: {} };
  const settings = option as Exclude<typeof option, NodeJS.WritableStream>;
  let hmacKey = settings.hmacKey;
  if (settings.hmacKeyEnv !== undefined) {
    hmacKey = process.env[settings.hmacKeyEnv];
    if (!hmacKey) throw new WardenConfigError(`Invalid monitor() options: auditLog.hmacKeyEnv: environment variable ${settings.hmacKeyEnv} is not set`);
    if (Buffer.byteLength(hmacKey) < 16)
      throw new WardenConfigError(`Invalid monitor() options: auditLog.hmacKeyEnv: the key in ${settings.hmacKeyEnv} is shorter than 16 bytes`);
  }
  const log = new AuditLog({
    destination: settings.path,
    ...(hmacKey !== undefined ? { hmacKey } : {}),
    ...(settings.checkpointEvery !== undefined ? { checkpointEvery: settings.checkpointEvery } : {}),
  });
  return { log, path: settings.path, verifyOptions: hmacKey !== undefined ? { hmacKey } : {} };
}

/**
 * The signed MCP allowlist: an organisation key signs, per server identity, the sha256 of
 * every tool signature it approved (`warden scan --approve --key`). A client in
 * `onboarding: 'allowlist'` mode admits a server only when its live tools match a signed pin
 * exactly; anything else (unknown server, changed, added or removed tool) is unsigned.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { WardenConfigError } from '@warden/core';
import { canonicalJson, parseConfig, parseEd25519PrivateKey, parseEd25519PublicKey, readConfigFile, signEd25519, verifyEd25519 } from '@warden/core/internal';
import { z } from 'zod';

const hash = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 hex digest (64 lowercase hex characters)');

export const allowlistFileSchema = z
  .object({
    version: z.literal(1),
    issuedAt: z.string().min(1),
    servers: z.record(z.string().min(1), z.object({ name: z.string().min(1).optional(), tools: z.record(z.string(), hash) }).strict()),
    /** Ed25519 signature (base64url) of the canonical JSON of { version, issuedAt, servers }. */
    signature: z.string().min(1),
  })
  .strict();
export type AllowlistFile = z.infer<typeof allowlistFileSchema>;
export type AllowlistServers = AllowlistFile['servers'];

function signedBody(file: Pick<AllowlistFile, 'version' | 'issuedAt' | 'servers'>): string {
  return canonicalJson({ version: file.version, issuedAt: file.issuedAt, servers: file.servers });
}

/** Signs `servers` (identity → tool name → signature hash) with the organisation's private key (PEM). */
export function signAllowlist(servers: AllowlistServers, privateKeyPem: string, issuedAt = new Date().toISOString()): AllowlistFile {
  const key = parseEd25519PrivateKey(privateKeyPem, 'organisation key');
  const body = { version: 1 as const, issuedAt, servers };
  return { ...body, signature: signEd25519(key, signedBody(body)) };
}

export type AllowlistVerdict = { admitted: true; reason: string } | { admitted: false; reason: string };

/** A verified allowlist: parsing checks the organisation signature, so an edited file never loads. */
export class McpAllowlist {
  private constructor(
    readonly issuedAt: string,
    private readonly servers: AllowlistServers,
  ) {}

  /** Validates and verifies; errors name the field or say the signature does not verify. */
  static parse(input: unknown, publicKey: string | KeyObject, where = 'MCP allowlist'): McpAllowlist {
    const file = parseConfig(allowlistFileSchema, input, where);
    const key = typeof publicKey === 'string' ? parseEd25519PublicKey(publicKey, `${where}: organisation public key`) : publicKey;
    if (!verifyEd25519(key, signedBody(file), file.signature))
      throw new WardenConfigError(
        `${where}: the signature does not verify with the organisation public key (the file was edited, or signed with another key)`,
        [{ path: 'signature', message: 'does not verify' }],
      );
    return new McpAllowlist(file.issuedAt, file.servers);
  }

  static load(path: string, publicKey: string | KeyObject): McpAllowlist {
    return McpAllowlist.parse(readConfigFile(`MCP allowlist ${path}`, path), publicKey, `MCP allowlist ${path}`);
  }

  /** Whether a server's live tools (name → signature hash) match its signed pins exactly. */
  check(identity: string, live: ReadonlyMap<string, string>): AllowlistVerdict {
    const signed = this.servers[identity];
    if (!signed) return { admitted: false, reason: `server "${identity}" is not on the signed allowlist` };
    for (const [tool, h] of live) {
      const pin = signed.tools[tool];
      if (pin === undefined) return { admitted: false, reason: `tool "${tool}" is not on the signed allowlist` };
      if (pin !== h) return { admitted: false, reason: `tool "${tool}" differs from its signed signature` };
    }
    for (const tool of Object.keys(signed.tools)) if (!live.has(tool)) return { admitted: false, reason: `signed tool "${tool}" is missing from the server` };
    return { admitted: true, reason: `every tool matches the allowlist signed ${this.issuedAt}` };
  }
}

/** Writes the allowlist atomically (temp file + rename). */
export async function writeAllowlist(path: string, file: AllowlistFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, `${JSON.stringify(file, null, 2)}\n`, 'utf8');
  await rename(tmp, path);
}

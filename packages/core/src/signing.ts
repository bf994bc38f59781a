/**
 * Ed25519 keys and signatures (node:crypto), the one place Warden reads a key: agent
 * identities and the signed MCP allowlist both go through here, so a malformed key gets the
 * same clear error wherever it comes from.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { WardenConfigError } from './errors';

export interface Ed25519KeyPairPem {
  /** SPKI PEM ("-----BEGIN PUBLIC KEY-----"). */
  publicKey: string;
  /** PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"). */
  privateKey: string;
}

/** A new Ed25519 key pair as PEM text. */
export function generateEd25519KeyPair(): Ed25519KeyPairPem {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return v.length === 0 ? 'an empty string' : `a string of ${v.length} characters`;
  return Array.isArray(v) ? 'an array' : typeof v;
}

const PEM = {
  public: { header: '-----BEGIN PUBLIC KEY-----', format: 'SPKI', read: createPublicKey },
  private: { header: '-----BEGIN PRIVATE KEY-----', format: 'PKCS#8', read: createPrivateKey },
} as const;

/** Reads one half of an Ed25519 key pair from PEM; `where` names the field in the error. */
function parseEd25519Key(half: keyof typeof PEM, pem: unknown, where: string): KeyObject {
  const { header, format, read } = PEM[half];
  if (typeof pem !== 'string' || !pem.includes(header))
    throw new WardenConfigError(`${where}: expected an Ed25519 ${half} key in PEM ("${header}"), got ${describeValue(pem)}`, [
      { path: where, message: `expected an Ed25519 ${half} key (${format} PEM)` },
    ]);
  let key: KeyObject;
  try {
    key = read(pem);
  } catch (e) {
    throw new WardenConfigError(`${where}: not a readable ${half} key (${(e as Error).message})`, [{ path: where, message: `unreadable ${half} key` }]);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new WardenConfigError(`${where}: expected an Ed25519 key, got ${key.asymmetricKeyType ?? 'an unknown'} key`, [
      { path: where, message: 'expected an Ed25519 key' },
    ]);
  return key;
}

/** Reads an Ed25519 public key (SPKI PEM); `where` names the field in the error. */
export function parseEd25519PublicKey(pem: unknown, where: string): KeyObject {
  return parseEd25519Key('public', pem, where);
}

/** Reads an Ed25519 private key (PKCS#8 PEM); `where` names the field in the error. */
export function parseEd25519PrivateKey(pem: unknown, where: string): KeyObject {
  return parseEd25519Key('private', pem, where);
}

/** True when `privateKey` is the private half of `publicKey`. */
export function ed25519KeysMatch(privateKey: KeyObject, publicKey: KeyObject): boolean {
  const derived = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return derived.equals(publicKey.export({ type: 'spki', format: 'der' }));
}

/** Signature of `data` (base64url). */
export function signEd25519(privateKey: KeyObject, data: string): string {
  return sign(null, Buffer.from(data, 'utf8'), privateKey).toString('base64url');
}

/** True when `signature` (base64url) is `data` signed by `publicKey`; false for any malformed signature. */
export function verifyEd25519(publicKey: KeyObject, data: string, signature: unknown): boolean {
  if (typeof signature !== 'string' || !/^[A-Za-z0-9_-]{86}$/.test(signature)) return false;
  try {
    return verify(null, Buffer.from(data, 'utf8'), publicKey, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

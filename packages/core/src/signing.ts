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

/** Reads an Ed25519 public key (SPKI PEM); `where` names the field in the error. */
export function parseEd25519PublicKey(pem: unknown, where: string): KeyObject {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN PUBLIC KEY-----'))
    throw new WardenConfigError(`${where}: expected an Ed25519 public key in PEM ("-----BEGIN PUBLIC KEY-----"), got ${describeValue(pem)}`, [
      { path: where, message: 'expected an Ed25519 public key (SPKI PEM)' },
    ]);
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (e) {
    throw new WardenConfigError(`${where}: not a readable public key (${(e as Error).message})`, [{ path: where, message: 'unreadable public key' }]);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new WardenConfigError(`${where}: expected an Ed25519 key, got ${key.asymmetricKeyType ?? 'an unknown'} key`, [
      { path: where, message: 'expected an Ed25519 key' },
    ]);
  return key;
}

/** Reads an Ed25519 private key (PKCS#8 PEM); `where` names the field in the error. */
export function parseEd25519PrivateKey(pem: unknown, where: string): KeyObject {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN PRIVATE KEY-----'))
    throw new WardenConfigError(`${where}: expected an Ed25519 private key in PEM ("-----BEGIN PRIVATE KEY-----"), got ${describeValue(pem)}`, [
      { path: where, message: 'expected an Ed25519 private key (PKCS#8 PEM)' },
    ]);
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    throw new WardenConfigError(`${where}: not a readable private key (${(e as Error).message})`, [{ path: where, message: 'unreadable private key' }]);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new WardenConfigError(`${where}: expected an Ed25519 key, got ${key.asymmetricKeyType ?? 'an unknown'} key`, [
      { path: where, message: 'expected an Ed25519 key' },
    ]);
  return key;
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

// Ed25519 public keys as manifests carry them (raw 32 bytes, base64) and as files hold them (SPKI
// PEM), their key ids, and the set of keys a verification trusts.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../config/errors.ts';

export const ED25519_PUBLIC_KEY_BYTES = 32;

/** A public key a verification accepts signatures from, and where it came from (for messages). */
export interface TrustedKey {
  keyId: string;
  publicKeyRaw: Buffer;
  source: string;
}

/** First 16 hex digits of the SHA-256 of the raw 32-byte public key. */
export function keyIdOf(publicKeyRaw: Uint8Array): string {
  return createHash('sha256').update(publicKeyRaw).digest('hex').slice(0, 16);
}

export function rawEd25519PublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new TypeError('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

/** The key object for raw bytes; throws on anything but 32 bytes. */
export function ed25519PublicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== ED25519_PUBLIC_KEY_BYTES) throw new TypeError(`an Ed25519 public key is ${ED25519_PUBLIC_KEY_BYTES} bytes, not ${raw.length}`);
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

export function trustedKeyFromPem(pem: string | Buffer, source: string): TrustedKey {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw keyFileError(source, 'is not a PEM public key', err);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw keyFileError(source, `holds a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
  const publicKeyRaw = rawEd25519PublicKey(key);
  return { keyId: keyIdOf(publicKeyRaw), publicKeyRaw, source };
}

export async function readTrustedKeyFile(path: string): Promise<TrustedKey> {
  let pem: Buffer;
  try {
    pem = await readFile(path);
  } catch (err) {
    throw keyFileError(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, err);
  }
  return trustedKeyFromPem(pem, path);
}

/** Every `*.pub` in a directory (absent directory: none), in name order. */
export async function readTrustedKeyDir(dir: string): Promise<TrustedKey[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw keyFileError(dir, `cannot be listed (${(err as NodeJS.ErrnoException).code ?? 'error'})`, err);
  }
  const keys: TrustedKey[] = [];
  for (const name of names.filter((n) => n.endsWith('.pub')).sort()) keys.push(await readTrustedKeyFile(join(dir, name)));
  return keys;
}

export function keyFileError(path: string, problem: string, cause?: unknown): ConfigError {
  return new ConfigError(`key file ${path} ${problem}`, [], { cause });
}

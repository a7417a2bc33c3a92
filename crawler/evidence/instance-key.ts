// The instance's Ed25519 signing key: created on first start in `<dataDir>/keys/`, kept there
// (never in the artifact store, which may be a shared bucket), and loaded on every later start.
// Two processes starting at once end with one key: each writes a complete temp file and hard-links
// it into place, which fails for all but the first, and the losers read the winner's key.
import { syncDirectory } from '../sync-directory.ts';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { keyFileError, keyIdOf, rawEd25519PublicKey, trustedKeyFromPem, type TrustedKey } from './public-keys.ts';

export const KEYS_DIR = 'keys';
export const INSTANCE_KEY_FILE = 'instance-ed25519.key';
export const INSTANCE_PUBLIC_KEY_FILE = 'instance-ed25519.pub';

export interface InstanceKey {
  keyId: string;
  publicKeyRaw: Buffer;
  /** SPKI PEM, as in the `.pub` file. */
  publicKeyPem: string;
  /** Where the private key lives (for messages). */
  path: string;
  /** Ed25519 signature of the bytes. The private key itself never leaves this object. */
  sign(data: Uint8Array): Buffer;
}

export function instanceKeyPaths(dataDir: string): { dir: string; privateKey: string; publicKey: string } {
  const dir = join(dataDir, KEYS_DIR);
  return { dir, privateKey: join(dir, INSTANCE_KEY_FILE), publicKey: join(dir, INSTANCE_PUBLIC_KEY_FILE) };
}

/** Loads the instance key, creating it (and its `.pub`) if there is none yet. */
export async function loadOrCreateInstanceKey(dataDir: string): Promise<InstanceKey> {
  const paths = instanceKeyPaths(dataDir);
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  const pem = (await readKeyFile(paths.privateKey)) ?? (await createKeyFile(paths.privateKey));
  const key = await instanceKeyFromPem(pem, paths.privateKey);
  await ensurePublicKeyFile(paths.publicKey, key);
  return key;
}

/**
 * The instance's public key if it has one, for verification (which must never create a key): the
 * `.pub` when present, so an auditor needs no access to the private key.
 */
export async function readInstancePublicKey(dataDir: string): Promise<TrustedKey | null> {
  const paths = instanceKeyPaths(dataDir);
  const pub = await readKeyFile(paths.publicKey);
  if (pub !== null) return trustedKeyFromPem(pub, paths.publicKey);
  const pem = await readKeyFile(paths.privateKey);
  if (pem === null) return null;
  const key = await instanceKeyFromPem(pem, paths.privateKey);
  return { keyId: key.keyId, publicKeyRaw: key.publicKeyRaw, source: paths.privateKey };
}

async function readKeyFile(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw keyFileError(path, `cannot be read (${code ?? 'error'})`, err);
  }
}

async function createKeyFile(path: string): Promise<Buffer> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = Buffer.from(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeDurably(temp, pem, 0o600);
    try {
      await link(temp, path);
      await syncDirectory(join(path, '..'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw keyFileError(path, `cannot be created (${(err as NodeJS.ErrnoException).code ?? 'error'})`, err);
      // Another process won the race: its complete key is in place; use it.
      const theirs = await readKeyFile(path);
      if (theirs === null) throw keyFileError(path, 'vanished while being created', err);
      return theirs;
    }
    return pem;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function instanceKeyFromPem(pem: Buffer, path: string): Promise<InstanceKey> {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw keyFileError(path, 'is not a PEM private key', err);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw keyFileError(path, `holds a ${privateKey.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
  const mode = (await stat(path)).mode;
  // Like ssh: a signing key others can read or replace proves nothing.
  if ((mode & 0o077) !== 0) throw keyFileError(path, `is accessible to other users (mode ${(mode & 0o777).toString(8)}); run chmod 600 on it`);
  const publicKeyRaw = rawEd25519PublicKey(privateKey);
  // createPublicKey derives the public half of a private KeyObject.
  const publicKeyPem = String(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }));
  return {
    keyId: keyIdOf(publicKeyRaw),
    publicKeyRaw,
    publicKeyPem,
    path,
    sign: (data) => sign(null, data, privateKey),
  };
}

/** Writes the `.pub` if missing; refuses one that belongs to another key. */
async function ensurePublicKeyFile(path: string, key: InstanceKey): Promise<void> {
  const existing = await readKeyFile(path);
  if (existing !== null) {
    if (!trustedKeyFromPem(existing, path).publicKeyRaw.equals(key.publicKeyRaw)) {
      throw keyFileError(path, `does not match the private key ${key.path}; remove it and Vigie will write the right one`);
    }
    return;
  }
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeDurably(temp, Buffer.from(key.publicKeyPem), 0o644);
    // Derived from the private key, so racing writers write the same bytes: rename is enough.
    await rename(temp, path);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function writeDurably(path: string, bytes: Buffer, mode: number): Promise<void> {
  const handle = await open(path, 'wx', mode);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

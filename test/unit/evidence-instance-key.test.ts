// The instance key: created once with private permissions, the same key on every later start and
// for processes racing to create it, and a clear refusal of key files that cannot be trusted.
import { spawn } from 'node:child_process';
import { createPublicKey, createHash, generateKeyPairSync, verify } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/index.ts';
import { instanceKeyPaths, loadOrCreateInstanceKey, readInstancePublicKey } from '../../crawler/evidence/instance-key.ts';

const dirs: string[] = [];
async function tempDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-key-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function expectConfigError(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).message).toMatch(pattern);
}

describe('loadOrCreateInstanceKey', () => {
  it('creates a PKCS8 private key (0600) and an SPKI public key in <dataDir>/keys on first start', async () => {
    const dataDir = await tempDataDir();
    const key = await loadOrCreateInstanceKey(dataDir);
    const paths = instanceKeyPaths(dataDir);
    expect(paths.dir).toBe(join(dataDir, 'keys'));

    const privatePem = await readFile(paths.privateKey, 'utf8');
    expect(privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect((await stat(paths.privateKey)).mode & 0o777).toBe(0o600);
    expect((await stat(paths.dir)).mode & 0o077).toBe(0);

    const publicPem = await readFile(paths.publicKey, 'utf8');
    expect(publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(publicPem).toBe(key.publicKeyPem);
    const publicKey = createPublicKey(publicPem);
    expect(publicKey.asymmetricKeyType).toBe('ed25519');

    // keyId: first 16 hex digits of SHA-256 over the raw 32-byte key (the tail of the SPKI DER).
    const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);
    expect(key.publicKeyRaw.equals(raw)).toBe(true);
    expect(key.keyId).toBe(createHash('sha256').update(raw).digest('hex').slice(0, 16));

    const message = Buffer.from('evidence');
    expect(verify(null, message, publicKey, key.sign(message))).toBe(true);
    expect(await readdir(paths.dir)).toEqual(['instance-ed25519.key', 'instance-ed25519.pub']);
  });

  it('loads the same key on later starts and recreates a missing .pub', async () => {
    const dataDir = await tempDataDir();
    const first = await loadOrCreateInstanceKey(dataDir);
    await rm(instanceKeyPaths(dataDir).publicKey);
    const second = await loadOrCreateInstanceKey(dataDir);
    expect(second.keyId).toBe(first.keyId);
    expect(await readFile(instanceKeyPaths(dataDir).publicKey, 'utf8')).toBe(first.publicKeyPem);
  });

  it('ends with one key when many starts race in one process', async () => {
    const dataDir = await tempDataDir();
    const keys = await Promise.all(Array.from({ length: 12 }, () => loadOrCreateInstanceKey(dataDir)));
    expect(new Set(keys.map((key) => key.keyId)).size).toBe(1);
    expect((await readInstancePublicKey(dataDir))?.keyId).toBe(keys[0]!.keyId);
    expect(await readdir(instanceKeyPaths(dataDir).dir)).toEqual(['instance-ed25519.key', 'instance-ed25519.pub']);
  });

  it('ends with one key when separate processes start at once', async () => {
    const dataDir = await tempDataDir();
    const moduleUrl = pathToFileURL(join(import.meta.dirname, '../../crawler/evidence/instance-key.ts')).href;
    // Each process loads the module, says it is ready, and creates the key only on "go", so the
    // creations really overlap (tsx start-up times differ by seconds).
    const script = `const { loadOrCreateInstanceKey } = await import(${JSON.stringify(moduleUrl)});
      process.stdout.write('ready\\n');
      process.stdin.once('data', async () => { const key = await loadOrCreateInstanceKey(process.argv[1]); process.stdout.write(key.keyId); process.stdin.destroy(); });`;
    const children = Array.from({ length: 6 }, () => startNode(['--import', 'tsx', '--input-type=module', '-e', script, dataDir]));
    await Promise.all(children.map((child) => child.ready));
    for (const child of children) child.go();
    const outputs = await Promise.all(children.map((child) => child.done));
    for (const output of outputs) expect(output.code, output.stderr).toBe(0);
    const keyIds = outputs.map((output) => output.stdout.replace('ready\n', ''));
    expect(keyIds[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(keyIds).size).toBe(1);
    expect((await loadOrCreateInstanceKey(dataDir)).keyId).toBe(keyIds[0]);
    expect(await readdir(instanceKeyPaths(dataDir).dir)).toEqual(['instance-ed25519.key', 'instance-ed25519.pub']);
  });

  it('refuses a key file that is not a PEM private key', async () => {
    const dataDir = await tempDataDir();
    await mkdir(join(dataDir, 'keys'));
    await writeFile(instanceKeyPaths(dataDir).privateKey, 'not a key\n', { mode: 0o600 });
    await expectConfigError(loadOrCreateInstanceKey(dataDir), /instance-ed25519\.key is not a PEM private key/);
  });

  it('refuses a key of another type', async () => {
    const dataDir = await tempDataDir();
    await mkdir(join(dataDir, 'keys'));
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await writeFile(instanceKeyPaths(dataDir).privateKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    await expectConfigError(loadOrCreateInstanceKey(dataDir), /holds a ec key, not Ed25519/);
  });

  it('refuses a key file it cannot read', async () => {
    const dataDir = await tempDataDir();
    // A directory in its place: unreadable as a file even for root, unlike a chmod 000 file.
    await mkdir(instanceKeyPaths(dataDir).privateKey, { recursive: true });
    await expectConfigError(loadOrCreateInstanceKey(dataDir), /cannot be read \(EISDIR\)/);
  });

  it('refuses a private key other users can read', async () => {
    const dataDir = await tempDataDir();
    await loadOrCreateInstanceKey(dataDir);
    await chmod(instanceKeyPaths(dataDir).privateKey, 0o644);
    await expectConfigError(loadOrCreateInstanceKey(dataDir), /accessible to other users \(mode 644\)/);
  });

  it('refuses a .pub that belongs to another key', async () => {
    const dataDir = await tempDataDir();
    await loadOrCreateInstanceKey(dataDir);
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' });
    await writeFile(instanceKeyPaths(dataDir).publicKey, other);
    await expectConfigError(loadOrCreateInstanceKey(dataDir), /does not match the private key/);
  });
});

describe('readInstancePublicKey', () => {
  it('is null without a key and never creates one', async () => {
    const dataDir = await tempDataDir();
    expect(await readInstancePublicKey(dataDir)).toBeNull();
    expect(await readdir(dataDir)).toEqual([]);
  });
});

function startNode(args: string[]): { ready: Promise<void>; go: () => void; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, args, { cwd: join(import.meta.dirname, '../..'), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith('ready\n')) onReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      onReady();
      resolve({ code, stdout, stderr });
    });
  });
  return { ready, go: () => child.stdin.write('go\n'), done };
}

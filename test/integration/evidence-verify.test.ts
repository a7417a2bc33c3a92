// Evidence end to end in the library: captured pieces stored and signed, then verification that
// passes on intact evidence and names each kind of damage: a flipped byte, a missing artifact, an
// edited manifest, a signature by a key that is not trusted, a broken chain of captures.
import { readFile, mkdtemp, rm, unlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../config/index.ts';
import {
  type FsArtifactStore,
  artifactKey,
  buildAndStoreEvidence,
  canonicalJsonBytes,
  loadTrustedKeys,
  manifestKey,
  openEvidenceWriter,
  sha256Hex,
  verifyEvidence,
  type EvidenceInput,
  type EvidenceWriter,
  type SignedManifest,
  type VerifyFailure,
} from '../../crawler/evidence/index.ts';
import type { TlsSummary } from '../../crawler/tls-summary.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-evidence-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const TLS: TlsSummary = {
  protocol: 'TLSv1.3',
  cipher: 'TLS_AES_256_GCM_SHA384',
  subject: 'CN=forum.example',
  issuer: 'CN=Test CA',
  subjectAltName: 'DNS:forum.example',
  validFrom: '2000-01-01T00:00:00.000Z',
  validTo: '2100-01-01T00:00:00.000Z',
  serialNumber: '01',
  fingerprint256: 'AA:BB',
  authorized: false,
  authorizationError: 'SELF_SIGNED_CERT_IN_CHAIN',
};

function capture(n: number, overrides: Partial<EvidenceInput> = {}): EvidenceInput {
  return {
    pageId: `page-${n}`,
    url: `https://forum.example/t/${n}`,
    finalUrl: `https://forum.example/t/${n}`,
    redirects: [],
    targetId: 'forum',
    runId: 'run-1',
    fetchedAt: new Date(Date.UTC(2026, 2, 1, 10, 0, n)),
    completedAt: '2026-03-01T10:01:00Z',
    httpStatus: 200,
    remoteAddress: '203.0.113.7',
    tls: TLS,
    rendered: true,
    contentHash: `content-${n}`,
    artifacts: [
      { role: 'response-body', bytes: Buffer.from(`<html><body>post ${n}</body></html>`), mediaType: 'text/html; charset=utf-8' },
      // Same headers on every page: stored once, referenced by every manifest.
      { role: 'response-headers', bytes: Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: text/html\r\n\r\n'), mediaType: 'text/plain' },
      { role: 'screenshot', bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, n]), mediaType: 'image/png' },
    ],
    ...overrides,
  };
}

async function setup(): Promise<{ dataDir: string; writer: EvidenceWriter; store: FsArtifactStore }> {
  const dataDir = await tempDir();
  const writer = await openEvidenceWriter({ dataDir, evidenceS3: undefined });
  return { dataDir, writer, store: writer.store as FsArtifactStore };
}

async function verify(dataDir: string, store: FsArtifactStore, extraKeys: string[] = []) {
  const seen: VerifyFailure[] = [];
  const report = await verifyEvidence(store, { trustedKeys: await loadTrustedKeys(dataDir, extraKeys), onFailure: (f) => seen.push(f) });
  expect(seen).toEqual(report.failures);
  return report;
}

const codes = (failures: VerifyFailure[]) => failures.map((f) => `${f.artifact?.role ?? 'manifest'}:${f.problem.code}`).sort();

describe('buildAndStoreEvidence', () => {
  it('stores each artifact once and a signed manifest naming them all', async () => {
    const { dataDir, writer, store } = await setup();
    const first = await buildAndStoreEvidence(capture(1), writer);
    const second = await buildAndStoreEvidence(capture(2, { previousManifest: first.manifestSha256 }), writer);

    const stored = await store.getManifest(first.manifestSha256);
    expect(sha256Hex(stored!)).toBe(first.manifestSha256);
    const signed = JSON.parse(stored!.toString('utf8')) as SignedManifest;
    const version = (JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    expect(signed.manifest).toMatchObject({
      manifestVersion: 1,
      url: 'https://forum.example/t/1',
      fetchedAt: '2026-03-01T10:00:01.000Z',
      completedAt: '2026-03-01T10:01:00.000Z',
      remoteAddress: '203.0.113.7',
      tls: TLS,
      rendered: true,
      vigie: { version, instanceKeyId: writer.key.keyId },
    });
    expect(signed.manifest.artifacts.map((a) => a.role)).toEqual(['response-body', 'response-headers', 'screenshot']);
    expect(first.artifacts).toEqual(signed.manifest.artifacts);
    for (const artifact of first.artifacts) expect(sha256Hex((await store.getArtifact(artifact.sha256))!)).toBe(artifact.sha256);
    expect(second.artifacts[1]!.sha256).toBe(first.artifacts[1]!.sha256);

    const report = await verify(dataDir, store);
    expect(report).toMatchObject({ manifests: 2, artifacts: 6, failureCount: 0, failures: [] });
  });

  it('refuses an invalid capture before storing anything', async () => {
    const { store, writer } = await setup();
    const bad = capture(1, { fetchedAt: 'yesterday', artifacts: [{ role: 'response-body', bytes: Buffer.from('x'), mediaType: 'text/plain' }] });
    await expect(buildAndStoreEvidence(bad, writer)).rejects.toSatisfy((err) => err instanceof NonRetryableError && err.code === 'evidence-invalid');
    const bad2 = capture(1, { artifacts: [{ role: 'Response Body', bytes: Buffer.from('x'), mediaType: 'text/plain' }] });
    await expect(buildAndStoreEvidence(bad2, writer)).rejects.toThrow(/artifacts\.0\.role/);
    expect(await store.getArtifact(sha256Hex(Buffer.from('x')))).toBeNull();
  });
});

describe('verifyEvidence', () => {
  it('verifies an empty store', async () => {
    const { dataDir, store } = await setup();
    expect(await verify(dataDir, store)).toEqual({ manifests: 0, artifacts: 0, failureCount: 0, failures: [] });
  });

  it('finds one flipped byte in an artifact, for every manifest that names it', async () => {
    const { dataDir, writer, store } = await setup();
    const one = await buildAndStoreEvidence(capture(1), writer);
    await buildAndStoreEvidence(capture(2), writer);
    const headers = one.artifacts[1]!;
    const path = join(store.root, artifactKey(headers.sha256));
    const bytes = await readFile(path);
    bytes[3] = bytes[3]! ^ 0x01;
    await writeFile(path, bytes);

    const report = await verify(dataDir, store);
    expect(report.failureCount).toBe(2);
    expect(codes(report.failures)).toEqual(['response-headers:artifact-hash-mismatch', 'response-headers:artifact-hash-mismatch']);
    expect(report.failures.map((f) => f.url).sort()).toEqual(['https://forum.example/t/1', 'https://forum.example/t/2']);
    expect(report.failures[0]!.artifact?.sha256).toBe(headers.sha256);
  });

  it('finds a missing artifact', async () => {
    const { dataDir, writer, store } = await setup();
    const stored = await buildAndStoreEvidence(capture(1), writer);
    await unlink(join(store.root, artifactKey(stored.artifacts[2]!.sha256)));
    const report = await verify(dataDir, store);
    expect(report.failures).toEqual([
      { manifest: stored.manifestSha256, url: 'https://forum.example/t/1', artifact: { role: 'screenshot', sha256: stored.artifacts[2]!.sha256 }, problem: { code: 'artifact-missing', message: 'not in the store' } },
    ]);
  });

  it('finds a manifest field edited in place', async () => {
    const { dataDir, writer, store } = await setup();
    const stored = await buildAndStoreEvidence(capture(1), writer);
    const path = join(store.root, manifestKey(stored.manifestSha256));
    const signed = JSON.parse(await readFile(path, 'utf8')) as SignedManifest;
    signed.manifest.remoteAddress = '198.51.100.1';
    await writeFile(path, canonicalJsonBytes(signed));
    expect(codes((await verify(dataDir, store)).failures)).toEqual(['manifest:manifest-hash-mismatch', 'manifest:signature-invalid']);
  });

  it('finds an edited manifest refiled under its new hash', async () => {
    const { dataDir, writer, store } = await setup();
    const stored = await buildAndStoreEvidence(capture(1), writer);
    const signed = JSON.parse((await store.getManifest(stored.manifestSha256))!.toString('utf8')) as SignedManifest;
    await unlink(join(store.root, manifestKey(stored.manifestSha256)));
    signed.manifest.fetchedAt = '2026-02-01T00:00:00.000Z';
    await store.putManifest(signed);
    const report = await verify(dataDir, store);
    expect(codes(report.failures)).toEqual(['manifest:signature-invalid']);
  });

  it('finds a manifest signed by another key, and accepts it once that key is trusted', async () => {
    const { dataDir, writer, store } = await setup();
    await buildAndStoreEvidence(capture(1), writer);
    const otherDataDir = await tempDir();
    const other = await openEvidenceWriter({ dataDir: otherDataDir, evidenceS3: undefined });
    // The other instance writes into this store: a valid signature, by a key nobody trusted here.
    await buildAndStoreEvidence(capture(2), { ...other, store });

    const report = await verify(dataDir, store);
    expect(codes(report.failures)).toEqual(['manifest:key-untrusted']);
    expect(report.failures[0]!.problem.message).toContain(other.key.keyId);

    expect((await verify(dataDir, store, [join(otherDataDir, 'keys', 'instance-ed25519.pub')])).failureCount).toBe(0);
    await mkdir(join(dataDir, 'keys', 'trusted'));
    await writeFile(join(dataDir, 'keys', 'trusted', 'old-instance.pub'), other.key.publicKeyPem);
    expect((await verify(dataDir, store)).failureCount).toBe(0);
  });

  it('finds a capture whose earlier manifest is gone', async () => {
    const { dataDir, writer, store } = await setup();
    const first = await buildAndStoreEvidence(capture(1), writer);
    await buildAndStoreEvidence(capture(1, { previousManifest: first.manifestSha256, contentHash: 'changed' }), writer);
    expect((await verify(dataDir, store)).failureCount).toBe(0);
    await unlink(join(store.root, manifestKey(first.manifestSha256)));
    expect(codes((await verify(dataDir, store)).failures)).toEqual(['manifest:previous-manifest-missing']);
  });

  it('reports a manifest file that is not JSON and goes on', async () => {
    const { dataDir, writer, store } = await setup();
    await buildAndStoreEvidence(capture(1), writer);
    const junk = Buffer.from('not json');
    const path = join(store.root, manifestKey(sha256Hex(junk)));
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, junk);
    const report = await verify(dataDir, store);
    expect(report.manifests).toBe(2);
    expect(codes(report.failures)).toEqual(['manifest:manifest-unreadable']);
  });
});

// Evidence end to end in the library: captured pieces stored and signed, then verification that
// passes on intact evidence and names each kind of damage: a flipped byte, a missing artifact, an
// edited manifest, a manifest rewritten around its signature, a signature by a key that is not
// trusted or not pinned, a broken chain of captures, a missing or mismatched WARC record.
import { readFile, mkdtemp, rename, rm, unlink, writeFile, mkdir } from 'node:fs/promises';
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
import { createWarcWriter, type WarcWriteResult } from '../../crawler/warc/index.ts';

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

async function verify(dataDir: string, store: FsArtifactStore, extraKeys: string[] = [], more: { expectedKeyIds?: string[]; warcDir?: string } = {}) {
  const seen: VerifyFailure[] = [];
  const report = await verifyEvidence(store, { trustedKeys: await loadTrustedKeys(dataDir, extraKeys), onFailure: (f) => seen.push(f), ...more });
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

describe('verifyEvidence on manifests rewritten around their signature', () => {
  /** Replaces a stored manifest with other bytes, filed under their own hash as the store would. */
  async function refile(store: FsArtifactStore, manifestSha256: string, bytes: Buffer): Promise<string> {
    await unlink(join(store.root, manifestKey(manifestSha256)));
    const sha256 = sha256Hex(bytes);
    const path = join(store.root, manifestKey(sha256));
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, bytes);
    return sha256;
  }

  async function signedOne() {
    const { dataDir, writer, store } = await setup();
    const stored = await buildAndStoreEvidence(capture(1), writer);
    const text = (await store.getManifest(stored.manifestSha256))!.toString('utf8');
    return { dataDir, store, stored, text, signed: JSON.parse(text) as SignedManifest };
  }

  it('refuses an unsigned member, a duplicate url placed first and pretty-printing, refiled under the new hash', async () => {
    const { dataDir, store, stored, signed } = await signedOne();
    const pretty = JSON.stringify({ annotation: 'reviewed: genuine', ...signed }, null, 2).replace('"manifest": {', '"manifest": {\n    "url": "https://elsewhere.example/",');
    expect(JSON.parse(pretty).manifest.url).toBe('https://forum.example/t/1');
    const refiled = await refile(store, stored.manifestSha256, Buffer.from(pretty));
    const report = await verify(dataDir, store);
    expect(report.failureCount).toBeGreaterThan(0);
    expect(report.failures.every((f) => f.manifest === refiled)).toBe(true);
  });

  it('refuses an unsigned member beside the manifest, even in canonical form', async () => {
    const { dataDir, store, stored, signed } = await signedOne();
    await refile(store, stored.manifestSha256, canonicalJsonBytes({ ...signed, annotation: 'reviewed: genuine' }));
    const report = await verify(dataDir, store);
    expect(codes(report.failures)).toEqual(['manifest:manifest-invalid']);
    expect(report.failures[0]!.problem.message).toMatch(/annotation/);
  });

  it('refuses an unsigned member inside the signature object', async () => {
    const { dataDir, store, stored, signed } = await signedOne();
    await refile(store, stored.manifestSha256, canonicalJsonBytes({ ...signed, signature: { ...signed.signature, comment: 'checked' } }));
    expect(codes((await verify(dataDir, store)).failures)).toEqual(['manifest:manifest-invalid']);
  });

  it('refuses a duplicate key that JSON.parse would resolve to the signed value', async () => {
    const { dataDir, store, stored, text } = await signedOne();
    // Same bytes otherwise: a first-wins reader sees the other URL, the signature still checks out.
    const duplicated = text.replace('"url":"https://forum.example/t/1"', '"url":"https://elsewhere.example/","url":"https://forum.example/t/1"');
    expect(duplicated).not.toBe(text);
    await refile(store, stored.manifestSha256, Buffer.from(duplicated));
    const report = await verify(dataDir, store);
    expect(codes(report.failures)).toEqual(['manifest:manifest-not-canonical']);
    expect(report.failures[0]!.url).toBe('https://forum.example/t/1');
  });

  it('refuses the same manifest pretty-printed', async () => {
    const { dataDir, store, stored, signed } = await signedOne();
    await refile(store, stored.manifestSha256, Buffer.from(JSON.stringify(signed, null, 2)));
    expect(codes((await verify(dataDir, store)).failures)).toEqual(['manifest:manifest-not-canonical']);
  });
});

describe('verifyEvidence with expected key ids', () => {
  it('accepts only the pinned keys, even when another key was added to the trusted ones', async () => {
    const { dataDir, writer, store } = await setup();
    await buildAndStoreEvidence(capture(1), writer);
    const otherDataDir = await tempDir();
    const other = await openEvidenceWriter({ dataDir: otherDataDir, evidenceS3: undefined });
    await buildAndStoreEvidence(capture(2), { ...other, store });
    // Whoever can write the evidence can also drop a key into the data directory.
    await mkdir(join(dataDir, 'keys', 'trusted'), { recursive: true });
    await writeFile(join(dataDir, 'keys', 'trusted', 'added.pub'), other.key.publicKeyPem);
    expect((await verify(dataDir, store)).failureCount).toBe(0);

    const pinned = await verify(dataDir, store, [], { expectedKeyIds: [writer.key.keyId] });
    expect(codes(pinned.failures)).toEqual(['manifest:key-not-expected']);
    expect(pinned.failures[0]!.url).toBe('https://forum.example/t/2');
    expect(pinned.failures[0]!.problem.message).toContain(other.key.keyId);
    expect((await verify(dataDir, store, [], { expectedKeyIds: [writer.key.keyId, other.key.keyId] })).failureCount).toBe(0);
  });
});

describe('verifyEvidence of WARC references', () => {
  async function withWarc() {
    const { dataDir, writer, store } = await setup();
    const warcDir = join(dataDir, 'warc');
    const warcWriter = createWarcWriter({ dir: join(warcDir, 'forum', 'run-1'), filePrefix: 'vigie', writerId: 'w1', runId: 'run-1', software: 'Vigie/test' });
    const results: WarcWriteResult[] = [];
    for (const n of [1, 2]) {
      results.push(
        await warcWriter.writeCapture({
          url: `https://forum.example/t/${n}`,
          finalUrl: `https://forum.example/t/${n}`,
          method: 'GET',
          requestHeaders: { 'user-agent': 'Vigie-test' },
          status: 200,
          responseHeaders: { 'content-type': 'text/html' },
          rawBody: Buffer.from(`<html><body>post ${n}</body></html>`),
          remoteAddress: '203.0.113.7',
          fetchedAt: '2026-03-01T10:00:00.000Z',
          metadata: { 'vigie-page-id': `page-${n}` },
        }),
      );
    }
    await warcWriter.close();
    const ref = (result: WarcWriteResult) => ({ file: `forum/run-1/${result.file}`, recordId: result.recordIds.response, offset: result.offset, length: result.length });
    return { dataDir, writer, store, warcDir, results, ref, path: join(warcDir, 'forum', 'run-1', results[0]!.file) };
  }

  it('passes when the named record is there, also in a file still .open, and records the offset and length', async () => {
    const { dataDir, writer, store, warcDir, results, ref, path } = await withWarc();
    const stored = await buildAndStoreEvidence(capture(1, { warc: ref(results[0]!) }), writer);
    await buildAndStoreEvidence(capture(2, { warc: { file: ref(results[1]!).file, recordId: results[1]!.recordIds.response } }), writer);
    expect(stored.signed.manifest.warc).toEqual(ref(results[0]!));
    expect((await verify(dataDir, store, [], { warcDir })).failureCount).toBe(0);
    await rename(path, `${path}.open`);
    expect((await verify(dataDir, store, [], { warcDir })).failureCount).toBe(0);
  });

  it('finds a WARC file that is gone, and a reference out of the WARC directory', async () => {
    const { dataDir, writer, store, warcDir, results, ref, path } = await withWarc();
    await buildAndStoreEvidence(capture(1, { warc: ref(results[0]!) }), writer);
    await buildAndStoreEvidence(capture(2, { warc: { file: '../evidence/x.warc.gz', recordId: results[1]!.recordIds.response } }), writer);
    expect(codes((await verify(dataDir, store, [], { warcDir })).failures)).toEqual(['manifest:warc-missing']);
    // Without a WARC directory, nothing about WARC is checked (evidence-only stores).
    expect((await verify(dataDir, store)).failureCount).toBe(0);
    await unlink(path);
    const report = await verify(dataDir, store, [], { warcDir });
    expect(codes(report.failures)).toEqual(['manifest:warc-missing', 'manifest:warc-missing']);
    expect(report.failures.map((f) => f.url).sort()).toEqual(['https://forum.example/t/1', 'https://forum.example/t/2']);
  });

  it('finds a record that is not the one the manifest names, or is damaged', async () => {
    const { dataDir, writer, store, warcDir, results, ref, path } = await withWarc();
    await buildAndStoreEvidence(capture(1, { warc: { ...ref(results[0]!), recordId: results[0]!.recordIds.request } }), writer);
    await buildAndStoreEvidence(capture(2, { warc: { ...ref(results[1]!), offset: results[0]!.offset } }), writer);
    const report = await verify(dataDir, store, [], { warcDir });
    expect(codes(report.failures)).toEqual(['manifest:warc-record-mismatch', 'manifest:warc-record-mismatch']);
    expect(report.failures.find((f) => f.url === 'https://forum.example/t/1')!.problem.message).toContain(results[0]!.recordIds.response);

    const { store: store2, writer: writer2, dataDir: dataDir2 } = await setup();
    await buildAndStoreEvidence(capture(1, { warc: ref(results[0]!) }), writer2);
    expect((await verify(dataDir2, store2, [], { warcDir })).failureCount).toBe(0);
    const bytes = await readFile(path);
    const at = results[0]!.offset + Math.floor(results[0]!.length / 2);
    bytes[at] = bytes[at]! ^ 0x10;
    await writeFile(path, bytes);
    expect(codes((await verify(dataDir2, store2, [], { warcDir })).failures)).toEqual(['manifest:warc-record-mismatch']);
  });
});

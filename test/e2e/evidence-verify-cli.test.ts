// `vigie evidence verify` as an operator runs it: all verified (exit 0), then one flipped byte
// makes it name the artifact and exit 1; the same against S3-compatible storage (s3rver); 78 for
// bad settings or key files, 69 when the store cannot be reached; key ids pinned by the auditor;
// the WARC file a manifest names.
import { startS3rver } from '../helpers/s3rver.ts';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactKey, buildAndStoreEvidence, openEvidenceWriter, type EvidenceInput, type EvidenceWriter } from '../../crawler/evidence/index.ts';
import { S3ArtifactStore } from '../../crawler/evidence/s3-artifact-store.ts';
import { runVigie } from '../helpers/cli.ts';
import { freePort } from '../helpers/net.ts';

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'vigie-evidence-cli-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

function capture(n: number): EvidenceInput {
  return {
    pageId: `page-${n}`,
    url: `http://forum.example/t/${n}`,
    finalUrl: `http://forum.example/t/${n}`,
    redirects: [],
    targetId: 'forum',
    runId: 'run-1',
    fetchedAt: '2026-03-01T10:00:00.000Z',
    completedAt: '2026-03-01T10:00:01.000Z',
    httpStatus: 200,
    remoteAddress: '127.0.0.1',
    tls: null,
    rendered: false,
    contentHash: `content-${n}`,
    artifacts: [
      { role: 'response-body', bytes: Buffer.from(`<p>post number ${n}</p>`), mediaType: 'text/html' },
      { role: 'response-headers', bytes: Buffer.from(`content-type: text/html\r\nx-page: ${n}\r\n`), mediaType: 'text/plain' },
    ],
  };
}

describe('vigie evidence verify (data directory)', () => {
  it('says so for an empty store and exits 0', async () => {
    const dataDir = join(workDir, 'empty');
    const result = await runVigie(['evidence', 'verify', '--data-dir', dataDir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/no evidence manifests in filesystem .*evidence: nothing to verify/);
  });

  it('passes on intact evidence, then names the damaged artifact and exits 1', async () => {
    const dataDir = join(workDir, 'fs');
    const writer = await openEvidenceWriter({ dataDir, evidenceS3: undefined });
    const stored = await Promise.all([1, 2, 3].map((n) => buildAndStoreEvidence(capture(n), writer)));
    await writer.store.close();

    const ok = await runVigie(['evidence', 'verify', '--data-dir', dataDir]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('3 manifest(s), 6 artifact reference(s) checked: all verified');
    expect(ok.stdout).toContain(writer.key.keyId);

    const body = stored[1]!.artifacts[0]!;
    const path = join(dataDir, 'evidence', artifactKey(body.sha256));
    const bytes = await readFile(path);
    bytes[0] = bytes[0]! ^ 0x20;
    await writeFile(path, bytes);

    const failed = await runVigie(['evidence', 'verify', '--data-dir', dataDir]);
    expect(failed.code, failed.stderr).toBe(1);
    const failLines = failed.stdout.split('\n').filter((line) => line.startsWith('FAIL '));
    expect(failLines).toHaveLength(1);
    expect(failLines[0]).toContain(stored[1]!.manifestSha256);
    expect(failLines[0]).toContain('http://forum.example/t/2');
    expect(failLines[0]).toContain(`response-body ${body.sha256}`);
    expect(failLines[0]).toContain('artifact-hash-mismatch');
    expect(failed.stdout).toContain('1 failure(s)');

    const json = await runVigie(['evidence', 'verify', '--data-dir', dataDir, '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as Record<string, any>;
    expect(report).toMatchObject({ ok: false, manifests: 3, artifacts: 6, failureCount: 1 });
    expect(report.failures[0]).toMatchObject({ manifest: stored[1]!.manifestSha256, artifact: { role: 'response-body' }, problem: { code: 'artifact-hash-mismatch' } });
  });

  it('accepts only the key ids pinned with --expect-key-id, though a key was added to the trusted ones', async () => {
    const dataDir = join(workDir, 'pinned');
    const writer = await openEvidenceWriter({ dataDir, evidenceS3: undefined });
    await buildAndStoreEvidence(capture(1), writer);
    const intruder = await openEvidenceWriter({ dataDir: join(workDir, 'intruder'), evidenceS3: undefined });
    const forged = await buildAndStoreEvidence(capture(2), { ...intruder, store: writer.store });
    await writer.store.close();
    await intruder.store.close();
    await mkdir(join(dataDir, 'keys', 'trusted'), { recursive: true });
    await writeFile(join(dataDir, 'keys', 'trusted', 'added.pub'), intruder.key.publicKeyPem);

    expect((await runVigie(['evidence', 'verify', '--data-dir', dataDir])).code).toBe(0);
    const pinned = await runVigie(['evidence', 'verify', '--data-dir', dataDir, '--expect-key-id', writer.key.keyId]);
    expect(pinned.code, pinned.stderr).toBe(1);
    const failLines = pinned.stdout.split('\n').filter((line) => line.startsWith('FAIL '));
    expect(failLines).toHaveLength(1);
    expect(failLines[0]).toContain(forged.manifestSha256);
    expect(failLines[0]).toContain(`key-not-expected: signed by key ${intruder.key.keyId}`);
    expect(pinned.stdout).toContain(`expected key ids: ${writer.key.keyId}`);

    const both = await runVigie(['evidence', 'verify', '--data-dir', dataDir, '--expect-key-id', writer.key.keyId, '--expect-key-id', intruder.key.keyId, '--json']);
    expect(both.code, both.stderr).toBe(0);
    expect(JSON.parse(both.stdout)).toMatchObject({ ok: true, expectedKeyIds: [writer.key.keyId, intruder.key.keyId] });

    const bad = await runVigie(['evidence', 'verify', '--data-dir', dataDir, '--expect-key-id', 'instance']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('a key id is 16 hex digits');
  });

  it('fails a manifest whose WARC file is not in <data-dir>/warc, unless told not to check WARC', async () => {
    const dataDir = join(workDir, 'warc-ref');
    const writer = await openEvidenceWriter({ dataDir, evidenceS3: undefined });
    const file = 'forum/run-1/vigie-20260301100000000-w1-00000.warc.gz';
    const stored = await buildAndStoreEvidence({ ...capture(1), warc: { file, recordId: '<urn:uuid:00000000-0000-4000-8000-000000000000>' } }, writer);
    await writer.store.close();

    const missing = await runVigie(['evidence', 'verify', '--data-dir', dataDir]);
    expect(missing.code, missing.stderr).toBe(1);
    expect(missing.stdout).toMatch(new RegExp(`FAIL ${stored.manifestSha256} {2}http://forum\\.example/t/1 {2}warc-missing: ${file.replace(/\./g, '\\.')}`));

    await mkdir(join(dataDir, 'warc', 'forum', 'run-1'), { recursive: true });
    await writeFile(join(dataDir, 'warc', `${file}.open`), '');
    expect((await runVigie(['evidence', 'verify', '--data-dir', dataDir])).code).toBe(0);
    await rm(join(dataDir, 'warc'), { recursive: true });
    expect((await runVigie(['evidence', 'verify', '--data-dir', dataDir, '--no-warc-check'])).code).toBe(0);
  });

  it('exits 78 for a key file it cannot use and for bad S3 settings', async () => {
    const dataDir = join(workDir, 'bad-key');
    await mkdir(join(dataDir, 'keys'), { recursive: true });
    await writeFile(join(dataDir, 'keys', 'instance-ed25519.pub'), 'garbage');
    const badKey = await runVigie(['evidence', 'verify', '--data-dir', dataDir]);
    expect(badKey.code).toBe(78);
    expect(badKey.stderr).toMatch(/instance-ed25519\.pub is not a PEM public key/);
    expect(badKey.stderr).not.toMatch(/\n\s+at /);

    const badSettings = await runVigie(['evidence', 'verify', '--data-dir', join(workDir, 'empty')], { env: { VIGIE_EVIDENCE_S3_URL: 'https://bucket/' } });
    expect(badSettings.code).toBe(78);
    expect(badSettings.stderr).toContain('VIGIE_EVIDENCE_S3_URL must look like s3://bucket');
  });
});

describe('vigie evidence verify (S3-compatible storage)', () => {
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER-secret-not-printed' };
  let server: { endpoint: string; close(): Promise<void> } | undefined;
  beforeAll(async () => {
    server = await startS3rver(join(workDir, 's3rver'), ['evidence']);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('verifies evidence in a bucket, then finds an overwritten object', async () => {
    const endpoint = server!.endpoint;
    const dataDir = join(workDir, 's3-data');
    const env = {
      VIGIE_EVIDENCE_S3_URL: 's3://evidence/instances/a',
      VIGIE_EVIDENCE_S3_ENDPOINT: endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    };
    const fsWriter = await openEvidenceWriter({ dataDir, evidenceS3: undefined });
    await fsWriter.store.close();
    const store = new S3ArtifactStore({ bucket: 'evidence', prefix: 'instances/a/', endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
    const writer: EvidenceWriter = { ...fsWriter, store };
    const stored = await buildAndStoreEvidence(capture(1), writer);
    await buildAndStoreEvidence(capture(2), writer);
    await store.close();

    const ok = await runVigie(['evidence', 'verify', '--data-dir', dataDir], { env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('s3://evidence/instances/a/');
    expect(ok.stdout).toContain('2 manifest(s), 4 artifact reference(s) checked: all verified');

    const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
    try {
      const headers = stored.artifacts[1]!;
      const Key = `instances/a/${artifactKey(headers.sha256)}`;
      const original = Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: 'evidence', Key }))).Body!.transformToByteArray());
      original[original.length - 3] = original[original.length - 3]! ^ 0x01;
      await client.send(new PutObjectCommand({ Bucket: 'evidence', Key, Body: original }));
    } finally {
      client.destroy();
    }
    const failed = await runVigie(['evidence', 'verify', '--data-dir', dataDir], { env });
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stdout).toMatch(/FAIL [0-9a-f]{64} {2}http:\/\/forum\.example\/t\/1 {2}response-headers [0-9a-f]{64} {2}artifact-hash-mismatch/);
    expect(failed.stdout + failed.stderr).not.toContain(credentials.secretAccessKey);
  });

  it('exits 69 when the store cannot be reached, without printing credentials', async () => {
    const env = {
      VIGIE_EVIDENCE_S3_URL: 's3://evidence/x',
      VIGIE_EVIDENCE_S3_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    };
    const result = await runVigie(['evidence', 'verify', '--data-dir', join(workDir, 'empty')], { env });
    expect(result.code, result.stderr).toBe(69);
    expect(result.stderr).toMatch(/evidence store s3:\/\/evidence\/x\/ at http:\/\/127\.0\.0\.1:\d+ failed to list/);
    expect(result.stdout + result.stderr).not.toContain(credentials.secretAccessKey);
  });
});

// One contract, two backends: the filesystem store and the S3 store against a real S3-compatible
// server (s3rver on 127.0.0.1). Both must store each artifact once under its SHA-256, refuse
// anything that is not a hash, and list every manifest.
import { startS3rver } from '../helpers/s3rver.ts';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../config/index.ts';
import { sha256Hex, type ArtifactStore } from '../../crawler/evidence/artifact-store.ts';
import { FsArtifactStore } from '../../crawler/evidence/fs-artifact-store.ts';
import { loadOrCreateInstanceKey, type InstanceKey } from '../../crawler/evidence/instance-key.ts';
import { signManifest, type EvidenceManifest, type SignedManifest } from '../../crawler/evidence/manifest.ts';
import { S3ArtifactStore } from '../../crawler/evidence/s3-artifact-store.ts';

interface StoreUnderTest {
  store: ArtifactStore;
  /** Every object/file the backend holds, relative to the store's root. */
  listRaw(): Promise<string[]>;
}

let workDir: string;
let key: InstanceKey;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'vigie-store-'));
  key = await loadOrCreateInstanceKey(join(workDir, 'data'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

function signed(n: number): SignedManifest {
  const manifest: EvidenceManifest = {
    manifestVersion: 1,
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
    contentHash: `hash-${n}`,
    artifacts: [],
    vigie: { version: '0.1.0', instanceKeyId: key.keyId },
  };
  return signManifest(manifest, key);
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function artifactStoreContract(open: () => Promise<StoreUnderTest>): void {
  let subject: StoreUnderTest;
  beforeAll(async () => {
    subject = await open();
  });
  afterAll(async () => {
    await subject.store.close();
  });

  it('stores an artifact under its SHA-256 in the sha256/ab/cd/<hex> layout and reads it back', async () => {
    const bytes = Buffer.from('<html><body>evidence one</body></html>');
    const sha = sha256Hex(bytes);
    const first = await subject.store.putArtifact(bytes, 'text/html');
    expect(first).toEqual({ sha256: sha, bytes: bytes.length, created: true });
    expect(await subject.store.getArtifact(sha)).toEqual(bytes);
    expect(await subject.listRaw()).toContain(`sha256/${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`);
  });

  it('stores the same bytes once, even when written many times at once', async () => {
    const bytes = Buffer.from('same bytes, many writers');
    const sha = sha256Hex(bytes);
    const results = await Promise.all(Array.from({ length: 16 }, () => subject.store.putArtifact(bytes, 'text/plain')));
    expect(new Set(results.map((r) => r.sha256))).toEqual(new Set([sha]));
    expect((await subject.store.putArtifact(bytes, 'text/plain')).created).toBe(false);
    const raw = await subject.listRaw();
    expect(raw.filter((name) => name.includes(sha))).toEqual([`sha256/${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`]);
    // Temp files never outlive a write.
    expect(raw.filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(await subject.store.getArtifact(sha)).toEqual(bytes);
  });

  it('stores empty and binary artifacts byte for byte', async () => {
    const binary = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256));
    for (const bytes of [Buffer.alloc(0), binary]) {
      const { sha256 } = await subject.store.putArtifact(bytes, 'application/octet-stream');
      expect((await subject.store.getArtifact(sha256))?.equals(bytes)).toBe(true);
    }
  });

  it('answers null for an artifact or manifest it does not hold', async () => {
    expect(await subject.store.getArtifact('0'.repeat(64))).toBeNull();
    expect(await subject.store.getManifest('0'.repeat(64))).toBeNull();
  });

  it('refuses anything that is not a lowercase SHA-256 hex digest (no path traversal)', async () => {
    for (const bad of ['../../keys/instance-ed25519.key', `${'a'.repeat(62)}/.`, 'A'.repeat(64), '', `${'a'.repeat(64)}\n`]) {
      await expect(subject.store.getArtifact(bad)).rejects.toSatisfy((err) => err instanceof NonRetryableError && err.code === 'evidence-bad-hash');
      await expect(subject.store.getManifest(bad)).rejects.toBeInstanceOf(NonRetryableError);
    }
  });

  it('stores manifests under the SHA-256 of their bytes and lists every one', async () => {
    const manifests = Array.from({ length: 23 }, (_, n) => signed(n));
    const ids = await Promise.all(manifests.map((m) => subject.store.putManifest(m)));
    expect(await subject.store.putManifest(manifests[0]!)).toBe(ids[0]);
    const listed = await collect(subject.store.listManifests());
    expect(listed.map((entry) => entry.sha256).sort()).toEqual([...ids].sort());
    for (const entry of listed) expect(sha256Hex(entry.bytes)).toBe(entry.sha256);
    expect(await subject.listRaw()).toContain(`manifests/${ids[0]!.slice(0, 2)}/${ids[0]}.json`);
    const one = await subject.store.getManifest(ids[5]!);
    expect(JSON.parse(one!.toString('utf8')).manifest.pageId).toBe('page-5');
  });

  it('can stop listing early', async () => {
    const iterator = subject.store.listManifests()[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    await iterator.return?.();
  });

  it('describes where it is', () => {
    expect(subject.store.describe()).toMatch(/evidence|s3:\/\//);
  });
}

describe('filesystem artifact store', () => {
  artifactStoreContract(async () => {
    const root = join(workDir, 'fs-evidence');
    return {
      store: new FsArtifactStore(root),
      listRaw: async () => (await readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name))),
    };
  });

  it('lists nothing in an empty or absent directory', async () => {
    expect(await collect(new FsArtifactStore(join(workDir, 'absent')).listManifests())).toEqual([]);
  });
});

describe('S3 artifact store (s3rver)', () => {
  let server: { endpoint: string; close(): Promise<void> } | undefined;
  let endpoint: string;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  beforeAll(async () => {
    server = await startS3rver(join(workDir, 's3rver'), ['evidence']);
    endpoint = server.endpoint;
  });
  afterAll(async () => {
    await server?.close();
  });

  artifactStoreContract(async () => {
    const prefix = 'vigie/contract/';
    // A small listing page makes the 23 manifests span several ListObjectsV2 pages.
    const store = new S3ArtifactStore({ bucket: 'evidence', prefix, endpoint, region: 'us-east-1', forcePathStyle: true, credentials, listPageSize: 5 });
    const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
    return {
      store: {
        ...wrap(store),
        close: async () => {
          client.destroy();
          await store.close();
        },
      },
      listRaw: async () => {
        const keys: string[] = [];
        let token: string | undefined;
        do {
          const page = await client.send(new ListObjectsV2Command({ Bucket: 'evidence', Prefix: prefix, ContinuationToken: token }));
          keys.push(...(page.Contents ?? []).map((object) => object.Key!.slice(prefix.length)));
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
        return keys;
      },
    };
  });

  it('reports a missing bucket as a configuration error', async () => {
    const store = new S3ArtifactStore({ bucket: 'no-such-bucket', prefix: '', endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
    try {
      await expect(collect(store.listManifests())).rejects.toThrow(/bucket no-such-bucket does not exist/);
    } finally {
      await store.close();
    }
  });
});

/** The store's methods bound, so the test can replace close() alone. */
function wrap(store: ArtifactStore): ArtifactStore {
  return {
    putArtifact: (bytes, mediaType) => store.putArtifact(bytes, mediaType),
    getArtifact: (sha) => store.getArtifact(sha),
    putManifest: (m) => store.putManifest(m),
    getManifest: (sha) => store.getManifest(sha),
    listManifests: () => store.listManifests(),
    describe: () => store.describe(),
    close: () => store.close(),
  };
}

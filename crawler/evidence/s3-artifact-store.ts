// Evidence in S3-compatible storage (AWS S3, MinIO, Ceph), under the same keys as the filesystem
// layout below a configurable prefix. An S3 PUT is atomic (an object is visible whole or not at
// all); the SHA-256 sent with each upload lets the server refuse bytes damaged on the way.
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ConfigError, RetryableError } from '../../config/errors.ts';
import {
  MANIFESTS_DIR,
  artifactKey,
  manifestHashFromName,
  manifestKey,
  sha256Hex,
  type ArtifactStore,
  type StoredArtifact,
  type StoredManifestBytes,
} from './artifact-store.ts';
import { serializeSignedManifest, type SignedManifest } from './manifest.ts';

export interface S3ArtifactStoreOptions {
  bucket: string;
  /** Empty or ending with `/`. */
  prefix: string;
  /** For S3-compatible servers, e.g. `http://127.0.0.1:9000`; absent: AWS itself. */
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  /** Absent: the AWS SDK's default provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Keys per listing request (S3's maximum and default is 1000). */
  listPageSize?: number;
}

export class S3ArtifactStore implements ArtifactStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly where: string;
  private readonly listPageSize: number;

  constructor(options: S3ArtifactStoreOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix;
    this.listPageSize = options.listPageSize ?? 1000;
    this.where = `s3://${options.bucket}/${options.prefix}${options.endpoint ? ` at ${options.endpoint}` : ''}`;
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
    });
  }

  async putArtifact(bytes: Uint8Array, mediaType: string): Promise<StoredArtifact> {
    const sha256 = sha256Hex(bytes);
    const created = await this.putOnce(artifactKey(sha256), bytes, mediaType, sha256);
    return { sha256, bytes: bytes.length, created };
  }

  async getArtifact(sha256: string): Promise<Buffer | null> {
    return this.getIfExists(artifactKey(sha256));
  }

  async putManifest(signed: SignedManifest): Promise<string> {
    const bytes = serializeSignedManifest(signed);
    const sha256 = sha256Hex(bytes);
    await this.putOnce(manifestKey(sha256), bytes, 'application/json', sha256);
    return sha256;
  }

  async getManifest(sha256: string): Promise<Buffer | null> {
    return this.getIfExists(manifestKey(sha256));
  }

  async *listManifests(): AsyncIterable<StoredManifestBytes> {
    let continuationToken: string | undefined;
    do {
      // One page of keys (at most 1000) at a time, each manifest fetched as it is yielded.
      const page = await this.call(`list ${this.prefix}${MANIFESTS_DIR}/`, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${this.prefix}${MANIFESTS_DIR}/`, ContinuationToken: continuationToken, MaxKeys: this.listPageSize })),
      );
      for (const object of page.Contents ?? []) {
        const key = object.Key ?? '';
        const sha256 = manifestHashFromName(key.slice(key.lastIndexOf('/') + 1));
        if (sha256 === null || key !== `${this.prefix}${manifestKey(sha256)}`) continue;
        const bytes = await this.getIfExists(manifestKey(sha256));
        if (bytes) yield { sha256, bytes };
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  describe(): string {
    return this.where;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** Uploads unless an object of that size is already under the key; true if it uploaded. */
  private async putOnce(relativeKey: string, bytes: Uint8Array, mediaType: string, sha256: string): Promise<boolean> {
    const Key = `${this.prefix}${relativeKey}`;
    const existing = await this.call(`head ${Key}`, () => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key })), true);
    if (existing && existing.ContentLength === bytes.length) return false;
    await this.call(`put ${Key}`, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key,
          Body: bytes,
          ContentType: mediaType,
          ContentLength: bytes.length,
          ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
        }),
      ),
    );
    return true;
  }

  private async getIfExists(relativeKey: string): Promise<Buffer | null> {
    const Key = `${this.prefix}${relativeKey}`;
    return this.call(
      `get ${Key}`,
      async () => {
        const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
        if (!object.Body) return Buffer.alloc(0);
        return Buffer.from(await object.Body.transformToByteArray());
      },
      true,
    );
  }

  /** Runs one S3 call, turning its failures into Vigie's errors; `missingIsNull` maps 404 to null. */
  private async call<T>(what: string, run: () => Promise<T>, missingIsNull: true): Promise<T | null>;
  private async call<T>(what: string, run: () => Promise<T>): Promise<T>;
  private async call<T>(what: string, run: () => Promise<T>, missingIsNull = false): Promise<T | null> {
    try {
      return await run();
    } catch (err) {
      const name = (err as { name?: string }).name ?? '';
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (name === 'NoSuchBucket') throw new ConfigError(`evidence bucket ${this.bucket} does not exist (VIGIE_EVIDENCE_S3_URL)`, [], { cause: err });
      if (missingIsNull && (status === 404 || name === 'NoSuchKey' || name === 'NotFound')) return null;
      if (name === 'CredentialsProviderError') {
        throw new ConfigError(`evidence store ${this.where}: no S3 credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)`, [], { cause: err });
      }
      if (status === 401 || status === 403 || ['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch'].includes(name)) {
        throw new ConfigError(`evidence store ${this.where} refused ${what}: ${name || status} (check the credentials and the bucket policy)`, [], { cause: err });
      }
      // Service errors have telling names (SlowDown, InternalError); network ones a code.
      const detail = status !== undefined ? `${name} (HTTP ${status})` : ((err as NodeJS.ErrnoException).code ?? (err as Error).message);
      throw new RetryableError('evidence-store-unavailable', `evidence store ${this.where} failed to ${what}: ${detail}`, { cause: err });
    }
  }
}

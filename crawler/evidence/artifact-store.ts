// Where evidence lives: content-addressed artifacts (stored once under their SHA-256) and signed
// manifests (stored under the SHA-256 of their bytes). Filesystem and S3 backends share this
// contract and one key layout, so a data directory can be copied to a bucket as it is.
import { createHash } from 'node:crypto';
import { NonRetryableError } from '../../config/errors.ts';
import type { SignedManifest } from './manifest.ts';

export interface StoredArtifact {
  sha256: string;
  bytes: number;
  /** False when the same bytes were already stored (nothing was written). */
  created: boolean;
}

export interface StoredManifestBytes {
  /** The hash the store files the manifest under; verification checks it against the bytes. */
  sha256: string;
  bytes: Buffer;
}

export interface ArtifactStore {
  /** Idempotent: the same bytes are stored once, and are never visible half-written. */
  putArtifact(bytes: Uint8Array, mediaType: string): Promise<StoredArtifact>;
  getArtifact(sha256: string): Promise<Buffer | null>;
  /** Stores the manifest's canonical bytes; returns their SHA-256, the manifest's id. */
  putManifest(signed: SignedManifest): Promise<string>;
  getManifest(sha256: string): Promise<Buffer | null>;
  /** Every stored manifest, read one at a time (never all in memory at once). */
  listManifests(): AsyncIterable<StoredManifestBytes>;
  /** Where the evidence is, for messages (never credentials). */
  describe(): string;
  close(): Promise<void>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value);
}

/** Hashes become paths and keys: anything but 64 lowercase hex digits is refused (no traversal). */
export function assertSha256Hex(value: string): string {
  if (!isSha256Hex(value)) {
    throw new NonRetryableError('evidence-bad-hash', `not a SHA-256 hex digest: ${JSON.stringify(value.slice(0, 80))}`);
  }
  return value;
}

/** `sha256/ab/cd/<hex>`: two fan-out levels keep directories and listings small. */
export function artifactKey(sha256: string): string {
  const hex = assertSha256Hex(sha256);
  return `sha256/${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex}`;
}

/** `manifests/ab/<hex>.json` */
export function manifestKey(sha256: string): string {
  const hex = assertSha256Hex(sha256);
  return `manifests/${hex.slice(0, 2)}/${hex}.json`;
}

export const MANIFESTS_DIR = 'manifests';

/** The hash in a manifest key's file name, or null for anything else (temp files, strays). */
export function manifestHashFromName(name: string): string | null {
  const match = /^([0-9a-f]{64})\.json$/.exec(name);
  return match?.[1] ?? null;
}

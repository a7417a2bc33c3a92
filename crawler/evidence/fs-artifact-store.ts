// Evidence on local disk under `<dataDir>/evidence/`: `sha256/ab/cd/<hex>` for artifacts and
// `manifests/ab/<hex>.json` for signed manifests. Every file is written whole to a temp file in
// its final directory, fsynced, then renamed into place: a reader sees all the bytes or no file.
import { syncDirectory } from '../sync-directory.ts';
import { randomBytes } from 'node:crypto';
import { mkdir, open, opendir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RetryableError } from '../../config/errors.ts';
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

export const EVIDENCE_DIR = 'evidence';

export class FsArtifactStore implements ArtifactStore {
  readonly root: string;

  /** `root` is the evidence directory itself, usually `<dataDir>/evidence`. */
  constructor(root: string) {
    this.root = root;
  }

  static forDataDir(dataDir: string): FsArtifactStore {
    return new FsArtifactStore(join(dataDir, EVIDENCE_DIR));
  }

  async putArtifact(bytes: Uint8Array, _mediaType: string): Promise<StoredArtifact> {
    const sha256 = sha256Hex(bytes);
    const created = await this.writeOnce(join(this.root, artifactKey(sha256)), bytes);
    return { sha256, bytes: bytes.length, created };
  }

  async getArtifact(sha256: string): Promise<Buffer | null> {
    return this.readIfExists(join(this.root, artifactKey(sha256)));
  }

  async putManifest(signed: SignedManifest): Promise<string> {
    const bytes = serializeSignedManifest(signed);
    const sha256 = sha256Hex(bytes);
    await this.writeOnce(join(this.root, manifestKey(sha256)), bytes);
    return sha256;
  }

  async getManifest(sha256: string): Promise<Buffer | null> {
    return this.readIfExists(join(this.root, manifestKey(sha256)));
  }

  async *listManifests(): AsyncIterable<StoredManifestBytes> {
    const top = await this.openDirIfExists(join(this.root, MANIFESTS_DIR));
    if (!top) return;
    // opendir streams entries: a million manifests never sit in memory as one listing.
    for await (const fanout of top) {
      if (!fanout.isDirectory() || !/^[0-9a-f]{2}$/.test(fanout.name)) continue;
      const dir = await this.openDirIfExists(join(top.path, fanout.name));
      if (!dir) continue;
      for await (const entry of dir) {
        const sha256 = manifestHashFromName(entry.name);
        if (!entry.isFile() || sha256 === null) continue;
        const bytes = await this.readIfExists(join(dir.path, entry.name));
        if (bytes) yield { sha256, bytes };
      }
    }
  }

  describe(): string {
    return `filesystem ${this.root}`;
  }

  async close(): Promise<void> {}

  /** Writes `bytes` to `path` unless a file of that size is already there; true if it wrote. */
  private async writeOnce(path: string, bytes: Uint8Array): Promise<boolean> {
    try {
      const existing = await stat(path).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return null;
        throw err;
      });
      // Content-addressed: same name, same size is the same bytes unless the disk is lying, and
      // `vigie evidence verify` is what catches that. A wrong size is repaired by rewriting.
      if (existing?.isFile() && existing.size === bytes.length) return false;
      const dir = dirname(path);
      await mkdir(dir, { recursive: true });
      const temp = join(dir, `.${randomBytes(8).toString('hex')}.tmp`);
      try {
        const handle = await open(temp, 'wx', 0o644);
        try {
          await handle.writeFile(bytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
        // Racing writers of the same hash rename identical bytes over each other: harmless.
        await rename(temp, path);
      } catch (err) {
        await unlink(temp).catch(() => undefined);
        throw err;
      }
      await syncDirectory(dir);
      return true;
    } catch (err) {
      throw new RetryableError('evidence-store-failed', `cannot write evidence file ${path}: ${(err as Error).message}`, { cause: err });
    }
  }

  private async readIfExists(path: string): Promise<Buffer | null> {
    try {
      return await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new RetryableError('evidence-store-failed', `cannot read evidence file ${path}: ${(err as Error).message}`, { cause: err });
    }
  }

  private async openDirIfExists(path: string) {
    try {
      return await opendir(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new RetryableError('evidence-store-failed', `cannot list evidence directory ${path}: ${(err as Error).message}`, { cause: err });
    }
  }
}

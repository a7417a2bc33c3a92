// One WARC file on disk. It is created as `<name>.open` and renamed to `<name>` only once fully
// written, fsynced and closed, so a file without the suffix is always complete.
//
// Everything a writeCapture() call acknowledged is in the file (calls resolve only after fsync),
// whole gzip members one after another; past the last fsync there may be bytes of captures that
// were never acknowledged. A writer that fails (a write or fsync error) abandons its file: cut back
// to the last fsynced size and finished under its final name, since evidence manifests already name
// that file. A crashed writer leaves `<name>.open`; recoverOpenWarcFiles() (warc-recovery.ts) cuts
// such a file after its last complete member and drops the suffix once the writer is gone.
import { syncDirectory } from '../sync-directory.ts';
import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

export const OPEN_SUFFIX = '.open';

export interface WarcFileNameParts {
  filePrefix: string;
  writerId: string;
  openedAt: Date;
  serial: number;
}

/** `<prefix>-<UTC yyyyMMddHHmmssSSS>-<writerId>-<serial, 5 digits>.warc.gz` */
export function warcFileName(parts: WarcFileNameParts): string {
  const stamp = parts.openedAt.toISOString().replace(/\D/g, '');
  return `${parts.filePrefix}-${stamp}-${parts.writerId}-${String(parts.serial).padStart(5, '0')}.warc.gz`;
}

export interface OpenWarcFile {
  /** The final name (relative to the directory), which the file takes when finished. */
  readonly name: string;
  /** Bytes written so far. */
  readonly sizeBytes: number;
  /** Bytes made durable by the last successful sync (what acknowledged captures end at). */
  readonly syncedBytes: number;
  append(buffers: readonly Buffer[]): Promise<void>;
  /** fdatasync: appended bytes are durable once this resolves. */
  sync(): Promise<void>;
  /** Sync, close, drop the `.open` suffix and make the rename durable. */
  finish(): Promise<void>;
  /**
   * After a failure: cut the file back to `syncedBytes`, make that durable and finish it under its
   * final name ('finished'), or delete it when nothing was ever synced ('removed'). Throws when
   * that fails too; the file then keeps its `.open` suffix (recovery may finish it later).
   */
  abandon(): Promise<'finished' | 'removed'>;
}

export async function createWarcFile(dir: string, name: string): Promise<OpenWarcFile> {
  await mkdir(dir, { recursive: true });
  const openPath = join(dir, name + OPEN_SUFFIX);
  // `wx`: never append to (or clobber) another writer's evidence.
  const handle = await open(openPath, 'wx');
  let sizeBytes = 0;
  let syncedBytes = 0;
  let handleClosed = false;
  let finishing = false;
  let abandoning: Promise<'finished' | 'removed'> | null = null;
  try {
    await syncDirectory(dir);
  } catch (err) {
    await handle.close();
    throw err;
  }

  async function sync(): Promise<void> {
    const upTo = sizeBytes;
    await handle.datasync();
    syncedBytes = upTo;
  }

  async function closeHandle(): Promise<void> {
    if (handleClosed) return;
    handleClosed = true;
    await handle.close();
  }

  async function cutBackAndFinish(): Promise<'finished' | 'removed'> {
    try {
      if (!handleClosed) {
        // Bytes past the last fsync belong to captures whose writeCapture() was rejected: drop
        // them (a torn member would otherwise end the file). Once a fsync has failed nothing more
        // is trusted to this file, but what an earlier fsync made durable stays durable.
        await handle.truncate(syncedBytes);
        await handle.datasync();
      }
    } finally {
      await closeHandle().catch(() => undefined);
    }
    if (syncedBytes === 0) {
      // Not even the warcinfo record was made durable: no capture, so no manifest, names this file.
      await unlink(openPath);
      await syncDirectory(dir);
      return 'removed';
    }
    await rename(openPath, join(dir, name));
    await syncDirectory(dir);
    return 'finished';
  }

  return {
    name,
    get sizeBytes() {
      return sizeBytes;
    },
    get syncedBytes() {
      return syncedBytes;
    },
    async append(buffers) {
      for (const buffer of buffers) {
        await writeAll(handle, buffer, sizeBytes);
        sizeBytes += buffer.length;
      }
    },
    sync,
    async finish() {
      if (finishing || abandoning) throw new Error(`WARC file ${name} is already finished or abandoned`);
      await sync();
      finishing = true;
      await closeHandle();
      await rename(openPath, join(dir, name));
      await syncDirectory(dir);
    },
    abandon() {
      abandoning ??= cutBackAndFinish();
      return abandoning;
    },
  };
}

async function writeAll(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, written, buffer.length - written, position + written);
    // A regular file reports a failed write as an error, never as 0 bytes; guard the loop anyway.
    if (bytesWritten === 0) throw new Error(`no progress writing at byte ${position + written}`);
    written += bytesWritten;
  }
}

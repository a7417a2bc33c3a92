// One WARC file on disk. It is created as `<name>.open` and renamed to `<name>` only once fully
// written, fsynced and closed, so a file without the suffix is always complete.
//
// A crashed (or failed) writer leaves its file as `<name>.open`. Everything a writeCapture() call
// acknowledged is in it (calls resolve only after fsync), whole gzip members one after another;
// at most the tail holds a partial member of an unacknowledged capture. Readers (warcio, pywb)
// read every record before that tail; to publish such a file, cut it after its last complete
// member and drop the suffix.
import { syncDirectory } from '../sync-directory.ts';
import { mkdir, open, rename, type FileHandle } from 'node:fs/promises';
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
  append(buffers: readonly Buffer[]): Promise<void>;
  /** fdatasync: appended bytes are durable once this resolves. */
  sync(): Promise<void>;
  /** Sync, close, drop the `.open` suffix and make the rename durable. */
  finish(): Promise<void>;
  /** Close without renaming: the file stays `.open`, marking it as not cleanly finished. */
  abandon(): Promise<void>;
}

export async function createWarcFile(dir: string, name: string): Promise<OpenWarcFile> {
  await mkdir(dir, { recursive: true });
  const openPath = join(dir, name + OPEN_SUFFIX);
  // `wx`: never append to (or clobber) another writer's evidence.
  const handle = await open(openPath, 'wx');
  let sizeBytes = 0;
  let closed = false;
  try {
    await syncDirectory(dir);
  } catch (err) {
    await handle.close();
    throw err;
  }

  return {
    name,
    get sizeBytes() {
      return sizeBytes;
    },
    async append(buffers) {
      for (const buffer of buffers) {
        await writeAll(handle, buffer, sizeBytes);
        sizeBytes += buffer.length;
      }
    },
    async sync() {
      await handle.datasync();
    },
    async finish() {
      await handle.datasync();
      closed = true;
      await handle.close();
      await rename(openPath, join(dir, name));
      await syncDirectory(dir);
    },
    async abandon() {
      if (closed) return;
      closed = true;
      await handle.close();
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

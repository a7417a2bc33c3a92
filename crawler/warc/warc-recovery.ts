// Finishing the `.open` WARC files of writers that are gone (a crash, a kill, a failed abandon).
// Acknowledged captures are in such a file, whole, and evidence manifests already name its final
// name; only its tail may hold a torn member of a capture that was never acknowledged. Recovery
// keeps the longest prefix of complete gzip members, cuts the rest and drops the suffix.
//
// A file is touched only when its writer is certainly gone: its writer id (see writer-id.ts) names
// this host and a pid that no longer runs (or this very process, under another writer id), and it
// has not been modified for `olderThanMs` (a live writer appends, or closes an idle file, within
// seconds). A file with damage before its tail (a whole member after undecodable bytes) is left as
// it is: cutting there would drop acknowledged captures.
import { lstat, open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory } from '../sync-directory.ts';
import { GZIP_MEMBER_START, decodeGzipMember, type GzipMember } from './gzip-member.ts';
import { OPEN_SUFFIX } from './warc-file.ts';
import { parseWarcWriterId, warcHostTag } from './writer-id.ts';

export interface RecoverOpenWarcOptions {
  /** Only files not modified for this long are recovered. */
  olderThanMs: number;
  /** This host's tag (default warcHostTag()); files of other hosts are never touched. */
  hostTag?: string;
  /**
   * Writer ids live in this process. A file whose writer id has this process's pid but is not
   * listed was written by an earlier process that had the same pid. Without it, such files are
   * taken as live.
   */
  liveWriterIds?: ReadonlySet<string>;
}

export type WarcRecoveryOutcome =
  /** Cut after its last complete member (when needed) and renamed to its final name. */
  | 'finished'
  /** Held no complete member at all: deleted. */
  | 'removed'
  | 'writer-alive'
  | 'too-recent'
  | 'other-host'
  /** A name or writer id recovery cannot trace to a process: left alone. */
  | 'unknown-writer'
  /** Undecodable bytes followed by a whole member: damage, not a torn tail. Left `.open`. */
  | 'damaged'
  /** A file already has the final name: left `.open`. */
  | 'name-taken'
  | 'failed';

export interface WarcRecoveryResult {
  /** The `.open` file's name in `dir`. */
  file: string;
  outcome: WarcRecoveryOutcome;
  /** For 'finished' and 'removed': bytes kept and bytes cut off the tail. */
  keptBytes?: number;
  droppedBytes?: number;
  message?: string;
}

const OPEN_NAME = /^(.+?)-(\d{17})-(.+)-(\d{5})\.warc\.gz\.open$/;
const READ_CHUNK_BYTES = 1024 ** 2;
// A record's inflated size is bounded by what the writer was given; this only stops a hostile member.
const MAX_MEMBER_OUTPUT_BYTES = 2 * 1024 ** 3;

/** Recovers the `.open` WARC files directly in `dir` (absent directory: nothing to do). */
export async function recoverOpenWarcFiles(dir: string, options: RecoverOpenWarcOptions): Promise<WarcRecoveryResult[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const hostTag = options.hostTag ?? warcHostTag();
  const results: WarcRecoveryResult[] = [];
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith(OPEN_SUFFIX)) continue;
    try {
      results.push({ file: entry.name, ...(await recoverOne(dir, entry.name, hostTag, options)) });
    } catch (err) {
      results.push({ file: entry.name, outcome: 'failed', message: (err as Error).message });
    }
  }
  return results;
}

type Verdict = Omit<WarcRecoveryResult, 'file'>;

async function recoverOne(dir: string, openName: string, hostTag: string, options: RecoverOpenWarcOptions): Promise<Verdict> {
  const writerId = OPEN_NAME.exec(openName)?.[3];
  const writer = writerId === undefined ? null : parseWarcWriterId(writerId);
  if (!writer || writerId === undefined) return { outcome: 'unknown-writer' };
  if (writer.hostTag !== hostTag) return { outcome: 'other-host' };
  if (writerAlive(writer.pid, writerId, options.liveWriterIds)) return { outcome: 'writer-alive' };
  const openPath = join(dir, openName);
  if (Date.now() - (await lstat(openPath)).mtimeMs < options.olderThanMs) return { outcome: 'too-recent' };

  const finalName = openName.slice(0, -OPEN_SUFFIX.length);
  const finalPath = join(dir, finalName);
  if (await exists(finalPath)) return { outcome: 'name-taken' };

  const handle = await open(openPath, 'r+');
  let scan: TailScan;
  try {
    const sizeBytes = (await handle.stat()).size;
    scan = await scanMembers(handle, sizeBytes);
    if (scan.damaged) return { outcome: 'damaged', message: scan.message };
    if (scan.completeBytes < sizeBytes) {
      await handle.truncate(scan.completeBytes);
      await handle.datasync();
    }
  } finally {
    await handle.close();
  }
  const sizes = { keptBytes: scan.completeBytes, droppedBytes: scan.sizeBytes - scan.completeBytes, ...(scan.message ? { message: scan.message } : {}) };
  if (scan.completeBytes === 0) {
    await unlink(openPath);
    await syncDirectory(dir);
    return { outcome: 'removed', ...sizes };
  }
  await rename(openPath, finalPath);
  await syncDirectory(dir);
  return { outcome: 'finished', ...sizes };
}

function writerAlive(pid: number, writerId: string, liveWriterIds: ReadonlySet<string> | undefined): boolean {
  if (pid === process.pid) return liveWriterIds ? liveWriterIds.has(writerId) : true;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (err) {
    // EPERM: it exists, under another user. Only ESRCH says it is gone.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

interface TailScan {
  sizeBytes: number;
  /** The longest prefix made of complete members. */
  completeBytes: number;
  damaged: boolean;
  message?: string;
}

async function scanMembers(handle: FileHandle, sizeBytes: number): Promise<TailScan> {
  const reader = new MemberReader(handle, sizeBytes);
  let at = 0;
  while (at < sizeBytes) {
    const member = await reader.memberAt(at);
    if (member.ok) {
      at += member.memberBytes;
      continue;
    }
    const message = `no complete gzip member at byte ${at} (${member.message})`;
    const later = await reader.wholeMemberAfter(at + 1);
    if (later !== null) return { sizeBytes, completeBytes: at, damaged: true, message: `${message}, yet a whole member starts at byte ${later}` };
    return { sizeBytes, completeBytes: at, damaged: false, message };
  }
  return { sizeBytes, completeBytes: at, damaged: false };
}

/** Members read through a buffer that grows to hold the largest one, never the whole file. */
class MemberReader {
  private buffer = Buffer.alloc(0);
  private bufferAt = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly sizeBytes: number,
  ) {}

  async memberAt(at: number): Promise<GzipMember> {
    if (at < this.bufferAt || at > this.bufferAt + this.buffer.length) {
      this.buffer = Buffer.alloc(0);
      this.bufferAt = at;
    }
    for (;;) {
      const view = this.buffer.subarray(at - this.bufferAt);
      const member = view.length === 0 ? null : decodeGzipMember(view, MAX_MEMBER_OUTPUT_BYTES);
      const end = at + view.length;
      if (member && (member.ok || !member.truncated || end >= this.sizeBytes)) return member;
      if (!member && end >= this.sizeBytes) return { ok: false, truncated: true, message: 'end of file' };
      // Cut short by the buffer, not the file: read on (at least as much again, so a large member
      // costs a logarithmic number of attempts).
      const more = await this.read(end, Math.min(Math.max(READ_CHUNK_BYTES, view.length), this.sizeBytes - end));
      if (more.length === 0) return member ?? { ok: false, truncated: true, message: 'end of file' }; // shrank meanwhile
      this.buffer = Buffer.concat([view, more]);
      this.bufferAt = at;
    }
  }

  /** The offset of the first whole member starting at or after `from`, or null. */
  async wholeMemberAfter(from: number): Promise<number | null> {
    const overlap = GZIP_MEMBER_START.length - 1;
    for (let chunkAt = from; chunkAt < this.sizeBytes; chunkAt += READ_CHUNK_BYTES) {
      const chunk = await this.read(chunkAt, Math.min(READ_CHUNK_BYTES + overlap, this.sizeBytes - chunkAt));
      for (let i = chunk.indexOf(GZIP_MEMBER_START); i >= 0 && i < READ_CHUNK_BYTES; i = chunk.indexOf(GZIP_MEMBER_START, i + 1)) {
        if ((await this.memberAt(chunkAt + i)).ok) return chunkAt + i;
      }
    }
    return null;
  }

  private async read(at: number, length: number): Promise<Buffer> {
    const bytes = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await this.handle.read(bytes, got, length - got, at + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return bytes.subarray(0, got);
  }
}

// The WARC writers of one worker process: one per crawl run, opened on the run's first capture and
// closed (its `.open` file renamed) once the run has been quiet for a while, or when the process
// stops. Each process writes its own files, so several workers never share a file; together the
// files under `<dataDir>/warc/<targetId>/<runId>/` are the run's archive.
//
// On creation, in the background, the `.open` files that crashed writers of this host left in any
// run directory are finished (see crawler/warc/warc-recovery.ts): manifests already name them by
// their final name. A failure there is logged, never thrown: it must not stop a worker.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../config/index.ts';
import {
  createWarcWriter,
  newWarcWriterId,
  recoverOpenWarcFiles,
  type WarcCapture,
  type WarcRecoveryResult,
  type WarcWriteResult,
  type WarcWriter,
} from '../crawler/warc/index.ts';

/** A run's writer is closed after this long without a capture; a later capture opens a new file. */
const IDLE_CLOSE_MS = 30_000;
/**
 * Recovery leaves alone `.open` files modified more recently than this. A live writer appends to
 * its file or closes it within IDLE_CLOSE_MS; the margin covers what the pid check cannot see
 * (hosts sharing a host name, as containers on the host network do).
 */
const RECOVER_OLDER_THAN_MS = 10 * 60_000;

interface OpenWriter {
  writer: WarcWriter;
  idleTimer: NodeJS.Timeout | null;
  inFlight: number;
}

export class WarcWriters {
  private readonly dataDir: string;
  private readonly software: string;
  private readonly logger: Logger;
  private readonly idleCloseMs: number;
  /** `<pid>-<hostTag>-<random>`: unique per process, and traceable to it by recovery. */
  readonly writerId = newWarcWriterId();
  private readonly open = new Map<string, OpenWriter>();
  private closed = false;
  private recovery: Promise<void>;
  private recoveryRetry: NodeJS.Timeout | null = null;

  constructor(options: { dataDir: string; software: string; logger: Logger; idleCloseMs?: number; recoverOlderThanMs?: number }) {
    this.dataDir = options.dataDir;
    this.software = options.software;
    this.logger = options.logger;
    this.idleCloseMs = options.idleCloseMs ?? IDLE_CLOSE_MS;
    const olderThanMs = options.recoverOlderThanMs ?? RECOVER_OLDER_THAN_MS;
    this.recovery = this.recoverOpenFiles(olderThanMs).then((someTooRecent) => {
      // A worker restarted right after a crash finds its predecessor's file too recent: look again
      // once the margin has passed.
      if (!someTooRecent || this.closed) return;
      this.recoveryRetry = setTimeout(() => {
        this.recoveryRetry = null;
        this.recovery = this.recoverOpenFiles(olderThanMs).then(() => undefined);
      }, olderThanMs);
      this.recoveryRetry.unref();
    });
  }

  /** Resolves once the current recovery pass is over; it never rejects. */
  recovered(): Promise<void> {
    return this.recovery;
  }

  /** The directory of a run's WARC files, relative paths in manifests are against it. */
  static runDir(dataDir: string, targetId: string, runId: string): string {
    return join(dataDir, 'warc', targetId, runId);
  }

  /**
   * Appends a capture to the run's file. `redactRequestHeaders` (lower-case names) are the request
   * headers written as `[redacted]`; they are fixed for a run by its first capture (one target).
   */
  async write(targetId: string, runId: string, capture: WarcCapture, redactRequestHeaders?: readonly string[]): Promise<WarcWriteResult & { dir: string }> {
    if (this.closed) throw new Error('WARC writers are closed');
    const entry = this.writerFor(targetId, runId, redactRequestHeaders);
    entry.inFlight++;
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = null;
    try {
      const result = await entry.writer.writeCapture(capture);
      return { ...result, dir: WarcWriters.runDir(this.dataDir, targetId, runId) };
    } finally {
      entry.inFlight--;
      if (entry.inFlight === 0 && this.open.get(runId) === entry) this.scheduleIdleClose(runId, entry);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.recoveryRetry) clearTimeout(this.recoveryRetry);
    this.recoveryRetry = null;
    const all = [...this.open.entries()];
    this.open.clear();
    await Promise.allSettled([this.recovery, ...all.map(([runId, entry]) => this.closeEntry(runId, entry))]);
  }

  /** Every run directory `<dataDir>/warc/<targetId>/<runId>/`; true if a gone writer's file was too recent. */
  private async recoverOpenFiles(olderThanMs: number): Promise<boolean> {
    let someTooRecent = false;
    try {
      const root = join(this.dataDir, 'warc');
      for (const targetDir of await subdirectories(root)) {
        for (const runDir of await subdirectories(targetDir)) {
          if (this.closed) return false;
          try {
            const results = await recoverOpenWarcFiles(runDir, { olderThanMs, liveWriterIds: new Set([this.writerId]) });
            for (const result of results) this.logRecovery(runDir, result);
            someTooRecent ||= results.some((result) => result.outcome === 'too-recent');
          } catch (err) {
            this.logger.warn({ err, dir: runDir }, 'recovering .open WARC files failed in this run directory');
          }
        }
      }
    } catch (err) {
      this.logger.warn({ err }, 'recovering .open WARC files failed');
    }
    return someTooRecent;
  }

  private logRecovery(dir: string, result: WarcRecoveryResult): void {
    const fields = { dir, ...result };
    switch (result.outcome) {
      case 'finished':
        this.logger.warn(fields, 'WARC file of a crashed writer finished: cut after its last complete record and renamed');
        break;
      case 'removed':
        this.logger.warn(fields, 'WARC file of a crashed writer held no complete record: removed');
        break;
      case 'damaged':
      case 'name-taken':
      case 'failed':
        this.logger.error(fields, 'WARC file of a crashed writer could not be recovered: it keeps the .open suffix');
        break;
      default:
        // Live writers, other hosts, recent files: nothing to do (yet).
        this.logger.debug(fields, 'open WARC file left as it is');
    }
  }

  private writerFor(targetId: string, runId: string, redactRequestHeaders?: readonly string[]): OpenWriter {
    let entry = this.open.get(runId);
    if (!entry) {
      entry = {
        writer: createWarcWriter({
          dir: WarcWriters.runDir(this.dataDir, targetId, runId),
          filePrefix: 'vigie',
          writerId: this.writerId,
          runId,
          software: this.software,
          logger: this.logger,
          ...(redactRequestHeaders ? { redactRequestHeaders } : {}),
        }),
        idleTimer: null,
        inFlight: 0,
      };
      this.open.set(runId, entry);
    }
    return entry;
  }

  private scheduleIdleClose(runId: string, entry: OpenWriter): void {
    entry.idleTimer = setTimeout(() => {
      if (this.open.get(runId) !== entry || entry.inFlight > 0) return;
      this.open.delete(runId);
      void this.closeEntry(runId, entry);
    }, this.idleCloseMs);
    entry.idleTimer.unref();
  }

  private async closeEntry(runId: string, entry: OpenWriter): Promise<void> {
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    try {
      await entry.writer.close();
    } catch (err) {
      this.logger.warn({ err, runId }, 'closing a WARC file failed (it keeps its .open suffix)');
    }
  }
}

async function subdirectories(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => join(dir, entry.name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

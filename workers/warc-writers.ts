// The WARC writers of one worker process: one per crawl run, opened on the run's first capture and
// closed (its `.open` file renamed) once the run has been quiet for a while, or when the process
// stops. Each process writes its own files, so several workers never share a file; together the
// files under `<dataDir>/warc/<targetId>/<runId>/` are the run's archive.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '../config/index.ts';
import { createWarcWriter, type WarcCapture, type WarcWriteResult, type WarcWriter } from '../crawler/warc/index.ts';

/** A run's writer is closed after this long without a capture; a later capture opens a new file. */
const IDLE_CLOSE_MS = 30_000;

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
  /** Process-unique, so two workers (or a restarted one) never name a file alike. */
  private readonly writerId = `${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly open = new Map<string, OpenWriter>();
  private closed = false;

  constructor(options: { dataDir: string; software: string; logger: Logger; idleCloseMs?: number }) {
    this.dataDir = options.dataDir;
    this.software = options.software;
    this.logger = options.logger;
    this.idleCloseMs = options.idleCloseMs ?? IDLE_CLOSE_MS;
  }

  /** The directory of a run's WARC files, relative paths in manifests are against it. */
  static runDir(dataDir: string, targetId: string, runId: string): string {
    return join(dataDir, 'warc', targetId, runId);
  }

  async write(targetId: string, runId: string, capture: WarcCapture): Promise<WarcWriteResult & { dir: string }> {
    if (this.closed) throw new Error('WARC writers are closed');
    const entry = this.writerFor(targetId, runId);
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
    const all = [...this.open.entries()];
    this.open.clear();
    await Promise.allSettled(all.map(([runId, entry]) => this.closeEntry(runId, entry)));
  }

  private writerFor(targetId: string, runId: string): OpenWriter {
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

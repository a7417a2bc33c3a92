// A crawl run's WARC files in one process: captures appended as whole units (one gzip member per
// record, a capture's records contiguous), files rotated before they pass maxFileBytes, and
// group-committed durability (see group-commit.ts). Files are named and finished as warc-file.ts
// describes; a file with the `.open` suffix is being written, or its writer died (see warc-recovery.ts).
//
// A failed write or fsync abandons the current file (after a failed fsync the kernel may have
// dropped the dirty pages, so nothing more is trusted to it): it is cut back to the end of its last
// acknowledged capture and finished under its final name, which evidence manifests already use.
// The whole batch is rejected with a RetryableError; the next capture opens a new file. A retried
// capture may then appear twice across files, which WARC readers tolerate: duplicates, never losses.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { ConfigError, NonRetryableError, RetryableError, type ConfigIssue } from '../../config/errors.ts';
import type { Logger } from '../../config/logger.ts';
import { createGroupCommitter } from './group-commit.ts';
import { captureRecords, type WarcCapture, type WarcCaptureRecordIds } from './warc-capture.ts';
import { OPEN_SUFFIX, createWarcFile, warcFileName, type OpenWarcFile } from './warc-file.ts';
import { newRecordId, serializeRecord, warcFieldsBlock } from './warc-record.ts';

export interface WarcWriterOptions {
  /** Directory of the run's WARC files (created if missing). */
  dir: string;
  filePrefix: string;
  /** Tells apart the processes writing one run (e.g. worker id): part of every file name. */
  writerId: string;
  /** The crawl run: `isPartOf` in each file's warcinfo record. */
  runId: string;
  /** `software` in warcinfo, e.g. `Vigie/0.1.0`. */
  software: string;
  /** A file is rotated before a capture would take it past this size (a larger capture gets a file to itself). */
  maxFileBytes?: number;
  /** Request headers written as `[redacted]`: the target's credentials must not spread with the archive. */
  redactRequestHeaders?: readonly string[];
  logger?: Logger;
  /** Time for file names and warcinfo dates. */
  clock?: () => Date;
}

export interface WarcWriteResult {
  /** The file's final name, relative to `dir` (until closed or rotated, it carries `.open`). */
  file: string;
  /** Byte offset of the final response record's gzip member: what a CDX(J) index stores. */
  offset: number;
  /** Compressed length of that member. */
  length: number;
  recordIds: WarcCaptureRecordIds;
}

export interface WarcWriter {
  /** Resolves once the capture's records are fsynced; concurrent calls share an fsync. */
  writeCapture(capture: WarcCapture): Promise<WarcWriteResult>;
  /** Waits for pending writes and finishes the current file (renamed without `.open`). Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_WARC_FILE_BYTES = 1024 ** 3;
export const DEFAULT_REDACTED_REQUEST_HEADERS = ['authorization', 'proxy-authorization', 'cookie'] as const;
const WARC_1_1_SPEC = 'http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/';
const NAME_PART = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_NAME_ATTEMPTS = 100;

const gzipAsync = promisify(gzip);

interface PreparedCapture {
  ids: WarcCaptureRecordIds;
  /** One gzip member per record, in order. */
  members: Buffer[];
  responseIndex: number;
}

export function createWarcWriter(options: WarcWriterOptions): WarcWriter {
  validateOptions(options);
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_WARC_FILE_BYTES;
  const redactRequestHeaders = (options.redactRequestHeaders ?? DEFAULT_REDACTED_REQUEST_HEADERS).map((name) => name.toLowerCase());
  const clock = options.clock ?? (() => new Date());
  const log = options.logger?.child({ component: 'warc-writer' });
  let file: OpenWarcFile | null = null;
  let capturesInFile = 0;
  let serial = 0;
  let closing: Promise<void> | null = null;
  const inFlight = new Set<Promise<unknown>>();

  const committer = createGroupCommitter<PreparedCapture, WarcWriteResult>(async (batch) => {
    try {
      const results: WarcWriteResult[] = [];
      for (const capture of batch) results.push(await place(capture));
      await file?.sync();
      return results;
    } catch (err) {
      await abandonCurrent(err);
      throw new RetryableError('warc-write-failed', `writing ${batch.length} capture(s) to WARC in ${options.dir} failed`, {
        cause: err,
        details: { dir: options.dir },
      });
    }
  });

  async function place(capture: PreparedCapture): Promise<WarcWriteResult> {
    const captureBytes = capture.members.reduce((sum, member) => sum + member.length, 0);
    if (file && capturesInFile > 0 && file.sizeBytes + captureBytes > maxFileBytes) {
      const full = file;
      file = null;
      await finishFile(full);
    }
    const current = file ?? (await openNextFile());
    const before = capture.members.slice(0, capture.responseIndex).reduce((sum, member) => sum + member.length, 0);
    const offset = current.sizeBytes + before;
    await current.append(capture.members);
    capturesInFile += 1;
    return { file: current.name, offset, length: capture.members[capture.responseIndex]!.length, recordIds: capture.ids };
  }

  async function openNextFile(): Promise<OpenWarcFile> {
    const openedAt = clock();
    const opened = await createUniqueFile(openedAt);
    file = opened;
    capturesInFile = 0;
    await opened.append([await gzipAsync(warcinfoRecord(opened.name, openedAt))]);
    log?.info({ file: opened.name + OPEN_SUFFIX }, 'WARC file opened');
    return opened;
  }

  async function createUniqueFile(openedAt: Date): Promise<OpenWarcFile> {
    for (let attempt = 1; ; attempt += 1) {
      const name = warcFileName({ filePrefix: options.filePrefix, writerId: options.writerId, openedAt, serial });
      serial += 1;
      try {
        return await createWarcFile(options.dir, name);
      } catch (err) {
        // A file of that name exists (an earlier process with this writer id): take the next serial.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= MAX_NAME_ATTEMPTS) throw err;
      }
    }
  }

  function warcinfoRecord(name: string, date: Date): Buffer {
    return serializeRecord({
      type: 'warcinfo',
      id: newRecordId(),
      date,
      contentType: 'application/warc-fields',
      headers: [['WARC-Filename', name]],
      // No hostname/IP of the crawler: the archive travels, the crawler's location should not.
      payload: warcFieldsBlock([
        ['software', options.software],
        ['format', 'WARC File Format 1.1'],
        ['conformsTo', WARC_1_1_SPEC],
        ['isPartOf', options.runId],
      ]),
    });
  }

  async function finishFile(done: OpenWarcFile): Promise<void> {
    try {
      await done.finish();
      log?.info({ file: done.name, sizeBytes: done.sizeBytes }, 'WARC file closed');
    } catch (err) {
      await abandon(done, err);
      throw err;
    }
  }

  async function abandonCurrent(err: unknown): Promise<void> {
    if (!file) return;
    const broken = file;
    file = null;
    await abandon(broken, err);
  }

  /** Never throws: the write failure is what the callers hear about. */
  async function abandon(broken: OpenWarcFile, err: unknown): Promise<void> {
    const droppedBytes = broken.sizeBytes - broken.syncedBytes;
    log?.warn({ err, file: broken.name + OPEN_SUFFIX, keptBytes: broken.syncedBytes, droppedBytes }, 'WARC write failed: abandoning the file');
    try {
      const outcome = await broken.abandon();
      if (outcome === 'finished') log?.warn({ file: broken.name, sizeBytes: broken.syncedBytes }, 'abandoned WARC file cut back to its acknowledged captures and finished');
      else log?.warn({ file: broken.name + OPEN_SUFFIX }, 'abandoned WARC file held no acknowledged capture: removed');
    } catch (abandonErr) {
      // Left for recoverOpenWarcFiles(), which finishes `.open` files of writers that are gone.
      log?.error({ err: abandonErr, file: broken.name + OPEN_SUFFIX }, 'abandoned WARC file could not be finished: it keeps the .open suffix');
    }
  }

  async function prepare(capture: WarcCapture): Promise<PreparedCapture> {
    const { ids, records, responseIndex } = captureRecords(capture, { redactRequestHeaders });
    // Compressed off the event loop and before queueing, so a batch's critical section is only I/O.
    const members = await Promise.all(records.map((record) => gzipAsync(serializeRecord(record))));
    return { ids, members, responseIndex };
  }

  return {
    async writeCapture(capture) {
      if (closing) throw new NonRetryableError('warc-writer-closed', `WARC writer for ${options.dir} is closed`);
      const task = prepare(capture).then((prepared) => committer.submit(prepared));
      inFlight.add(task);
      try {
        return await task;
      } finally {
        inFlight.delete(task);
      }
    },
    close() {
      closing ??= (async () => {
        await Promise.allSettled([...inFlight]);
        await committer.idle();
        if (!file) return;
        const last = file;
        file = null;
        try {
          await finishFile(last);
        } catch (err) {
          throw new RetryableError('warc-close-failed', `finishing WARC file ${last.name} failed`, { cause: err, details: { file: last.name } });
        }
      })();
      return closing;
    },
  };
}

function validateOptions(options: WarcWriterOptions): void {
  const issues: ConfigIssue[] = [];
  if (!options.dir) issues.push({ path: 'dir', message: 'required' });
  for (const key of ['filePrefix', 'writerId'] as const) {
    if (!NAME_PART.test(options[key])) issues.push({ path: key, message: 'letters, digits, ".", "_" and "-" only (it is part of a file name)' });
  }
  if (!options.runId) issues.push({ path: 'runId', message: 'required' });
  if (!options.software) issues.push({ path: 'software', message: 'required' });
  const max = options.maxFileBytes;
  if (max !== undefined && !(Number.isSafeInteger(max) && max > 0)) issues.push({ path: 'maxFileBytes', message: 'a positive integer' });
  if (issues.length > 0) throw new ConfigError('invalid WARC writer options', issues);
}

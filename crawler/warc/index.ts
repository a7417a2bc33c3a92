// WARC 1.1 archives of a crawl run: one writer per run and process (see warc-writer.ts for files,
// rotation and durability, warc-capture.ts for the records of one fetched page), the recovery of
// files left `.open` by writers that are gone, and reading one record back by offset and length.
export { createWarcWriter, DEFAULT_MAX_WARC_FILE_BYTES, DEFAULT_REDACTED_REQUEST_HEADERS } from './warc-writer.ts';
export type { WarcWriter, WarcWriterOptions, WarcWriteResult } from './warc-writer.ts';
export type { WarcCapture, WarcCaptureRecordIds, WarcRedirectHop } from './warc-capture.ts';
export type { HttpHeaders } from './http-block.ts';
export { OPEN_SUFFIX, warcFileName } from './warc-file.ts';
export { recoverOpenWarcFiles, type RecoverOpenWarcOptions, type WarcRecoveryOutcome, type WarcRecoveryResult } from './warc-recovery.ts';
export { newWarcWriterId, parseWarcWriterId, warcHostTag } from './writer-id.ts';
export { readWarcRecordAt, type WarcRecordAt } from './read-record.ts';

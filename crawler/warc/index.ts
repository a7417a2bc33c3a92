// WARC 1.1 archives of a crawl run: one writer per run and process (see warc-writer.ts for files,
// rotation and durability, warc-capture.ts for the records of one fetched page).
export { createWarcWriter, DEFAULT_MAX_WARC_FILE_BYTES, DEFAULT_REDACTED_REQUEST_HEADERS } from './warc-writer.ts';
export type { WarcWriter, WarcWriterOptions, WarcWriteResult } from './warc-writer.ts';
export type { WarcCapture, WarcCaptureRecordIds, WarcRedirectHop } from './warc-capture.ts';
export type { HttpHeaders } from './http-block.ts';
export { OPEN_SUFFIX, warcFileName } from './warc-file.ts';

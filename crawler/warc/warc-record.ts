// One WARC 1.1 record as bytes: the header lines (UTF-8, CRLF), the content block, and the two
// CRLFs that end every record. Digests are labelled SHA-256 in hex (`sha256:<hex>`), the form
// warcio.js writes by default, so webrecorder's tools (warcio, pywb, browsertrix) read them as is.
import { createHash, randomUUID } from 'node:crypto';
import { NonRetryableError } from '../../config/errors.ts';

export const WARC_VERSION = 'WARC/1.1';

export type WarcRecordType = 'warcinfo' | 'request' | 'response' | 'metadata' | 'resource';

export interface WarcRecordInput {
  type: WarcRecordType;
  /** `<urn:uuid:…>`; see newRecordId(). */
  id: string;
  /** Any instant `new Date()` accepts; written with millisecond precision (WARC 1.1 allows it). */
  date: string | Date;
  targetUri?: string;
  contentType: string;
  /**
   * For `application/http` records, the message head (start line, header lines and the blank
   * line): part of the block, but not of the payload, so it is left out of the payload digest.
   */
  head?: Buffer;
  /** The payload; for records without a head it is the whole block. */
  payload: Buffer;
  /** Further WARC headers (WARC-Concurrent-To, WARC-IP-Address, …), in order; names may repeat. */
  headers?: ReadonlyArray<readonly [string, string]>;
}

const CRLF = '\r\n';
const RECORD_END = Buffer.from(CRLF + CRLF, 'latin1');
// RFC 9110 token: what a header (or warc-fields) name may contain.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function newRecordId(): string {
  return `<urn:uuid:${randomUUID()}>`;
}

/** `2024-05-01T12:34:56.789Z`: WARC 1.1's W3C-ISO8601 date with milliseconds, always UTC. */
export function formatWarcDate(date: string | Date): string {
  const parsed = date instanceof Date ? date : new Date(date);
  if (Number.isNaN(parsed.getTime())) {
    throw new NonRetryableError('warc-bad-date', `not a date: "${String(date)}"`, { details: { date: String(date) } });
  }
  return parsed.toISOString();
}

/** A labelled digest as warcio.js writes it: `sha256:` and the lower-case hex SHA-256. */
export function sha256Digest(...parts: Buffer[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * The URI form replay tools look up: WHATWG-normalised (punycode host, percent-encoded path),
 * so that a non-ASCII URL is written the same way the browser and the fetcher requested it.
 * A string that is not a URL is kept as given (WARC 1.1 headers are UTF-8).
 */
export function warcTargetUri(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/** Serialises one record, uncompressed. Content-Length is the exact block length in bytes. */
export function serializeRecord(record: WarcRecordInput): Buffer {
  const head = record.head ?? Buffer.alloc(0);
  const blockBytes = head.length + record.payload.length;
  const lines: Array<[string, string]> = [
    ['WARC-Type', record.type],
    ['WARC-Record-ID', record.id],
    ['WARC-Date', formatWarcDate(record.date)],
  ];
  if (record.targetUri !== undefined) lines.push(['WARC-Target-URI', record.targetUri]);
  for (const [name, value] of record.headers ?? []) lines.push([name, value]);
  lines.push(['Content-Type', record.contentType]);
  // warcio.js leaves warcinfo records undigested; every other record carries both digests.
  if (record.type !== 'warcinfo') {
    lines.push(['WARC-Block-Digest', sha256Digest(head, record.payload)]);
    lines.push(['WARC-Payload-Digest', sha256Digest(record.payload)]);
  }
  lines.push(['Content-Length', String(blockBytes)]);

  const text = [WARC_VERSION, ...lines.map(([name, value]) => fieldLine(name, value))].join(CRLF) + CRLF + CRLF;
  return Buffer.concat([Buffer.from(text, 'utf8'), head, record.payload, RECORD_END]);
}

/**
 * `application/warc-fields` block: one `name: value` line per field, UTF-8. Values are single
 * lines (a line break would start a forged field), so breaks become spaces: callers pass
 * structured facts as one-line JSON.
 */
export function warcFieldsBlock(fields: ReadonlyArray<readonly [string, string]>): Buffer {
  return Buffer.from(fields.map(([name, value]) => fieldLine(name, value) + CRLF).join(''), 'utf8');
}

function fieldLine(name: string, value: string): string {
  if (!TOKEN.test(name)) {
    throw new NonRetryableError('warc-bad-field', `not a valid WARC field name: "${name}"`, { details: { name } });
  }
  return `${name}: ${singleLine(value)}`;
}

/** Removes line breaks and NULs, which would end a header line early or corrupt the record. */
export function singleLine(value: string): string {
  return value.replace(/[\r\n\0]+/g, ' ');
}

// Reads a .warc.gz back for the WARC tests: warcio.js (the reference reader) parses it, and each
// record is also checked independently of warcio: its bytes at [offset, offset + length) must be
// exactly one gzip member holding exactly one record whose digests match its block.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { WARCParser } from 'warcio';

export interface ReadRecord {
  type: string;
  id: string;
  targetUri: string | null;
  concurrentTo: string | null;
  header(name: string): string | null;
  /** Offset and length of the record's gzip member, as warcio measures them. */
  offset: number;
  length: number;
  /** The raw payload as warcio reads it (after the HTTP head for http records). */
  payload: Buffer;
  /** The decoded body (Content-Encoding undone) for response records. */
  contentText: string | null;
  httpStatus: number | null;
  httpHeaders: Array<[string, string]>;
}

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export async function readWarc(path: string): Promise<ReadRecord[]> {
  const bytes = await readFile(path);
  const parser = new WARCParser([bytes], { keepHeadersCase: true });
  const records: ReadRecord[] = [];
  for await (const record of parser) {
    const headers = record.warcHeaders.headers;
    const type = record.warcType ?? '';
    const payload = Buffer.from(await record.readFully(false));
    const offset = parser.offset;
    const length = parser.recordLength;
    checkMember(bytes.subarray(offset, offset + length), type, payload);
    records.push({
      type,
      id: headers.get('WARC-Record-ID') ?? '',
      targetUri: record.warcTargetURI ?? null,
      concurrentTo: headers.get('WARC-Concurrent-To') ?? null,
      header: (name) => headers.get(name) ?? null,
      offset,
      length,
      payload,
      contentText: null,
      httpStatus: record.httpHeaders ? Number(record.httpHeaders.statusCode) : null,
      httpHeaders: record.httpHeaders ? [...record.httpHeaders.headers] : [],
    });
  }
  // Whole file accounted for: members are back to back, nothing before, between or after.
  let expected = 0;
  for (const record of records) {
    if (record.offset !== expected) throw new Error(`record at ${record.offset}, expected ${expected}`);
    expected += record.length;
  }
  if (expected !== bytes.length) throw new Error(`file is ${bytes.length} bytes, records cover ${expected}`);
  await addContentText(bytes, records);
  return records;
}

/** One gzip member, one record: CRLF headers, exact Content-Length, CRLFCRLF, digests right. */
function checkMember(member: Buffer, type: string, payload: Buffer): void {
  const text = gunzipSync(member); // throws on a partial member
  const headerEnd = text.indexOf('\r\n\r\n');
  const headerText = text.subarray(0, headerEnd).toString('utf8');
  const field = (name: string) => new RegExp(`\\r\\n${name}: ([^\\r]*)`).exec(headerText)?.[1];
  const contentLength = Number(field('Content-Length'));
  const block = text.subarray(headerEnd + 4, headerEnd + 4 + contentLength);
  if (!headerText.startsWith('WARC/1.1\r\n')) throw new Error('not a WARC/1.1 record');
  if (text.length !== headerEnd + 4 + contentLength + 4) throw new Error(`member of ${type} holds more or less than one record`);
  if (text.subarray(text.length - 4).toString('latin1') !== '\r\n\r\n') throw new Error('record not ended by CRLFCRLF');
  if (type === 'warcinfo') return;
  if (field('WARC-Block-Digest') !== sha256(block)) throw new Error(`${type}: block digest mismatch`);
  if (field('WARC-Payload-Digest') !== sha256(payload)) throw new Error(`${type}: payload digest mismatch`);
  if (!block.subarray(block.length - payload.length).equals(payload)) throw new Error(`${type}: payload is not the block's tail`);
}

/** A second pass for decoded bodies: warcio cannot give raw and decoded content of one record. */
async function addContentText(bytes: Buffer, records: ReadRecord[]): Promise<void> {
  const parser = new WARCParser([bytes]);
  let i = 0;
  for await (const record of parser) {
    if (record.warcType === 'response') records[i]!.contentText = await record.contentText();
    i += 1;
  }
}

/** The records after each file's warcinfo, grouped by capture (a capture starts at a response). */
export function groupCaptures(records: ReadRecord[]): ReadRecord[][] {
  const groups: ReadRecord[][] = [];
  for (const record of records) {
    if (record.type === 'warcinfo') continue;
    if (record.type === 'response' || groups.length === 0) groups.push([]);
    groups.at(-1)!.push(record);
  }
  return groups;
}

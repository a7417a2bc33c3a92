// One record read back by its offset and length, as a CDX index or an evidence manifest names it:
// the bytes there must be exactly one gzip member holding one WARC record, whose block digest (when
// it is a `sha256:` hex digest, as Vigie writes) matches the block.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { decodeGzipMember } from './gzip-member.ts';

export type WarcRecordAt =
  | {
      ok: true;
      /** The first value of a WARC header (names compared case-insensitively), or null. */
      header(name: string): string | null;
      /** 'absent' also covers digests in another algorithm or encoding, which are not checked. */
      blockDigest: 'match' | 'mismatch' | 'absent';
    }
  | { ok: false; message: string };

/** Larger than any record Vigie writes; a bigger length is refused rather than read into memory. */
export const MAX_RECORD_BYTES = 1024 ** 3;
const MAX_RECORD_OUTPUT_BYTES = 2 * 1024 ** 3;

/** Throws only on I/O errors (ENOENT included); a bad record is `{ ok: false }`. */
export async function readWarcRecordAt(path: string, offset: number, length: number): Promise<WarcRecordAt> {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length <= 0 || length > MAX_RECORD_BYTES) {
    return { ok: false, message: `offset ${offset} / length ${length} out of range` };
  }
  const bytes = Buffer.alloc(length);
  const handle = await open(path, 'r');
  let got = 0;
  try {
    while (got < length) {
      const { bytesRead } = await handle.read(bytes, got, length - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
  } finally {
    await handle.close();
  }
  if (got < length) return { ok: false, message: `the file ends before offset ${offset} + ${length}` };
  const member = decodeGzipMember(bytes, MAX_RECORD_OUTPUT_BYTES);
  if (!member.ok) return { ok: false, message: `no gzip member at offset ${offset}: ${member.message}` };
  if (member.memberBytes !== length) return { ok: false, message: `the gzip member at offset ${offset} is ${member.memberBytes} bytes, not ${length}` };
  return parseRecord(member.data);
}

function parseRecord(record: Buffer): WarcRecordAt {
  const headEnd = record.indexOf('\r\n\r\n');
  if (headEnd < 0) return { ok: false, message: 'no end of WARC headers' };
  const lines = record.subarray(0, headEnd).toString('utf8').split('\r\n');
  if (!/^WARC\/1\.[01]$/.test(lines[0] ?? '')) return { ok: false, message: 'not a WARC/1.0 or WARC/1.1 record' };
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return { ok: false, message: `malformed WARC header line ${JSON.stringify(line.slice(0, 80))}` };
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  const contentLength = Number(headers.get('content-length'));
  const blockStart = headEnd + 4;
  if (!Number.isSafeInteger(contentLength) || contentLength < 0 || blockStart + contentLength > record.length) {
    return { ok: false, message: 'Content-Length does not fit the record' };
  }
  const declared = /^sha256:([0-9a-f]{64})$/i.exec(headers.get('warc-block-digest') ?? '');
  let blockDigest: 'match' | 'mismatch' | 'absent' = 'absent';
  if (declared) {
    const actual = createHash('sha256').update(record.subarray(blockStart, blockStart + contentLength)).digest('hex');
    blockDigest = actual === declared[1]!.toLowerCase() ? 'match' : 'mismatch';
  }
  return { ok: true, header: (name) => headers.get(name.toLowerCase()) ?? null, blockDigest };
}

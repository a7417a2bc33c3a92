// One gzip member (RFC 1952) at the start of a buffer: where it ends and what it holds. A `.warc.gz`
// is a series of members, one per record, so this is how a record is found by its offset and how
// a file torn by a crash is told apart: a member cut short at the end of the buffer is `truncated`,
// anything else that is not a whole, checksummed member is `invalid`.
import { crc32, inflateRawSync, type ZlibOptions } from 'node:zlib';

export type GzipMember =
  | { ok: true; /** Compressed length: header, deflate data and trailer. */ memberBytes: number; data: Buffer }
  | { ok: false; truncated: boolean; message: string };

const MAGIC_0 = 0x1f;
const MAGIC_1 = 0x8b;
const DEFLATE = 8;
const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const RESERVED_FLAGS = 0xe0;
const FIXED_HEADER_BYTES = 10;
const TRAILER_BYTES = 8;

/** The gzip magic and deflate method: where a member may start. */
export const GZIP_MEMBER_START = Buffer.from([MAGIC_0, MAGIC_1, DEFLATE]);

/**
 * Decodes the member starting at `bytes[0]`; bytes after it are left alone. `maxOutputBytes`
 * bounds the memory a hostile member can take (a larger one is `invalid`).
 */
export function decodeGzipMember(bytes: Buffer, maxOutputBytes?: number): GzipMember {
  const header = headerLength(bytes);
  if (typeof header !== 'number') return header;
  let inflated: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    // `info` gives the engine too, whose bytesWritten is the deflate data actually consumed: the
    // inflater stops at the end of the deflate stream, which is how the member's end is found.
    const options: ZlibOptions & { info: true } = { info: true, ...(maxOutputBytes ? { maxOutputLength: maxOutputBytes } : {}) };
    inflated = inflateRawSync(bytes.subarray(header), options) as unknown as typeof inflated;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Z_BUF_ERROR: the deflate stream had not ended when the input did.
    return { ok: false, truncated: code === 'Z_BUF_ERROR', message: `deflate data: ${(err as Error).message}` };
  }
  const trailerAt = header + inflated.engine.bytesWritten;
  if (trailerAt + TRAILER_BYTES > bytes.length) return { ok: false, truncated: true, message: 'trailer cut short' };
  const data = inflated.buffer;
  if (bytes.readUInt32LE(trailerAt) !== crc32(data)) return { ok: false, truncated: false, message: 'CRC-32 does not match the data' };
  if (bytes.readUInt32LE(trailerAt + 4) !== data.length % 2 ** 32) return { ok: false, truncated: false, message: 'ISIZE does not match the data' };
  return { ok: true, memberBytes: trailerAt + TRAILER_BYTES, data };
}

function headerLength(bytes: Buffer): number | Extract<GzipMember, { ok: false }> {
  const short = { ok: false as const, truncated: true, message: 'header cut short' };
  for (const [index, expected] of [MAGIC_0, MAGIC_1, DEFLATE].entries()) {
    if (bytes.length <= index) return short;
    if (bytes[index] !== expected) return { ok: false, truncated: false, message: 'not the start of a gzip member' };
  }
  if (bytes.length < FIXED_HEADER_BYTES) return short;
  const flags = bytes[3]!;
  if (flags & RESERVED_FLAGS) return { ok: false, truncated: false, message: 'reserved gzip header flags set' };
  let at = FIXED_HEADER_BYTES;
  if (flags & FEXTRA) {
    if (bytes.length < at + 2) return short;
    at += 2 + bytes.readUInt16LE(at);
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    const end = bytes.indexOf(0, at);
    if (end < 0) return short;
    at = end + 1;
  }
  if (flags & FHCRC) at += 2;
  return at <= bytes.length ? at : short;
}

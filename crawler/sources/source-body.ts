// The text of a fetched sitemap or feed. `.xml.gz` sitemaps are gzip files served as such
// (application/gzip, often application/octet-stream), not with a Content-Encoding, so the fetcher
// hands them over undecompressed: they are inflated here, under the fetch's decompressed-bytes cap.
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { NonRetryableError } from '../../config/errors.ts';
import { decodeBody } from '../decode-body.ts';
import type { FetchResult } from '../fetch-page.ts';

/** Types a sitemap or feed is served with (text/plain: text sitemaps and careless servers). */
export const SOURCE_CONTENT_TYPES: readonly string[] = [
  'application/xml', 'text/xml', 'application/rss+xml', 'application/atom+xml', 'application/rdf+xml',
  'text/plain', 'application/gzip', 'application/x-gzip',
];

/** The accepted types for `url`: a `.gz` file may also come as application/octet-stream. */
export function sourceContentTypes(url: string): string[] {
  let gz = false;
  try {
    gz = new URL(url).pathname.toLowerCase().endsWith('.gz');
  } catch {
    // An unparsable URL fails in the fetcher with its own error.
  }
  return gz ? [...SOURCE_CONTENT_TYPES, 'application/octet-stream'] : [...SOURCE_CONTENT_TYPES];
}

type SourceFetch = Pick<FetchResult, 'finalUrl' | 'body' | 'charset' | 'headers'> & { rawBody?: unknown };

/** The document's text, gunzipped first when the body is a gzip file. */
export async function decodeSourceBody(fetched: SourceFetch, maxDecompressedBytes: number): Promise<string> {
  const gzip = gzipBytes(fetched);
  if (gzip === null) return fetched.body;
  const inflated = await gunzipBounded(gzip, maxDecompressedBytes, fetched.finalUrl);
  // The XML declaration's encoding is honoured by decodeBody's prescan; UTF-8 otherwise.
  return decodeBody(inflated, undefined).text;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** The gzip file's bytes when the body is one, else null. */
function gzipBytes(fetched: SourceFetch): Buffer | null {
  // The fetcher's raw bytes, when it provides them and they were not content-encoded on top.
  const raw = fetched.rawBody;
  const encoding = (fetched.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (Buffer.isBuffer(raw) && (encoding === '' || encoding === 'identity')) return startsWithGzip(raw) ? raw : null;
  // Otherwise from the text: decoded as windows-1252 (what bytes that are not UTF-8 get), every
  // byte maps to one character and back, so the file is recovered exactly.
  if (fetched.charset !== 'windows-1252' || !fetched.body.startsWith('\x1f\u2039')) return null;
  return encodeWindows1252(fetched.body);
}

function startsWithGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

// The inverse of crawler/decode-body.ts's windows-1252 table for 0x80-0x9F.
const WINDOWS_1252_HIGH =
  '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f' +
  '\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';
const HIGH_BYTES = new Map([...WINDOWS_1252_HIGH].map((char, index) => [char.charCodeAt(0), 0x80 + index]));

function encodeWindows1252(text: string): Buffer | null {
  const bytes = Buffer.allocUnsafe(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // ASCII and 0xA0-0xFF are themselves; the rest comes from the table (or was never a byte).
    const byte = code < 0x80 || (code >= 0xa0 && code <= 0xff) ? code : HIGH_BYTES.get(code);
    if (byte === undefined) return null;
    bytes[i] = byte;
  }
  return bytes;
}

const gunzip = promisify(zlib.gunzip);

async function gunzipBounded(bytes: Buffer, maxBytes: number, url: string): Promise<Buffer> {
  try {
    // Sync flush tolerates a file cut short (what was inflated is kept), as for HTTP bodies.
    return await gunzip(bytes, { maxOutputLength: maxBytes, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new NonRetryableError('decompressed-too-large', `${url}: gunzipped sitemap exceeds ${maxBytes} bytes`, {
        cause: err,
        details: { url, limitBytes: maxBytes },
      });
    }
    throw new NonRetryableError('bad-encoding', `${url}: not a readable gzip file`, { cause: err, details: { url } });
  }
}

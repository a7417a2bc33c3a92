// Fetches one image or downloadable file linked from a crawled page and hashes it as it streams:
// the same guard as pages (every hop checked before connecting, the guard's dispatcher re-checking
// at connect time), the same header and redirect rules, and its own caps (bytes on the wire and
// decoded, one deadline for the whole fetch). The body goes through the hashes and, for an image,
// into memory for the perceptual hash; nothing of it is ever written anywhere.
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { Duplex, Readable } from 'node:stream';
import { request } from 'undici';
import { NonRetryableError, VigieError } from '../../config/errors.ts';
import { discardBody, parseContentEncoding } from '../fetch-body.ts';
import { isAllowedType, mimeType } from '../fetch-content-type.ts';
import { abortable, createFetchDeadline } from '../fetch-deadline.ts';
import { httpStatusError, toFetchError } from '../fetch-errors.ts';
import { hopHeaders } from '../fetch-headers.ts';
import { createRedirectTracker, firstValue } from '../fetch-redirects.ts';
import type { NetworkGuard } from '../network-guard.ts';
import { HashSink, type StreamDigests } from './hash-sink.ts';

export type MediaKind = 'image' | 'file';

export interface MediaFetchOptions {
  guard: NetworkGuard;
  userAgent: string;
  /** Target-configured headers: sent only to the page's own origin (see page-media). */
  headers?: Record<string, string>;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  totalTimeoutMs: number;
  maxRedirects: number;
  /** Bytes on the wire, and bytes once decoded: the larger is refused, not truncated. */
  maxBytes: number;
}

export interface FetchedMedia extends StreamDigests {
  url: string;
  finalUrl: string;
  /** The declared MIME type ('' when none was sent). */
  mediaType: string;
  /** Only for images: the bytes, in memory, for the perceptual hash. */
  content: Buffer;
}

// Servers often label images and files generically; an HTML answer is a page (a soft 404, a login
// wall), never the media that was linked.
const IMAGE_TYPES = ['image/*', 'application/octet-stream', 'binary/octet-stream'];
const REFUSED_FILE_TYPES = ['text/html', 'application/xhtml+xml'];

export async function fetchMedia(url: string, kind: MediaKind, options: MediaFetchOptions, signal?: AbortSignal): Promise<FetchedMedia> {
  const start = parseUrl(url);
  const deadline = createFetchDeadline(start.href, options.totalTimeoutMs, signal);
  let current = start;
  const accept = kind === 'image' ? ['image/avif', 'image/webp', 'image/*'] : ['*/*'];
  try {
    const tracker = createRedirectTracker(start, options.maxRedirects);
    for (;;) {
      const disarm = deadline.armHop(current.href, options.connectTimeoutMs + options.readTimeoutMs);
      let response: Awaited<ReturnType<typeof request>>;
      try {
        const sent = hopHeaders(current, start, { userAgent: options.userAgent, headers: options.headers, allowedContentTypes: accept });
        await abortable(options.guard.checkUrl(current), deadline.signal);
        response = await request(current, {
          dispatcher: options.guard.dispatcher,
          method: 'GET',
          headers: sent.headers,
          signal: deadline.signal,
          headersTimeout: options.readTimeoutMs,
          bodyTimeout: options.readTimeoutMs,
        });
      } finally {
        disarm();
      }
      let next: URL | null;
      try {
        next = tracker.next(response.statusCode, response.headers, current);
      } catch (err) {
        discardBody(response.body);
        throw err;
      }
      if (next) {
        discardBody(response.body);
        current = next;
        continue;
      }
      const mediaType = checkResponse(response, current.href, kind, options.maxBytes);
      const sink = new HashSink(kind === 'image');
      await streamInto(response.body, sink, firstValue(response.headers['content-encoding']), current.href, options.maxBytes, deadline.signal);
      return { url: start.href, finalUrl: current.href, mediaType, ...sink.digests(), content: sink.kept() };
    }
  } catch (err) {
    if (err instanceof VigieError) throw err;
    throw deadline.abortError() ?? toFetchError(err, current.href);
  } finally {
    deadline.dispose();
  }
}

function checkResponse(response: Awaited<ReturnType<typeof request>>, url: string, kind: MediaKind, maxBytes: number): string {
  const { statusCode: status, headers, body } = response;
  const mediaType = mimeType(firstValue(headers['content-type']));
  try {
    if (status < 200 || status >= 300) throw httpStatusError(status, url, firstValue(headers['retry-after']));
    const refused = kind === 'image' ? mediaType !== '' && !isAllowedType(mediaType, IMAGE_TYPES) : REFUSED_FILE_TYPES.includes(mediaType);
    if (refused) {
      throw new NonRetryableError('media-type-refused', `${url}: a ${kind} link answered with ${mediaType}`, { details: { url, contentType: mediaType } });
    }
    const length = Number(firstValue(headers['content-length']));
    if (Number.isFinite(length) && length > maxBytes) {
      throw new NonRetryableError('media-too-large', `${url}: Content-Length ${length} exceeds ${maxBytes} bytes`, { details: { url, limitBytes: maxBytes, contentLength: length } });
    }
  } catch (err) {
    discardBody(body);
    throw err;
  }
  return mediaType;
}

async function streamInto(body: Readable, sink: HashSink, contentEncoding: string | undefined, url: string, maxBytes: number, signal: AbortSignal): Promise<void> {
  let wireBytes = 0;
  let refusal: unknown = null;
  const tooLarge = (what: string, seen: number) => {
    refusal ??= new NonRetryableError('media-too-large', `${url}: ${what} exceeds ${maxBytes} bytes`, { details: { url, limitBytes: maxBytes, seenBytes: seen } });
    return refusal;
  };
  async function* countWire(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      wireBytes += chunk.length;
      if (wireBytes > maxBytes) throw tooLarge('body', wireBytes);
      yield chunk;
    }
  }
  async function consume(source: AsyncIterable<Buffer>): Promise<void> {
    for await (const chunk of source) {
      if (sink.bytes + chunk.length > maxBytes) throw tooLarge('decoded body', sink.bytes + chunk.length);
      sink.write(chunk);
    }
  }
  try {
    const decoders = parseContentEncoding(contentEncoding, url).reverse().map(decoderFor);
    await runPipeline(body, countWire, ...decoders, consume, { signal });
  } catch (err) {
    if (refusal) throw refusal;
    if (err instanceof VigieError) throw err;
    const code = (err as { code?: unknown } | null)?.code;
    if (!signal.aborted && typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR_BROTLI') || code.startsWith('ERR__ERROR'))) {
      throw new NonRetryableError('bad-encoding', `${url}: cannot decode ${contentEncoding} body`, { cause: err, details: { url } });
    }
    throw err;
  } finally {
    if (!body.readableEnded) discardBody(body);
  }
}

function decoderFor(encoding: string): Duplex {
  if (encoding === 'br') return zlib.createBrotliDecompress();
  if (encoding === 'deflate') return zlib.createInflate();
  return zlib.createGunzip();
}

type Stage = NodeJS.ReadableStream | NodeJS.ReadWriteStream | ((source: AsyncIterable<Buffer>) => AsyncIterable<Buffer> | Promise<void>);
const runPipeline = pipeline as unknown as (...stages: [...Stage[], { signal: AbortSignal }]) => Promise<void>;

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch (err) {
    throw new NonRetryableError('bad-url', `not a URL: "${url}"`, { cause: err, details: { url } });
  }
}

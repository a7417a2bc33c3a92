// Fetches one page over HTTP(S) so that a hostile site can neither stall the crawler (connect,
// headers, idle-body and total deadlines), exhaust it (wire and decompressed byte caps, streamed),
// nor turn it against internal hosts (every hop checked by the network guard before connecting).
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'undici';
import { NonRetryableError, VigieError } from '../config/errors.ts';
import { decodeBody } from './decode-body.ts';
import { discardBody, readBody } from './fetch-body.ts';
import { isAllowedType, looksLikeHtml, mimeType } from './fetch-content-type.ts';
import { abortable, createFetchDeadline } from './fetch-deadline.ts';
import type { FetchDeadline } from './fetch-deadline.ts';
import { httpStatusError, toFetchError } from './fetch-errors.ts';
import { createRedirectTracker, firstValue, headersForHop } from './fetch-redirects.ts';
import type { RedirectTracker } from './fetch-redirects.ts';
import type { NetworkGuard } from './network-guard.ts';
import { stripBrackets } from './net-origin.ts';

export interface FetchOptions {
  guard: NetworkGuard;
  userAgent: string;
  headers?: Record<string, string>;
  /** Resolution + TCP + TLS of one hop; with readTimeoutMs, bounds the wait for each hop's headers. */
  connectTimeoutMs: number;
  /** Waiting for response headers once connected, and the longest silence within a body. */
  readTimeoutMs: number;
  /** The whole fetch, redirects and slow-drip bodies included. */
  totalTimeoutMs: number;
  maxRedirects: number;
  /** Bytes on the wire (compressed). */
  maxBytes: number;
  maxDecompressedBytes: number;
  /** MIME types such as `text/html`, or `type/*` wildcards. */
  allowedContentTypes: string[];
}

export interface FetchResult {
  url: string;
  finalUrl: string;
  status: number;
  headers: Record<string, string>;
  /** MIME type only; `text/html` when sniffed from a body sent without Content-Type. */
  contentType: string;
  /** The encoding used to decode the body (WHATWG name). */
  charset: string;
  body: string;
  /** Decoded (decompressed) bytes. */
  bodyBytes: number;
  wireBytes: number;
  /** The URLs redirected to, in order; the last one is finalUrl. */
  redirects: string[];
  remoteAddress: string | null;
  /** ISO timestamp. */
  startedAt: string;
  durationMs: number;
}

const ACCEPT_ENCODING = 'gzip, deflate, br';

export async function fetchPage(url: string, options: FetchOptions, signal?: AbortSignal): Promise<FetchResult> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const start = parseUrl(url);
  const deadline = createFetchDeadline(start.href, options.totalTimeoutMs, signal);
  let current = start;
  try {
    const tracker = createRedirectTracker(start, options.maxRedirects);
    for (;;) {
      const response = await requestHop(current, start, options, deadline);
      // Read now: the connection may close (and be forgotten by the guard) once the body is read.
      const remoteAddress = options.guard.remoteAddressFor(current) ?? ipLiteral(current);
      const next = followRedirect(tracker, response, current);
      if (next) {
        current = next;
        continue;
      }
      const page = await readFinalResponse(response, current, options, deadline.signal);
      return {
        url: start.href,
        finalUrl: current.href,
        ...page,
        redirects: tracker.redirects,
        remoteAddress,
        startedAt,
        durationMs: Math.round(performance.now() - started),
      };
    }
  } catch (err) {
    if (err instanceof VigieError) throw err;
    // A deadline or the caller's abort explains whatever error it provoked (socket destroyed,
    // stream aborted); otherwise the error is mapped by its own code.
    throw deadline.abortError() ?? toFetchError(err, current.href);
  } finally {
    deadline.dispose();
  }
}

type HopResponse = Awaited<ReturnType<typeof request>>;

async function requestHop(hop: URL, start: URL, options: FetchOptions, deadline: FetchDeadline): Promise<HopResponse> {
  const disarm = deadline.armHop(hop.href, options.connectTimeoutMs + options.readTimeoutMs);
  try {
    await abortable(options.guard.checkUrl(hop), deadline.signal);
    return await request(hop, {
      dispatcher: options.guard.dispatcher,
      method: 'GET',
      headers: {
        accept: acceptHeader(options.allowedContentTypes),
        ...headersForHop(options.headers ?? {}, start, hop),
        'user-agent': options.userAgent,
        'accept-encoding': ACCEPT_ENCODING,
      },
      signal: deadline.signal,
      headersTimeout: options.readTimeoutMs,
      bodyTimeout: options.readTimeoutMs,
    });
  } finally {
    disarm();
  }
}

/** The next URL when the response is a redirect (its body then discarded), else null. */
function followRedirect(tracker: RedirectTracker, response: HopResponse, current: URL): URL | null {
  let next: URL | null;
  try {
    next = tracker.next(response.statusCode, response.headers, current);
  } catch (err) {
    discardBody(response.body);
    throw err;
  }
  if (next) discardBody(response.body);
  return next;
}

type FinalPage = Pick<FetchResult, 'status' | 'headers' | 'contentType' | 'charset' | 'body' | 'bodyBytes' | 'wireBytes'>;

async function readFinalResponse(response: HopResponse, url: URL, options: FetchOptions, signal: AbortSignal): Promise<FinalPage> {
  const { statusCode: status, headers, body } = response;
  const contentTypeHeader = firstValue(headers['content-type']);
  const declaredType = mimeType(contentTypeHeader);
  try {
    if (status < 200 || status >= 300) throw httpStatusError(status, url.href, firstValue(headers['retry-after']));
    if (declaredType && !isAllowedType(declaredType, options.allowedContentTypes)) {
      throw contentTypeRefused(url.href, declaredType);
    }
    const contentLength = Number(firstValue(headers['content-length']));
    if (Number.isFinite(contentLength) && contentLength > options.maxBytes) {
      throw new NonRetryableError('body-too-large', `${url.href}: Content-Length ${contentLength} exceeds ${options.maxBytes} bytes`, {
        details: { url: url.href, limitBytes: options.maxBytes, contentLength },
      });
    }
  } catch (err) {
    discardBody(body);
    throw err;
  }

  const read = await readBody(body, {
    url: url.href,
    contentEncoding: firstValue(headers['content-encoding']),
    maxBytes: options.maxBytes,
    maxDecompressedBytes: options.maxDecompressedBytes,
    signal,
    inspectHead: declaredType
      ? undefined
      : (head) => {
          if (!looksLikeHtml(head) || !isAllowedType('text/html', options.allowedContentTypes)) {
            throw contentTypeRefused(url.href, '(none)');
          }
        },
  });
  const { text, charset } = decodeBody(read.bytes, contentTypeHeader);
  return {
    status,
    headers: flattenHeaders(headers),
    contentType: declaredType || 'text/html',
    charset,
    body: text,
    bodyBytes: read.bodyBytes,
    wireBytes: read.wireBytes,
  };
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch (err) {
    throw new NonRetryableError('bad-url', `not a URL: "${url}"`, { cause: err, details: { url } });
  }
}

function ipLiteral(url: URL): string | null {
  const host = stripBrackets(url.hostname);
  return isIP(host) ? host : null;
}

function contentTypeRefused(url: string, contentType: string): NonRetryableError {
  return new NonRetryableError('content-type-refused', `${url}: content type ${contentType} is not fetched`, {
    details: { url, contentType },
  });
}

function acceptHeader(allowed: readonly string[]): string {
  return [...allowed.map((type, index) => (index === 0 ? type : `${type};q=0.9`)), '*/*;q=0.1'].join(', ');
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

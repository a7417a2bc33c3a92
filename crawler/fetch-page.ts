// Fetches one page over HTTP(S) so that a hostile site can neither stall the crawler (connect,
// headers, idle-body and total deadlines), exhaust it (wire and decompressed byte caps, streamed),
// nor turn it against internal hosts (every hop checked by the network guard before connecting).
import { performance } from 'node:perf_hooks';
import type { IncomingHttpHeaders } from 'node:http';
import { NonRetryableError } from '../config/errors.ts';
import { decodeBody } from './decode-body.ts';
import { discardBody, readBody } from './fetch-body.ts';
import { isAllowedType, looksLikeHtml, mimeType } from './fetch-content-type.ts';
import { httpStatusError } from './fetch-errors.ts';
import type { ConditionalValidators } from './fetch-headers.ts';
import { firstValue } from './fetch-redirects.ts';
import { guardedRequest } from './fetch-response.ts';
import type { GuardedRequestOptions, HopExchange, HopResponse } from './fetch-response.ts';
import type { TlsSummary } from './tls-summary.ts';

export type { ConditionalValidators } from './fetch-headers.ts';

export interface FetchOptions extends GuardedRequestOptions {
  /** Bytes on the wire (compressed). */
  maxBytes: number;
  maxDecompressedBytes: number;
  /** MIME types such as `text/html`, or `type/*` wildcards. */
  allowedContentTypes: string[];
  /**
   * Validators from the previous fetch of this URL: sent as If-None-Match / If-Modified-Since on
   * the first hop and same-origin redirects; a 304 answer is then a result (`notModified`).
   */
  conditional?: ConditionalValidators;
}

export interface FetchResult {
  url: string;
  finalUrl: string;
  status: number;
  /** The reason phrase as received ('' when the server sent none). */
  statusText: string;
  /** Always '1.1': the fetcher negotiates HTTP/1.1 only. */
  httpVersion: string;
  headers: Record<string, string>;
  /** The request headers sent on the final hop, in wire order (names as sent). */
  requestHeaders: Record<string, string>;
  /** True for a 304 answer to a conditional request; body and rawBody are then empty. */
  notModified: boolean;
  /** MIME type only; `text/html` when sniffed from a body sent without Content-Type. */
  contentType: string;
  /** The encoding used to decode the body (WHATWG name). */
  charset: string;
  body: string;
  /**
   * The body as received after HTTP de-chunking: still gzip/br/deflate-compressed when the server
   * compressed it (the evidence). At most maxBytes.
   */
  rawBody: Buffer;
  /** Decoded (decompressed) bytes. */
  bodyBytes: number;
  wireBytes: number;
  /** The URLs redirected to, in order; the last one is finalUrl. */
  redirects: string[];
  /** The redirect responses received before the final one, as exchanged (their bodies discarded). */
  redirectHops: FetchHop[];
  /**
   * The target's IP address on the connection that carried the final hop (see
   * NetworkGuard.connectionOf), null when a proxy resolved the name.
   */
  remoteAddress: string | null;
  /** The certificate and session of the connection that carried an https final hop. */
  tls: TlsSummary | null;
  /** ISO timestamp. */
  startedAt: string;
  durationMs: number;
}

/** One redirect exchange, for evidence (a WARC response/request pair). */
export interface FetchHop {
  url: string;
  status: number;
  statusText: string;
  httpVersion: string;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  /** The target's IP address on the connection that carried this hop, as FetchResult's. */
  remoteAddress: string | null;
  /** ISO timestamp of the request. */
  fetchedAt: string;
}

export async function fetchPage(url: string, options: FetchOptions, signal?: AbortSignal): Promise<FetchResult> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  return guardedRequest(url, options, signal, async (final) => {
    const { response, sent } = final;
    const page = await readFinalResponse(response, final.url, options, final.signal, sent.conditional);
    return {
      url: final.start.href,
      finalUrl: final.url.href,
      ...page,
      statusText: response.statusText ?? '',
      httpVersion: '1.1',
      requestHeaders: sent.sent,
      redirects: final.redirects,
      redirectHops: final.redirectHops.map(toFetchHop),
      remoteAddress: final.remoteAddress,
      tls: final.tls,
      startedAt,
      durationMs: Math.round(performance.now() - started),
    };
  });
}

function toFetchHop(hop: HopExchange): FetchHop {
  return {
    url: hop.url.href,
    status: hop.response.statusCode,
    statusText: hop.response.statusText ?? '',
    httpVersion: '1.1',
    requestHeaders: hop.sent.sent,
    responseHeaders: flattenHeaders(hop.response.headers),
    remoteAddress: hop.remoteAddress,
    fetchedAt: hop.fetchedAt,
  };
}

type FinalPage = Pick<
  FetchResult,
  'status' | 'headers' | 'contentType' | 'charset' | 'body' | 'rawBody' | 'bodyBytes' | 'wireBytes' | 'notModified'
>;

async function readFinalResponse(
  response: HopResponse,
  url: URL,
  options: FetchOptions,
  signal: AbortSignal,
  conditional: boolean,
): Promise<FinalPage> {
  const { statusCode: status, headers, body } = response;
  const contentTypeHeader = firstValue(headers['content-type']);
  const declaredType = mimeType(contentTypeHeader);
  // Only an answer to validators we sent: a 304 out of the blue stays an unexpected status.
  if (status === 304 && conditional) {
    discardBody(body);
    const empty = Buffer.alloc(0);
    return {
      status,
      headers: flattenHeaders(headers),
      contentType: declaredType,
      charset: '',
      body: '',
      rawBody: empty,
      bodyBytes: 0,
      wireBytes: 0,
      notModified: true,
    };
  }
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
    rawBody: read.rawBytes,
    bodyBytes: read.bodyBytes,
    wireBytes: read.wireBytes,
    notModified: false,
  };
}

function contentTypeRefused(url: string, contentType: string): NonRetryableError {
  return new NonRetryableError('content-type-refused', `${url}: content type ${contentType} is not fetched`, {
    details: { url, contentType },
  });
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

// The guarded GET shared by every fetcher (pages, and the images and files they link to): redirects
// followed by hand so that the network guard checks every hop before anything connects to it (its
// dispatcher re-checking at connect time), with hop limit and loop detection, one deadline for the
// whole fetch and one per hop for connecting and the headers. What to do with the final response
// (status, type, body) is the caller's.
import { isIP } from 'node:net';
import { request } from 'undici';
import { NonRetryableError, VigieError } from '../config/errors.ts';
import { discardBody } from './fetch-body.ts';
import { abortable, createFetchDeadline } from './fetch-deadline.ts';
import type { FetchDeadline } from './fetch-deadline.ts';
import { toFetchError } from './fetch-errors.ts';
import { hopHeaders } from './fetch-headers.ts';
import type { HopHeaderOptions, HopHeaders } from './fetch-headers.ts';
import { createRedirectTracker } from './fetch-redirects.ts';
import type { RedirectTracker } from './fetch-redirects.ts';
import type { NetworkGuard } from './network-guard.ts';
import { stripBrackets } from './net-origin.ts';
import type { TlsSummary } from './tls-summary.ts';

export interface GuardedRequestOptions extends HopHeaderOptions {
  guard: NetworkGuard;
  /** Resolution + TCP + TLS of one hop; with readTimeoutMs, bounds the wait for each hop's headers. */
  connectTimeoutMs: number;
  /** Waiting for response headers once connected, and the longest silence within a body. */
  readTimeoutMs: number;
  /** The whole fetch, redirects and slow-drip bodies included. */
  totalTimeoutMs: number;
  maxRedirects: number;
}

export type HopResponse = Awaited<ReturnType<typeof request>>;

/** One request and the response headers it got. */
export interface HopExchange {
  url: URL;
  response: HopResponse;
  sent: HopHeaders;
  /**
   * The target's IP address on the connection that carried this hop (see
   * NetworkGuard.connectionOf), null when a proxy resolved the name.
   */
  remoteAddress: string | null;
  /** The certificate and session of the connection that carried an https hop. */
  tls: TlsSummary | null;
  /** ISO timestamp of the request. */
  fetchedAt: string;
}

/** The response that is not a redirect, its body still unread. */
export interface FinalResponse extends HopExchange {
  start: URL;
  /** The URLs redirected to, in order; the last one is `url`. */
  redirects: string[];
  /** The redirect exchanges before it, their bodies discarded. */
  redirectHops: HopExchange[];
  /** Aborts at the fetch's deadline or the caller's abort: reading the body must honour it. */
  signal: AbortSignal;
}

/**
 * Requests `url`, following redirects under the guard, and hands the final response to `read`
 * within the same deadline. Errors come out as VigieErrors: a deadline or the caller's abort
 * explains whatever error it provoked, anything else is mapped by its own code.
 */
export async function guardedRequest<T>(
  url: string,
  options: GuardedRequestOptions,
  signal: AbortSignal | undefined,
  read: (final: FinalResponse) => Promise<T>,
): Promise<T> {
  const start = parseUrl(url);
  const deadline = createFetchDeadline(start.href, options.totalTimeoutMs, signal);
  let current = start;
  try {
    const tracker = createRedirectTracker(start, options.maxRedirects);
    const redirectHops: HopExchange[] = [];
    for (;;) {
      const hop = await requestHop(current, start, options, deadline);
      const next = followRedirect(tracker, hop.response, current);
      if (!next) {
        return await read({ ...hop, start, redirects: tracker.redirects, redirectHops, signal: deadline.signal });
      }
      redirectHops.push(hop);
      current = next;
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

async function requestHop(hop: URL, start: URL, options: GuardedRequestOptions, deadline: FetchDeadline): Promise<HopExchange> {
  const fetchedAt = new Date().toISOString();
  const disarm = deadline.armHop(hop.href, options.connectTimeoutMs + options.readTimeoutMs);
  try {
    const sent = hopHeaders(hop, start, options);
    await abortable(options.guard.checkUrl(hop), deadline.signal);
    // Names this request to the guard, which records the connection that carries it.
    const carried = {};
    const response = await request(hop, {
      dispatcher: options.guard.dispatcher,
      opaque: carried,
      method: 'GET',
      headers: sent.headers,
      // Always `connection: keep-alive`, so that `sent` says exactly what undici writes.
      reset: false,
      signal: deadline.signal,
      headersTimeout: options.readTimeoutMs,
      bodyTimeout: options.readTimeoutMs,
    });
    const connection = options.guard.connectionOf(carried);
    return {
      url: hop,
      response,
      sent,
      remoteAddress: connection?.address ?? ipLiteral(hop),
      tls: hop.protocol === 'https:' ? (connection?.tls ?? null) : null,
      fetchedAt,
    };
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

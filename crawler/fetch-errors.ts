// Maps whatever a fetch can throw (undici, node:net, node:tls, node:zlib, HTTP statuses) onto
// Vigie's error classes and stable codes, so the job policy can decide on retries in one place.
import { NonRetryableError, RetryableError, ThrottledError, VigieError } from '../config/errors.ts';

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

const TLS_CODES = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_UNSUPPORTED_PROTOCOL', 'EPROTO',
]);

/** Converts any fetch failure into a VigieError; VigieErrors pass through unchanged. */
export function toFetchError(err: unknown, url: string): VigieError {
  if (err instanceof VigieError) return err;
  const code = errorCodeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  const details = { url, cause: code ?? 'unknown' };

  if (code && TIMEOUT_CODES.has(code)) {
    return new RetryableError('timeout', `fetching ${url} timed out (${code})`, { cause: err, details });
  }
  if (code === 'UND_ERR_HEADERS_OVERFLOW') {
    return new NonRetryableError('headers-too-large', `response headers of ${url} are too large`, { cause: err, details });
  }
  if (code?.startsWith('HPE_')) {
    return new NonRetryableError('bad-response', `malformed HTTP response from ${url}: ${message}`, { cause: err, details });
  }
  if (code && TLS_CODES.has(code)) {
    return new NonRetryableError('tls-failed', `TLS with ${url} failed: ${message}`, { cause: err, details });
  }
  // Refused, reset, unreachable, closed early, or anything unexpected on the wire: worth a retry.
  return new RetryableError('connection-failed', `fetching ${url} failed: ${message}`, { cause: err, details });
}

function errorCodeOf(err: unknown): string | undefined {
  for (let current = err, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export const DEFAULT_RETRY_AFTER_MS = 30_000;
export const MAX_RETRY_AFTER_MS = 3_600_000;

/** Retry-After as delay-seconds or an HTTP date; default 30 s, capped at 1 h, at least 1 s. */
export function parseRetryAfter(header: string | undefined, nowMs: number = Date.now()): number {
  const value = header?.trim();
  if (!value) return DEFAULT_RETRY_AFTER_MS;
  let delayMs: number;
  if (/^\d+$/.test(value)) {
    delayMs = Number(value) * 1000;
  } else {
    const date = Date.parse(value);
    if (Number.isNaN(date)) return DEFAULT_RETRY_AFTER_MS;
    delayMs = date - nowMs;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(1000, delayMs));
}

/** The error for a final (non-redirect) response status that is not 2xx. */
export function httpStatusError(status: number, url: string, retryAfter: string | undefined): VigieError {
  const details = { url, status };
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(retryAfter);
    return new ThrottledError('http-429', `${url} answered 429 Too Many Requests`, retryAfterMs, {
      details: { ...details, retryAfterMs },
    });
  }
  if (status >= 500 || status === 408) {
    return new RetryableError('http-status', `${url} answered ${status}`, { details });
  }
  return new NonRetryableError('http-status', `${url} answered ${status}`, { details });
}

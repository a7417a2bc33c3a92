// The HTTP messages of a fetch as WARC `application/http` blocks. The response keeps its headers
// as received and its body as received after transfer de-chunking (still content-encoded), so
// the stored headers must describe that stored body: `Transfer-Encoding` is renamed to
// `x-orig-transfer-encoding` (browsertrix-crawler's convention for headers that no longer apply),
// and a `Content-Length` that disagrees with the stored body is kept as `x-orig-content-length`
// beside the true length. `Content-Encoding` stays: the body is still compressed.
import { STATUS_CODES } from 'node:http';
import { NonRetryableError } from '../../config/errors.ts';
import { singleLine } from './warc-record.ts';

/** Header values as Node gives them: one string, or several for a repeated header. */
export type HttpHeaders = Readonly<Record<string, string | readonly string[]>>;

export interface HttpRequestHead {
  url: string;
  method: string;
  httpVersion?: string;
  headers: HttpHeaders;
  /** Lower-case names whose values are replaced by `[redacted]` (credentials of the watch target). */
  redact?: readonly string[];
}

export interface HttpResponseHead {
  httpVersion?: string;
  status: number;
  statusText?: string;
  headers: HttpHeaders;
  /** Length of the body stored after this head. */
  bodyBytes: number;
}

export const REDACTED_VALUE = '[redacted]';
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The version written on the start line. Only HTTP/1.x has a textual message form; an HTTP/2 or
 * HTTP/3 exchange is written in HTTP/1.1 form (as browsertrix and pywb do) and its true version
 * belongs in the capture's metadata record.
 */
export function blockHttpVersion(httpVersion: string | undefined): string {
  const version = httpVersion?.replace(/^HTTP\//i, '');
  return version === '1.0' || version === '1.1' ? `HTTP/${version}` : 'HTTP/1.1';
}

/** Request line (origin form) and the headers sent; Host is added when absent, as undici sends it. */
export function requestHead(request: HttpRequestHead): Buffer {
  const url = parseUrl(request.url);
  const target = `${url.pathname || '/'}${url.search}`;
  const redact = new Set(request.redact ?? []);
  const lines: Array<[string, string]> = [];
  const names = Object.keys(request.headers).map((name) => name.toLowerCase());
  if (!names.includes('host')) lines.push(['host', url.host]);
  for (const [name, value] of headerEntries(request.headers)) {
    lines.push([name, redact.has(name.toLowerCase()) ? REDACTED_VALUE : value]);
  }
  return messageHead(`${request.method} ${target} ${blockHttpVersion(request.httpVersion)}`, lines);
}

/** Status line and the response headers as received, adjusted to describe the stored body. */
export function responseHead(response: HttpResponseHead): Buffer {
  const reason = response.statusText ?? STATUS_CODES[response.status] ?? '';
  const statusLine = `${blockHttpVersion(response.httpVersion)} ${response.status} ${reason}`;
  return messageHead(statusLine, archivedResponseHeaders(response.headers, response.bodyBytes));
}

export function archivedResponseHeaders(headers: HttpHeaders, bodyBytes: number): Array<[string, string]> {
  const lines: Array<[string, string]> = [];
  for (const [name, value] of headerEntries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'transfer-encoding') {
      lines.push([`x-orig-${name}`, value]);
    } else if (lower === 'content-length' && value.trim() !== String(bodyBytes)) {
      lines.push([`x-orig-${name}`, value], [name, String(bodyBytes)]);
    } else {
      lines.push([name, value]);
    }
  }
  return lines;
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch (err) {
    throw new NonRetryableError('warc-bad-url', `cannot write a request for "${url}": not a URL`, { cause: err, details: { url } });
  }
}

function headerEntries(headers: HttpHeaders): Array<[string, string]> {
  const entries: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) {
      throw new NonRetryableError('warc-bad-field', `not a valid HTTP header name: "${name}"`, { details: { name } });
    }
    // A repeated header (Set-Cookie above all) keeps one line per value, as it came.
    for (const one of typeof value === 'string' ? [value] : value) entries.push([name, one]);
  }
  return entries;
}

function messageHead(startLine: string, headers: ReadonlyArray<readonly [string, string]>): Buffer {
  const lines = [startLine, ...headers.map(([name, value]) => `${name}: ${singleLine(value)}`)];
  return Buffer.concat([...lines.map((line) => Buffer.concat([encodeLine(line), CRLF])), CRLF]);
}

const CRLF = Buffer.from('\r\n', 'latin1');

/**
 * Node and undici read header bytes as latin1, one char per byte, so latin1 gives back the bytes
 * on the wire. A line with characters beyond U+00FF cannot have come off the wire that way (a
 * caller-built value): it is written as UTF-8 rather than truncated.
 */
function encodeLine(line: string): Buffer {
  // eslint-disable-next-line no-control-regex
  return /^[\u0000-\u00ff]*$/.test(line) ? Buffer.from(line, 'latin1') : Buffer.from(line, 'utf8');
}

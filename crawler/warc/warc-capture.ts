// One fetched page as the WARC records of one capture event: response and request (the final
// exchange), a metadata record of fetch facts, and resource records for what the browser
// rendered. Every record points at the response with WARC-Concurrent-To.
//
// Redirects: a hop is written as its own response/request pair only when the fetcher hands over
// the hop's real status and headers (`redirectHops`); otherwise only the final exchange is
// written and the chain lives in the metadata record. Replay stays honest either way: a replay
// tool serves exactly what a server said, and never a 3xx the crawler made up from a URL list.
import { formatWarcDate, newRecordId, warcFieldsBlock, warcTargetUri, type WarcRecordInput } from './warc-record.ts';
import { requestHead, responseHead, type HttpHeaders } from './http-block.ts';

interface WarcExchangeFacts {
  /** Headers sent, as given to undici (credentials are redacted on the way into the record). */
  requestHeaders: HttpHeaders;
  /** `1.1` unless told; see blockHttpVersion(). */
  httpVersion?: string;
  status: number;
  statusText?: string;
  /** As received (Node's lower-case names); Transfer-Encoding is handled by the writer. */
  responseHeaders: HttpHeaders;
  /** The peer's IP address, or null when unknown (through a proxy). */
  remoteAddress: string | null;
  /** ISO timestamp of the request. */
  fetchedAt: string;
}

export interface WarcCapture extends WarcExchangeFacts {
  /** The URL asked for; differs from finalUrl after redirects. */
  url: string;
  /** The URL of the final exchange: WARC-Target-URI of the capture's records. */
  finalUrl: string;
  method: 'GET';
  /** The body as received after transfer de-chunking: still content-encoded (gzip, br…). */
  rawBody: Buffer;
  /** Fetch facts for the metadata record, e.g. `vigie-page-id`; values on one line (JSON for structures). */
  metadata: Record<string, string>;
  /** The rendered DOM serialised as UTF-8 HTML. */
  renderedDom?: Buffer;
  /** A PNG screenshot. */
  screenshot?: Buffer;
  /** `view` (the viewport, browsertrix's `urn:view:`) unless said to be a full-page shot. */
  screenshotKind?: 'view' | 'fullPage';
  /** The redirect responses actually received, in order, when the fetcher kept them. */
  redirectHops?: WarcRedirectHop[];
}

export interface WarcRedirectHop extends WarcExchangeFacts {
  url: string;
  /** The hop's body if it was read; a fetcher that discards it leaves it out (marked truncated). */
  rawBody?: Buffer;
}

export interface WarcCaptureRecordIds {
  response: string;
  request: string;
  metadata: string;
  dom?: string;
  screenshot?: string;
  redirects: Array<{ response: string; request: string }>;
}

export interface CaptureRecords {
  ids: WarcCaptureRecordIds;
  records: WarcRecordInput[];
  /** Index in `records` of the final response (what a CDX index points at). */
  responseIndex: number;
}

export interface CaptureRecordOptions {
  /** Lower-case request header names written as `[redacted]`. */
  redactRequestHeaders: readonly string[];
}

const HTTP_REQUEST = 'application/http;msgtype=request';
const HTTP_RESPONSE = 'application/http;msgtype=response';

export function captureRecords(capture: WarcCapture, options: CaptureRecordOptions): CaptureRecords {
  const records: WarcRecordInput[] = [];
  const redirects: WarcCaptureRecordIds['redirects'] = [];
  for (const hop of capture.redirectHops ?? []) {
    const pair = exchangeRecords({ ...hop, method: 'GET', rawBody: hop.rawBody ?? Buffer.alloc(0) }, hop.url, options, hop.rawBody === undefined);
    records.push(...pair.records);
    redirects.push(pair.ids);
  }

  const final = exchangeRecords(capture, capture.finalUrl, options, false);
  const responseIndex = records.length;
  records.push(...final.records);
  const responseId = final.ids.response;
  const date = formatWarcDate(capture.fetchedAt);
  const targetUri = warcTargetUri(capture.finalUrl);
  const concurrent = [['WARC-Concurrent-To', responseId]] as const;

  const ids: WarcCaptureRecordIds = { ...final.ids, metadata: newRecordId(), redirects };
  records.push({
    type: 'metadata',
    id: ids.metadata,
    date,
    targetUri,
    contentType: 'application/warc-fields',
    payload: warcFieldsBlock(metadataFields(capture)),
    headers: concurrent,
  });
  if (capture.renderedDom) {
    ids.dom = newRecordId();
    records.push({
      type: 'resource',
      id: ids.dom,
      date,
      targetUri: `urn:dom:${targetUri}`,
      contentType: 'text/html; charset=utf-8',
      payload: capture.renderedDom,
      headers: concurrent,
    });
  }
  if (capture.screenshot) {
    ids.screenshot = newRecordId();
    records.push({
      type: 'resource',
      id: ids.screenshot,
      date,
      targetUri: `urn:${capture.screenshotKind ?? 'view'}:${targetUri}`,
      contentType: 'image/png',
      payload: capture.screenshot,
      headers: concurrent,
    });
  }
  return { ids, records, responseIndex };
}

type Exchange = WarcExchangeFacts & { method: string; rawBody: Buffer };

/** Response first, then its request (the order browsertrix and Heritrix write, CDX tools expect). */
function exchangeRecords(exchange: Exchange, url: string, options: CaptureRecordOptions, bodyDiscarded: boolean) {
  const ids = { response: newRecordId(), request: newRecordId() };
  const date = formatWarcDate(exchange.fetchedAt);
  const targetUri = warcTargetUri(url);
  const ip: Array<[string, string]> = exchange.remoteAddress ? [['WARC-IP-Address', exchange.remoteAddress]] : [];
  const response: WarcRecordInput = {
    type: 'response',
    id: ids.response,
    date,
    targetUri,
    contentType: HTTP_RESPONSE,
    head: responseHead({
      httpVersion: exchange.httpVersion,
      status: exchange.status,
      statusText: exchange.statusText,
      headers: exchange.responseHeaders,
      bodyBytes: exchange.rawBody.length,
    }),
    payload: exchange.rawBody,
    // WARC-Truncated: the stored body is not the one sent; `unspecified`, as it was left unread on purpose.
    headers: [...ip, ...(bodyDiscarded ? [['WARC-Truncated', 'unspecified'] as [string, string]] : [])],
  };
  const request: WarcRecordInput = {
    type: 'request',
    id: ids.request,
    date,
    targetUri,
    contentType: HTTP_REQUEST,
    head: requestHead({
      url: targetUri,
      method: exchange.method,
      httpVersion: exchange.httpVersion,
      headers: exchange.requestHeaders,
      redact: options.redactRequestHeaders,
    }),
    payload: Buffer.alloc(0),
    headers: [['WARC-Concurrent-To', ids.response], ...ip],
  };
  return { ids, records: [response, request] };
}

/** The caller's facts in their order, plus what only the writer sees in this shape. */
function metadataFields(capture: WarcCapture): Array<[string, string]> {
  const fields: Array<[string, string]> = Object.entries(capture.metadata);
  const has = (name: string) => fields.some(([field]) => field.toLowerCase() === name);
  if (capture.url !== capture.finalUrl && !has('vigie-requested-url')) {
    fields.push(['vigie-requested-url', warcTargetUri(capture.url)]);
  }
  // The block is written as HTTP/1.x; an h2 fetch says so here.
  if (capture.httpVersion && !has('vigie-http-version')) fields.push(['vigie-http-version', capture.httpVersion]);
  return fields;
}

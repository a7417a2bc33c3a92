// The request headers of one fetch hop, built so that what the fetcher reports as sent is what
// went on the wire: names merged case-insensitively (a configured `Accept` replaces ours instead
// of being sent beside it), hop-by-hop headers left to the HTTP client, `host` set explicitly, and
// stored validators (ETag, Last-Modified) refused when they could inject a header.
import { NonRetryableError } from '../config/errors.ts';
import { headersForHop } from './fetch-redirects.ts';

export interface ConditionalValidators {
  /** The ETag stored from the previous fetch, sent as If-None-Match. */
  etag?: string;
  /** The Last-Modified stored from the previous fetch, sent as If-Modified-Since. */
  lastModified?: string;
}

export interface HopHeaderOptions {
  userAgent: string;
  headers?: Record<string, string>;
  allowedContentTypes: readonly string[];
  conditional?: ConditionalValidators;
}

export interface HopHeaders {
  /** What to pass to undici. */
  headers: Record<string, string>;
  /** What undici writes on the wire for them, in order (it adds `connection` after `host`). */
  sent: Record<string, string>;
  /** Whether If-None-Match or If-Modified-Since is among them (a 304 is then an answer). */
  conditional: boolean;
}

const ACCEPT_ENCODING = 'gzip, deflate, br';

// Connection management belongs to the HTTP client; undici refuses or rewrites these anyway.
const CLIENT_OWNED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'content-length', 'expect']);

// RFC 9110 field-value characters (as undici checks them): no CR, LF, NUL or other controls.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
// Stored validators are stricter: visible ASCII with inner spaces only, as ETags and HTTP dates are.
const SAFE_VALIDATOR = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
const MAX_VALIDATOR_LENGTH = 1024;

export function hopHeaders(hop: URL, start: URL, options: HopHeaderOptions): HopHeaders {
  const merged = new Map<string, [string, string]>();
  const set = (name: string, value: string): void => {
    merged.set(name.toLowerCase(), [name, value]);
  };
  set('host', hop.host);
  set('accept', acceptHeader(options.allowedContentTypes));
  for (const [name, value] of Object.entries(headersForHop(options.headers ?? {}, start, hop))) {
    const lower = name.toLowerCase();
    // A configured Host names a virtual host of the first origin, not of the sites it redirects to.
    if (CLIENT_OWNED.has(lower) || (lower === 'host' && hop.origin !== start.origin)) continue;
    if (!FIELD_VALUE.test(value)) {
      throw new NonRetryableError('bad-header', `configured header ${name} has an invalid value (control characters)`, {
        details: { url: hop.href, header: name },
      });
    }
    set(name, value);
  }
  set('user-agent', options.userAgent);
  set('accept-encoding', ACCEPT_ENCODING);
  // Validators describe the document first asked for; another origin has its own.
  const validators = hop.origin === start.origin ? conditionalHeaders(options.conditional) : {};
  for (const [name, value] of Object.entries(validators)) set(name, value);

  const headers = Object.fromEntries([...merged.values()]);
  const { [merged.get('host')![0]]: host, ...rest } = headers;
  return { headers, sent: { host: host!, connection: 'keep-alive', ...rest }, conditional: Object.keys(validators).length > 0 };
}

/**
 * If-None-Match / If-Modified-Since for stored validators. A value that is empty, too long or not
 * a safe header value is dropped: the page is then simply fetched in full.
 */
export function conditionalHeaders(conditional: ConditionalValidators | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  const etag = conditional?.etag?.trim();
  if (etag && isSafeValidator(etag)) headers['if-none-match'] = etag;
  const lastModified = conditional?.lastModified?.trim();
  if (lastModified && isSafeValidator(lastModified)) headers['if-modified-since'] = lastModified;
  return headers;
}

function isSafeValidator(value: string): boolean {
  return value.length <= MAX_VALIDATOR_LENGTH && SAFE_VALIDATOR.test(value);
}

function acceptHeader(allowed: readonly string[]): string {
  return [...allowed.map((type, index) => (index === 0 ? type : `${type};q=0.9`)), '*/*;q=0.1'].join(', ');
}

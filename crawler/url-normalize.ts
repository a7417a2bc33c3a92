// URL normalisation for the frontier: two spellings of the same resource must give one string, so
// that per-run dedup and page ids (derived from the normalised URL) do not fork. WHATWG URL does
// the heavy lifting (scheme and host case, IDN to punycode, default ports, dot segments); the rest
// is what crawlers conventionally add on top (query order, tracking and session parameters,
// percent-encoding case).

export interface NormalizeOptions {
  /** Extra query parameter names to drop (case-insensitive), e.g. a forum's own session key. */
  dropParams?: readonly string[];
  /** Normalised URLs longer than this are refused (default MAX_URL_LENGTH); a target's `urls.maxLength`. */
  maxLength?: number;
}

/** Longer URLs are refused: they are almost always traps (calendars, session loops, junk). */
export const MAX_URL_LENGTH = 2048;

// Parameters that identify a visit or a campaign, never the resource itself. Generic names that
// sites also use for content (`s` is a search or a page on many) are left to a target's dropParams.
const TRACKING_PARAMS = new Set([
  'fbclid', 'gclid', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'mc_cid', 'mc_eid', '_ga', '_gl',
  'yclid', 'igshid', '_hsenc', '_hsmi', 'mkt_tok', 'ttclid', 'twclid', 'li_fat_id', 'srsltid',
  // Session ids: PHP, Java, ASP, ColdFusion, and the shop and forum engines that put them in links.
  'phpsessid', 'jsessionid', 'sid', 'sessionid', 'session_id', 'sessid', 'sess_id', 'aspsessionid',
  'cfid', 'cftoken', 'oscsid', 'zenid', 'xtcsid',
]);
const TRACKING_PREFIXES = ['utm_'];

// `;jsessionid=...` style path parameters (Java servlets and friends).
const SESSION_PATH_PARAM = /;(?:jsessionid|phpsessid|sessionid|sid)=[^/;?#]*/gi;
// ASP.NET cookieless sessions put the id in a path segment: /(S(lit3py55t21z5v55vlm25s55))/page.aspx
// (also A(...) and F(...) for anonymous ids and forms tickets).
const ASPNET_SESSION_SEGMENT = /\/\((?:[SAFsaf]\([^()/]*\))+\)(?=\/|$)/g;

const PERCENT_ESCAPE = /%([0-9a-fA-F]{2})/g;

/**
 * Normalises an absolute or relative (with `base`) http(s) URL. Returns null for anything that is
 * not a usable http(s) URL: unparsable, another scheme, or longer than `maxLength` once normalised.
 */
export function normalizeUrl(input: string, base?: string, options: NormalizeOptions = {}): string | null {
  const maxLength = options.maxLength ?? MAX_URL_LENGTH;
  // Refuse early rather than parse megabytes of junk hrefs (normalising rarely shortens a URL 4x).
  if (input.length > maxLength * 4) return null;
  const url = parseHttpUrl(input, base);
  if (!url) return null;

  // Credentials never belong in a crawl frontier (and must not leak into the index).
  url.username = '';
  url.password = '';
  url.hash = '';
  const host = hostOf(url);
  if (!host) return null;

  let path = url.pathname.replace(SESSION_PATH_PARAM, '').replace(ASPNET_SESSION_SEGMENT, '');
  path = normalizePercentEncoding(path);
  const query = normalizeQuery(url.search, options.dropParams);

  // Rebuild by hand: assigning pathname/search back would re-run the encoder on our output.
  const port = url.port ? `:${url.port}` : '';
  const result = `${url.protocol}//${host}${port}${path || '/'}${query ? `?${query}` : ''}`;
  return result.length > maxLength ? null : result;
}

/** Lowercase host (punycode, no trailing dot) of an http(s) URL, or null. IPv6 keeps brackets. */
export function urlHost(input: string): string | null {
  const url = parseHttpUrl(input);
  return url ? hostOf(url) : null;
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/**
 * `host:port` with the port always explicit (`example.org:443`), the form the network guard's
 * allow-list compares. Null for anything that is not an http(s) URL.
 */
export function urlOrigin(input: string): string | null {
  const url = parseHttpUrl(input);
  const host = url ? hostOf(url) : null;
  if (!url || !host) return null;
  return `${host}:${url.port || DEFAULT_PORTS[url.protocol]}`;
}

/** The hostname without trailing dots (`example.org.` is `example.org`), or null if none is left. */
function hostOf(url: URL): string | null {
  return url.hostname.replace(/\.+$/, '') || null;
}

function parseHttpUrl(input: string, base?: string): URL | null {
  let url: URL;
  try {
    url = new URL(input.trim(), base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (!url.hostname) return null;
  return url;
}

function normalizeQuery(search: string, dropParams: readonly string[] = []): string {
  if (search.length <= 1) return '';
  const extraDrops = new Set(dropParams.map((name) => name.toLowerCase()));
  const pairs: { key: string; pair: string }[] = [];
  for (const raw of search.slice(1).split('&')) {
    if (!raw) continue;
    const pair = normalizePercentEncoding(raw);
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    const name = decodeName(key).toLowerCase();
    if (isDroppedParam(name, extraDrops)) continue;
    pairs.push({ key, pair });
  }
  // Array.prototype.sort is stable, so repeated keys keep their relative order (a=2&a=1 stays).
  pairs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return pairs.map((p) => p.pair).join('&');
}

function isDroppedParam(name: string, extraDrops: Set<string>): boolean {
  if (TRACKING_PARAMS.has(name) || extraDrops.has(name)) return true;
  return TRACKING_PREFIXES.some((prefix) => name.startsWith(prefix));
}

function decodeName(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}

/** Uppercases escape hex digits and decodes escapes of unreserved characters (RFC 3986 §6.2.2). */
function normalizePercentEncoding(value: string): string {
  if (!value.includes('%')) return value;
  return value.replace(PERCENT_ESCAPE, (_match, hex: string) => {
    const code = Number.parseInt(hex, 16);
    return isUnreserved(code) ? String.fromCharCode(code) : `%${hex.toUpperCase()}`;
  });
}

function isUnreserved(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x2d || code === 0x2e || code === 0x5f || code === 0x7e // - . _ ~
  );
}

// Outgoing links of a page, resolved against its base URL. An OSINT crawler follows rel=nofollow
// links too: nofollow is a hint for search-engine ranking, not an access rule (robots.txt is).
import type { Element } from 'domhandler';

export interface PageLinks {
  /** Absolute http(s) URLs, fragment removed, deduplicated, in document order. */
  links: string[];
  /** hrefs that could not be resolved or use another scheme (javascript:, data:, ftp: ...). */
  invalidLinks: number;
}

/** More links than this on one page is a trap or a dump; the rest are ignored. */
export const MAX_LINKS_PER_PAGE = 10_000;
/** hrefs longer than this are junk, not addresses (normalizeUrl refuses anything past 2,048). */
const MAX_HREF_CHARS = 8192;

// Not crawlable, but not broken either: contact details, not links to follow.
const SKIPPED_SCHEMES = new Set(['mailto', 'tel', 'sms', 'callto']);
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
const LINK_RELS = new Set(['alternate', 'next', 'prev', 'previous']);
const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

/** The document's base URL: `<base href>` resolved against the URL it was fetched from. */
export function documentBaseUrl(base: Element | null, pageUrl: string): string {
  const href = base?.attribs.href?.trim();
  if (href) {
    try {
      return new URL(href, pageUrl).href;
    } catch {
      // An unusable <base> is ignored, as browsers do.
    }
  }
  return pageUrl;
}

/** `sources`: a/area[href], link[href], iframe/frame[src] elements in document order. */
export function extractLinks(sources: Element[], baseUrl: string): PageLinks {
  const seen = new Set<string>();
  const links: string[] = [];
  let invalidLinks = 0;

  for (const el of sources) {
    if (links.length >= MAX_LINKS_PER_PAGE) break;
    const attribs = el.attribs;
    if (el.name === 'link' && !isHtmlLink(attribs)) continue;
    const raw = (el.name === 'iframe' || el.name === 'frame' ? attribs.src : attribs.href)?.trim();
    // Empty and fragment-only hrefs point at this very page.
    if (!raw || raw.startsWith('#')) continue;
    const scheme = SCHEME.exec(raw)?.[1]?.toLowerCase();
    if (scheme && SKIPPED_SCHEMES.has(scheme)) continue;
    const resolved = raw.length > MAX_HREF_CHARS ? null : resolveHttp(raw, baseUrl);
    if (!resolved) {
      invalidLinks++;
      continue;
    }
    if (!seen.has(resolved)) {
      seen.add(resolved);
      links.push(resolved);
    }
  }
  return { links, invalidLinks };
}

/** `<link rel=alternate|next|prev>` to an HTML page (not a feed, stylesheet or icon). */
function isHtmlLink(attribs: Record<string, string>): boolean {
  const rels = (attribs.rel ?? '').toLowerCase().split(/\s+/);
  if (!rels.some((rel) => LINK_RELS.has(rel)) || rels.includes('stylesheet')) return false;
  const type = attribs.type?.trim().toLowerCase().split(';', 1)[0];
  return !type || HTML_TYPES.has(type);
}

export function resolveHttp(href: string, baseUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(href, baseUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.hash = '';
  return url.href;
}

// Sitemaps and feeds as seeds: reading one fetched document, whatever the target called it (a
// "sitemap" that turns out to be a feed is read as a feed), into page entries and child sitemaps.
import { parseFeed } from './feed.ts';
import { parseSitemap, parseTextSitemap } from './sitemap.ts';
import type { ParsedSource, ReadSourceOptions } from './source-types.ts';
import { localName } from './xml-walk.ts';

export { parseFeed } from './feed.ts';
export { parseSitemap, parseTextSitemap } from './sitemap.ts';
export { parseSourceDate, type SourceDate } from './source-date.ts';
export { decodeSourceBody, SOURCE_CONTENT_TYPES, sourceContentTypes } from './source-body.ts';
export { DEFAULT_MAX_ENTRIES, type ParsedSource, type ReadSourceOptions, type SourceEntry, type SourceKind } from './source-types.ts';

const SNIFF_CHARS = 16 * 1024;

/** Reads a sitemap (XML or plain text), a sitemap index, or an RSS/RDF/Atom feed. Never throws. */
export function parseSourceDocument(text: string, options: ReadSourceOptions): ParsedSource {
  const body = text.replace(/^\uFEFF/, '');
  if (!body.trimStart().startsWith('<')) return parseTextSitemap(body, options);
  const root = sniffRoot(body);
  if (root === 'urlset' || root === 'sitemapindex') return parseSitemap(body, options);
  if (root === 'rss' || root === 'rdf' || root === 'feed') return parseFeed(body, options);
  return { kind: null, entries: [], sitemaps: [], errors: 1, truncated: false };
}

/**
 * The local name of the document's root element, skipping the prolog (declaration, comments,
 * processing instructions, a DOCTYPE with its internal subset); null if none is found early.
 * A plain scan, not regular expressions: an unterminated DOCTYPE must not cost quadratic time.
 */
export function sniffRoot(text: string): string | null {
  const head = text.slice(0, SNIFF_CHARS);
  let at = 0;
  for (;;) {
    const open = head.indexOf('<', at);
    if (open === -1) return null;
    let end: number;
    if (head.startsWith('<?', open)) {
      end = endOf(head, '?>', open + 2);
    } else if (head.startsWith('<!--', open)) {
      end = endOf(head, '-->', open + 4);
    } else if (head.startsWith('<!', open)) {
      const close = head.indexOf('>', open);
      const subset = head.indexOf('[', open);
      end = subset !== -1 && (close === -1 || subset < close) ? endOf(head, '>', endOf(head, ']', subset)) : endOf(head, '>', open);
    } else {
      const name = /^<([A-Za-z_][\w.:-]*)/.exec(head.slice(open, open + 256));
      return name ? localName(name[1]!) : null;
    }
    if (end === -1) return null;
    at = end;
  }
}

/** The index just past `token` at or after `from`, or -1 (also when `from` is -1). */
function endOf(text: string, token: string, from: number): number {
  if (from === -1) return -1;
  const found = text.indexOf(token, from);
  return found === -1 ? -1 : found + token.length;
}

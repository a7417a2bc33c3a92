// Sitemaps (sitemaps.org protocol 0.9): a `urlset` lists pages with an optional `lastmod`; a
// `sitemapindex` lists further sitemaps. Also the protocol's plain-text form, one URL per line.
// Only the direct children count: `<image:loc>` and other extensions nested deeper are ignored.
import { EntryCollector, type ParsedSource, type ReadSourceOptions } from './source-types.ts';
import { walkXml } from './xml-walk.ts';

export function parseSitemap(xml: string, options: ReadSourceOptions): ParsedSource {
  const collector = new EntryCollector(options);
  let kind: 'urlset' | 'sitemapindex' | null = null;
  let loc: string | null = null;
  let lastmod: string | null = null;

  const walk = walkXml(xml, {
    open(path) {
      if (path.length === 1) {
        kind = path[0] === 'urlset' || path[0] === 'sitemapindex' ? path[0] : null;
        return false;
      }
      if (kind === null) return false;
      if (path.length === 2 && isEntry(kind, path[1])) {
        loc = null;
        lastmod = null;
        return false;
      }
      return path.length === 3 && isEntry(kind, path[1]) && (path[2] === 'loc' || path[2] === 'lastmod');
    },
    close(path, text, cut) {
      if (kind === null) return;
      if (path.length === 3 && text !== null) {
        // A second <loc> in one entry is a mistake; the first one wins.
        if (path[2] === 'loc') loc ??= text;
        else lastmod ??= text;
      } else if (path.length === 2 && isEntry(kind, path[1])) {
        // An entry cut off by the end of the document may hold half a URL: not used.
        if (!cut) collector.add(kind === 'urlset' ? 'entries' : 'sitemaps', loc, lastmod);
      }
    },
    done: () => collector.dropped,
  });
  // A document that is not a sitemap at all is one error, whatever it held.
  return collector.result(kind, walk.errors + (kind === null ? 1 : 0), walk.stopped);
}

function isEntry(kind: 'urlset' | 'sitemapindex', name: string | undefined): boolean {
  return name === (kind === 'urlset' ? 'url' : 'sitemap');
}

const MAX_LINE_CHARS = 16 * 1024;

/** The plain-text sitemap: one absolute URL per line (blank lines ignored, others are errors). */
export function parseTextSitemap(text: string, options: ReadSourceOptions): ParsedSource {
  const collector = new EntryCollector(options);
  // Line by line without splitting: a body of millions of empty lines must not become an array.
  for (let start = 0; start < text.length && !collector.dropped;) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    // A line longer than any URL the frontier keeps is junk, not worth parsing.
    const trimmed = end - start > MAX_LINE_CHARS ? '-' : text.slice(start, end).trim();
    start = end + 1;
    // Relative lines are not allowed by the protocol: only absolute http(s) URLs count.
    if (trimmed === '') continue;
    if (!/^https?:\/\//i.test(trimmed)) collector.errors++;
    else collector.add('entries', trimmed, null);
  }
  return collector.result('text', 0, false);
}

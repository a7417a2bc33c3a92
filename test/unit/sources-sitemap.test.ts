import { describe, expect, it } from 'vitest';
import { parseSitemap, parseSourceDocument, parseTextSitemap, sniffRoot } from '../../crawler/sources/index.ts';
import { MAX_XML_DEPTH } from '../../crawler/sources/xml-walk.ts';

const base = 'https://example.org/sitemap.xml';
const urls = (parsed: { entries: Array<{ url: string }> }) => parsed.entries.map((entry) => entry.url);

describe('parseSitemap', () => {
  it('reads a urlset with lastmod, ignoring nested extension entries', () => {
    const parsed = parseSitemap(`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url><loc>https://example.org/a?x=1&amp;y=2</loc><lastmod>2024-05-01</lastmod><changefreq>daily</changefreq></url>
  <url>
    <loc> https://example.org/b </loc>
    <lastmod>2024-05-01T10:00+02:00</lastmod>
    <image:image><image:loc>https://cdn.example.org/b.jpg</image:loc></image:image>
  </url>
  <url><loc><![CDATA[https://example.org/c]]></loc></url>
</urlset>`, { baseUrl: base });
    expect(parsed).toMatchObject({ kind: 'urlset', errors: 0, truncated: false, sitemaps: [] });
    expect(parsed.entries).toEqual([
      { url: 'https://example.org/a?x=1&y=2', date: { value: '2024-05-01T00:00:00.000Z', timeMs: Date.UTC(2024, 4, 1) } },
      { url: 'https://example.org/b', date: { value: '2024-05-01T08:00:00.000Z', timeMs: Date.UTC(2024, 4, 1, 8) } },
      { url: 'https://example.org/c', date: null },
    ]);
  });

  it('reads a sitemap index (prefixed names too) into child sitemaps', () => {
    const parsed = parseSitemap(`<sm:sitemapindex xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sm:sitemap><sm:loc>/sitemap-1.xml</sm:loc><sm:lastmod>2024-01-02T03:04:05Z</sm:lastmod></sm:sitemap>
  <sm:sitemap><sm:loc>https://example.org/sitemap-2.xml.gz</sm:loc></sm:sitemap>
</sm:sitemapindex>`, { baseUrl: base });
    expect(parsed.kind).toBe('sitemapindex');
    expect(parsed.entries).toEqual([]);
    expect(parsed.sitemaps.map((s) => [s.url, s.date?.value ?? null])).toEqual([
      ['https://example.org/sitemap-1.xml', '2024-01-02T03:04:05.000Z'],
      ['https://example.org/sitemap-2.xml.gz', null],
    ]);
  });

  it('counts entries without a usable URL and unparseable dates as errors, keeping the rest', () => {
    const parsed = parseSitemap(`<urlset>
  <url><lastmod>2024-01-01</lastmod></url>
  <url><loc>javascript:alert(1)</loc></url>
  <url><loc>http://[bad</loc></url>
  <url><loc>https://example.org/kept</loc><lastmod>last tuesday</lastmod></url>
</urlset>`, { baseUrl: base });
    expect(urls(parsed)).toEqual(['https://example.org/kept']);
    expect(parsed.entries[0]!.date).toEqual({ value: 'last tuesday', timeMs: null });
    expect(parsed.errors).toBe(4);
  });

  it('yields what can be read from a truncated document, with a count of errors', () => {
    const parsed = parseSitemap(`<urlset><url><loc>https://example.org/1</loc></url><url><loc>https://example.org/2</loc></url><url><loc>https://exa`, { baseUrl: base });
    expect(urls(parsed)).toEqual(['https://example.org/1', 'https://example.org/2']);
    // The unclosed urlset, url and loc; the entry cut short is not used (its URL is half there).
    expect(parsed.errors).toBe(3);
  });

  it('keeps an entry whose child was closed by the entry end tag, counting the slip', () => {
    const parsed = parseSitemap('<urlset><url><loc>https://example.org/x</loc><lastmod>2024-01-01</url></urlset>', { baseUrl: base });
    expect(parsed.entries).toEqual([{ url: 'https://example.org/x', date: { value: '2024-01-01T00:00:00.000Z', timeMs: Date.UTC(2024, 0, 1) } }]);
    expect(parsed.errors).toBe(1);
  });

  it('does not expand entities declared in a DOCTYPE (billion laughs stays small)', () => {
    const lols = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('\n');
    const bomb = `<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY lol0 "lol">
${lols}]>
<urlset><url><loc>https://example.org/&lol9;</loc></url><url><loc>https://example.org/ok</loc></url></urlset>`;
    const parsed = parseSourceDocument(bomb, { baseUrl: base });
    expect(parsed.kind).toBe('urlset');
    expect(urls(parsed)).toEqual(['https://example.org/&lol9;', 'https://example.org/ok']);
  });

  it('stops at an absurd nesting depth instead of following it', () => {
    const deep = `<urlset><url><loc>https://example.org/1</loc></url>${'<x>'.repeat(MAX_XML_DEPTH * 100)}</urlset>`;
    const parsed = parseSitemap(deep, { baseUrl: base });
    expect(urls(parsed)).toEqual(['https://example.org/1']);
    expect(parsed.truncated).toBe(true);
    expect(parsed.errors).toBeGreaterThan(0);
  });

  it('stops at maxEntries and says so', () => {
    const body = `<urlset>${Array.from({ length: 30 }, (_, i) => `<url><loc>https://example.org/${i}</loc></url>`).join('')}</urlset>`;
    const parsed = parseSitemap(body, { baseUrl: base, maxEntries: 10 });
    expect(parsed.entries).toHaveLength(10);
    expect(parsed.truncated).toBe(true);
    // Exactly maxEntries is a whole document (50,000 is the protocol's own maximum per file).
    expect(parseSitemap(body, { baseUrl: base, maxEntries: 30 })).toMatchObject({ truncated: false });
    expect(parseTextSitemap('https://example.org/1\nhttps://example.org/2\nhttps://example.org/3', { baseUrl: base, maxEntries: 2 }))
      .toMatchObject({ truncated: true, entries: [{ url: 'https://example.org/1' }, { url: 'https://example.org/2' }] });
  });

  it('reports a document that is not a sitemap as one error', () => {
    const parsed = parseSitemap('<html><body><a href="/x">x</a></body></html>', { baseUrl: base });
    expect(parsed).toMatchObject({ kind: null, entries: [], errors: 1 });
  });
});

describe('parseTextSitemap', () => {
  it('takes absolute http(s) URLs, one per line, and counts the other lines', () => {
    const parsed = parseTextSitemap('https://example.org/a\r\n\nhttp://example.org/b\n/relative\nftp://example.org/c\n', { baseUrl: base });
    expect(urls(parsed)).toEqual(['https://example.org/a', 'http://example.org/b']);
    expect(parsed).toMatchObject({ kind: 'text', errors: 2 });
    const junk = parseTextSitemap(`https://example.org/${'a'.repeat(100_000)}\n${'\n'.repeat(100_000)}https://example.org/z`, { baseUrl: base });
    expect(junk).toMatchObject({ errors: 1, entries: [{ url: 'https://example.org/z' }] });
  });
});

describe('parseSourceDocument', () => {
  it('reads whatever the document is, whatever the target called it', () => {
    const feed = '\uFEFF<?xml version="1.0"?><!-- generated --><rss version="2.0"><channel><item><link>https://example.org/n</link></item></channel></rss>';
    expect(parseSourceDocument(feed, { baseUrl: base })).toMatchObject({ kind: 'rss', entries: [{ url: 'https://example.org/n' }] });
    expect(parseSourceDocument('  https://example.org/t\n', { baseUrl: base })).toMatchObject({ kind: 'text', entries: [{ url: 'https://example.org/t' }] });
    expect(parseSourceDocument('<!doctype html><html><body>soft 404</body></html>', { baseUrl: base })).toMatchObject({ kind: null, errors: 1 });
    expect(parseSourceDocument('', { baseUrl: base })).toMatchObject({ kind: 'text', entries: [], errors: 0 });
  });

  it('finds the root past a prolog, and gives up on an unterminated one without scanning it twice', () => {
    const prolog = '<?xml version="1.0"?>\n<!-- a <comment> -->\n<!DOCTYPE feed [<!ENTITY x "<y>">]>\n<?pi data?>';
    expect(sniffRoot(`${prolog}<atom:feed xmlns:atom="http://www.w3.org/2005/Atom">`)).toBe('feed');
    expect(sniffRoot('<!DOCTYPE urlset>\n<urlset>')).toBe('urlset');
    // Unterminated constructs: no root.
    expect(sniffRoot(`<!DOCTYPE ${'a'.repeat(200_000)}`)).toBeNull();
    expect(sniffRoot(`<!DOCTYPE x [${'a'.repeat(200_000)}`)).toBeNull();
    expect(sniffRoot('<?'.repeat(100_000))).toBeNull();
    expect(sniffRoot('<!--'.repeat(100_000))).toBeNull();
  });
});

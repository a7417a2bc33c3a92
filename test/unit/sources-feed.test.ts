import { describe, expect, it } from 'vitest';
import { parseFeed, parseSourceDate } from '../../crawler/sources/index.ts';

const base = 'https://example.org/feeds/main.xml';
const pairs = (parsed: { entries: Array<{ url: string; date: { value: string } | null }> }) =>
  parsed.entries.map((entry) => [entry.url, entry.date?.value ?? null]);

describe('parseFeed: RSS 2.0', () => {
  it('reads item links and pubDates, with guid and atom:link fallbacks', () => {
    const parsed = parseFeed(`<?xml version="1.0"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>News</title>
    <link>https://example.org/</link>
    <atom:link href="https://example.org/feeds/main.xml" rel="self" type="application/rss+xml"/>
    <item><title>One</title><link>https://example.org/news/1</link><pubDate>Wed, 01 May 2024 10:00:00 GMT</pubDate></item>
    <item><title>Two</title><guid>https://example.org/news/2</guid><dc:date>2024-05-02T09:00:00+02:00</dc:date></item>
    <item><title>Three</title><guid isPermaLink="false">https://example.org/not-a-page</guid><atom:link rel="alternate" href="/news/3"/></item>
    <item><title>Four</title><guid isPermaLink="false">tag:example.org,2024:4</guid></item>
    <item><title>Five</title><link>/news/5</link><description>&lt;a href="https://elsewhere.example/"&gt;x&lt;/a&gt;</description></item>
  </channel>
</rss>`, { baseUrl: base });
    expect(parsed.kind).toBe('rss');
    expect(pairs(parsed)).toEqual([
      ['https://example.org/news/1', '2024-05-01T10:00:00.000Z'],
      ['https://example.org/news/2', '2024-05-02T07:00:00.000Z'],
      ['https://example.org/news/3', null],
      ['https://example.org/news/5', null],
    ]);
    // Item four has no page link.
    expect(parsed.errors).toBe(1);
  });
});

describe('parseFeed: RSS 1.0 (RDF)', () => {
  it('reads items beside the channel, with rdf:about as a fallback and dc:date', () => {
    const parsed = parseFeed(`<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://example.org/"><title>t</title><link>https://example.org/</link></channel>
  <item rdf:about="https://example.org/rdf/1"><title>a</title><link>https://example.org/rdf/1</link><dc:date>2024-03-01T12:00:00Z</dc:date></item>
  <item rdf:about="https://example.org/rdf/2"><title>b</title></item>
</rdf:RDF>`, { baseUrl: base });
    expect(parsed.kind).toBe('rdf');
    expect(pairs(parsed)).toEqual([
      ['https://example.org/rdf/1', '2024-03-01T12:00:00.000Z'],
      ['https://example.org/rdf/2', null],
    ]);
  });
});

describe('parseFeed: Atom', () => {
  it('takes the alternate link of each entry (not self, edit or enclosure) and prefers updated', () => {
    const parsed = parseFeed(`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Blog</title>
  <link rel="self" href="https://example.org/atom.xml"/>
  <link href="https://example.org/"/>
  <entry>
    <title>First</title>
    <link rel="edit" href="https://example.org/admin/1"/>
    <link rel="enclosure" href="https://example.org/1.mp3"/>
    <link rel="alternate" type="text/html" href="/blog/1"/>
    <id>tag:example.org,2024:1</id>
    <published>2024-01-01T00:00:00Z</published>
    <updated>2024-02-01T00:00:00Z</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><link href="https://example.org/inner"/></div></content>
  </entry>
  <entry><title>Second</title><link href="https://example.org/blog/2"/><published>2024-01-05T00:00:00Z</published></entry>
  <entry><title>No link</title><id>https://example.org/blog/3</id></entry>
</feed>`, { baseUrl: base });
    expect(parsed.kind).toBe('atom');
    expect(pairs(parsed)).toEqual([
      ['https://example.org/blog/1', '2024-02-01T00:00:00.000Z'],
      ['https://example.org/blog/2', '2024-01-05T00:00:00.000Z'],
    ]);
    expect(parsed.errors).toBe(1);
  });

  it('keeps what a truncated feed holds and counts the damage', () => {
    const parsed = parseFeed('<feed><entry><link href="https://example.org/a"/></entry><entry><link href="https://example.org/b"/>', { baseUrl: base });
    expect(parsed.entries.map((e) => e.url)).toEqual(['https://example.org/a']);
    expect(parsed.errors).toBeGreaterThanOrEqual(2);
  });
});

describe('parseSourceDate', () => {
  it('gives one spelling for one instant, and keeps unparseable values as they are', () => {
    const spellings = ['Wed, 01 May 2024 10:00:00 GMT', 'Wed, 01 May 2024 12:00:00 +0200', '2024-05-01T10:00:00Z', '2024-05-01T12:00+02:00', '2024-05-01T10:00:00.000Z'];
    expect(new Set(spellings.map((s) => parseSourceDate(s)?.value))).toEqual(new Set(['2024-05-01T10:00:00.000Z']));
    expect(parseSourceDate('  ')).toBeNull();
    expect(parseSourceDate(undefined)).toBeNull();
    expect(parseSourceDate('yesterday-ish')).toEqual({ value: 'yesterday-ish', timeMs: null });
    // A year no feed can mean is junk, not a date.
    expect(parseSourceDate('0001-01-01')?.timeMs).toBeNull();
  });
});

// Page metadata from <meta>, <link rel=canonical>, <title> and friends: what an analyst wants
// next to a capture (who published it, when, under which site name) and what the crawler needs
// (canonical URL, meta robots).
import { type CollectedElements, textOf } from './parse-collect.ts';
import { resolveHttp } from './parse-links.ts';

export interface PageMetadata {
  description?: string;
  keywords?: string[];
  canonical?: string;
  author?: string;
  publishedTime?: string;
  siteName?: string;
  ogTitle?: string;
  ogType?: string;
  /** Content of <meta name="robots">. */
  robots?: string;
  generator?: string;
}

const MAX_VALUE_CHARS = 2000;
const MAX_TITLE_CHARS = 1000;
const MAX_KEYWORDS = 100;

// First match wins, in this order. Keys are meta name/property/itemprop values, lowercased.
const SOURCES: Record<keyof Omit<PageMetadata, 'keywords' | 'canonical'>, string[]> = {
  description: ['description', 'og:description', 'twitter:description', 'dc.description'],
  author: ['author', 'article:author', 'dc.creator', 'dcterms.creator', 'byl', 'parsely-author', 'sailthru.author'],
  publishedTime: [
    'article:published_time', 'og:published_time', 'datepublished', 'date', 'pubdate', 'publishdate',
    'dc.date.issued', 'dc.date', 'dcterms.created', 'dcterms.issued', 'parsely-pub-date', 'sailthru.date',
  ],
  siteName: ['og:site_name', 'application-name'],
  ogTitle: ['og:title'],
  ogType: ['og:type'],
  robots: ['robots'],
  generator: ['generator'],
};

export function extractMetadata(found: CollectedElements, baseUrl: string): PageMetadata {
  const meta = new Map<string, string>();
  for (const el of found.metas) {
    if (el.attribs.content === undefined) continue;
    const content = clean(el.attribs.content ?? '', MAX_VALUE_CHARS);
    if (!content) continue;
    for (const key of [el.attribs.name, el.attribs.property, el.attribs.itemprop]) {
      const k = key?.trim().toLowerCase();
      if (k && !meta.has(k)) meta.set(k, content);
    }
  }

  const result: PageMetadata = {};
  for (const [field, keys] of Object.entries(SOURCES) as [keyof typeof SOURCES, string[]][]) {
    const value = keys.map((k) => meta.get(k)).find((v) => v !== undefined);
    if (value) result[field] = value;
  }
  if (!result.publishedTime) {
    const time = found.times
      .find((el) => el.attribs.pubdate !== undefined || /\bdatePublished\b/.test(el.attribs.itemprop ?? ''))
      ?.attribs.datetime?.trim();
    if (time) result.publishedTime = clean(time, MAX_VALUE_CHARS);
  }
  const keywords = meta.get('keywords');
  if (keywords) {
    const list = [...new Set(keywords.split(/[,;]/).map((k) => k.trim()).filter(Boolean))].slice(0, MAX_KEYWORDS);
    if (list.length > 0) result.keywords = list;
  }
  const canonical = found.headLinks.find((el) =>
    (el.attribs.rel ?? '').toLowerCase().split(/\s+/).includes('canonical'),
  )?.attribs.href;
  const canonicalUrl = canonical?.trim() ? resolveHttp(canonical.trim(), baseUrl) : null;
  if (canonicalUrl) result.canonical = canonicalUrl;
  return result;
}

/** <title> outside SVG, else og:title, else the first <h1>; '' when there is none. */
export function extractTitle(found: CollectedElements, ogTitle: string | undefined): string {
  for (const el of found.titles) {
    const title = clean(textOf(el), MAX_TITLE_CHARS);
    if (title) return title;
  }
  if (ogTitle) return clean(ogTitle, MAX_TITLE_CHARS);
  return found.h1 ? clean(textOf(found.h1), MAX_TITLE_CHARS) : '';
}

/** The root element's lang (or xml:lang) attribute as written, or null. */
export function extractHtmlLang(found: CollectedElements): string | null {
  const attribs = found.html?.attribs;
  const lang = (attribs?.lang ?? attribs?.['xml:lang'])?.trim();
  return lang ? lang.slice(0, 35) : null;
}

function clean(value: string, maxChars: number): string {
  return value.replace(/\s+/g, ' ').trim().slice(0, maxChars);
}

// What the sitemap and feed readers produce, and the small helpers they share.
import { parseSourceDate, type SourceDate } from './source-date.ts';

export type SourceKind = 'urlset' | 'sitemapindex' | 'rss' | 'rdf' | 'atom' | 'text';

export interface SourceEntry {
  /** Absolute http(s) URL as written (resolved against the document), not yet normalised. */
  url: string;
  /** lastmod, pubDate, updated...: null when absent. */
  date: SourceDate | null;
}

export interface ParsedSource {
  /** What the document turned out to be, or null when it is none of the known formats. */
  kind: SourceKind | null;
  /** Pages: sitemap <url> entries, feed items. */
  entries: SourceEntry[];
  /** Child sitemaps of a sitemap index. */
  sitemaps: SourceEntry[];
  /** Problems met while reading (unclosed elements, entries without a usable URL, bad dates). */
  errors: number;
  /** True when reading stopped at maxEntries (or at a nesting too deep to follow). */
  truncated: boolean;
}

export interface ReadSourceOptions {
  /** The document's own URL, against which relative links are resolved. */
  baseUrl: string;
  /** Entries (pages plus child sitemaps) read at most; the sitemap protocol allows 50,000 per file. */
  maxEntries?: number;
}

export const DEFAULT_MAX_ENTRIES = 50_000;

/** An absolute http(s) URL from `raw` (relative ones resolved against `base`), or null. */
export function resolveHttpUrl(raw: string | undefined | null, base: string): string | null {
  const text = (raw ?? '').trim();
  if (text === '') return null;
  try {
    const url = new URL(text, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * Collects entries and counts problems. A missing or unusable URL is an error; so is a date that
 * cannot be parsed (the entry is kept, its raw date compared as is).
 */
export class EntryCollector {
  readonly entries: SourceEntry[] = [];
  readonly sitemaps: SourceEntry[] = [];
  errors = 0;
  private readonly base: string;
  private readonly maxEntries: number;

  constructor(options: ReadSourceOptions) {
    this.base = options.baseUrl;
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  /** True once an entry had to be left out for want of room (a document of exactly maxEntries is whole). */
  dropped = false;

  get full(): boolean {
    return this.entries.length + this.sitemaps.length >= this.maxEntries;
  }

  add(into: 'entries' | 'sitemaps', rawUrl: string | null | undefined, rawDate: string | null | undefined): void {
    if (this.full) {
      this.dropped = true;
      return;
    }
    const url = resolveHttpUrl(rawUrl, this.base);
    if (url === null) {
      this.errors++;
      return;
    }
    const date = parseSourceDate(rawDate);
    if (date && date.timeMs === null) this.errors++;
    this[into].push({ url, date });
  }

  result(kind: SourceKind | null, walkErrors: number, stopped: boolean): ParsedSource {
    return { kind, entries: this.entries, sitemaps: this.sitemaps, errors: this.errors + walkErrors, truncated: stopped || this.dropped };
  }
}

// Feeds: RSS 2.0 (`rss/channel/item`), RSS 1.0 (`rdf:RDF/item`) and Atom (`feed/entry`): each
// item's page link and date. htmlparser2's own `parseFeed` was not used: it builds a whole DOM
// (a hostile feed can be tens of megabytes), takes an Atom entry's first <link> whatever its rel
// (often `self`, `edit` or `enclosure`), and has no fallback to a permalink <guid> or `rdf:about`.
import { EntryCollector, type ParsedSource, type ReadSourceOptions } from './source-types.ts';
import { walkXml } from './xml-walk.ts';

type FeedKind = 'rss' | 'rdf' | 'atom';

// Date elements by preference: the first one present is the item's date. `date` is dc:date.
const DATE_FIELDS: Record<FeedKind, readonly string[]> = {
  rss: ['pubdate', 'date', 'updated', 'published'],
  rdf: ['date', 'pubdate', 'updated'],
  atom: ['updated', 'published', 'date'],
};
const TEXT_FIELDS = new Set(['link', 'guid', 'pubdate', 'date', 'updated', 'published']);

interface ItemState {
  link: string | null;
  /** An Atom-style <link rel="alternate" href> (also found as atom:link inside RSS items). */
  alternate: string | null;
  permalinkGuid: string | null;
  about: string | null;
  dates: Map<string, string>;
}

export function parseFeed(xml: string, options: ReadSourceOptions): ParsedSource {
  const collector = new EntryCollector(options);
  let kind: FeedKind | null = null;
  let item: ItemState | null = null;

  const itemDepth = (): number => (kind === 'rss' ? 3 : 2);
  const isItemPath = (path: readonly string[]): boolean => {
    if (kind === null || path.length !== itemDepth()) return false;
    if (kind === 'rss') return path[1] === 'channel' && path[2] === 'item';
    return path[path.length - 1] === (kind === 'atom' ? 'entry' : 'item');
  };

  const walk = walkXml(xml, {
    open(path, attribs) {
      if (path.length === 1) {
        kind = feedKind(path[0]);
        return false;
      }
      if (isItemPath(path)) {
        item = { link: null, alternate: null, permalinkGuid: null, about: attribute(attribs, 'about'), dates: new Map() };
        return false;
      }
      if (item === null || path.length !== itemDepth() + 1) return false;
      const field = path[path.length - 1]!;
      if (field === 'link') {
        const href = attribute(attribs, 'href');
        const rel = (attribute(attribs, 'rel') ?? 'alternate').toLowerCase();
        if (href !== null && rel === 'alternate') item.alternate ??= href;
      }
      if (field === 'guid' && (attribute(attribs, 'ispermalink') ?? 'true').toLowerCase() === 'false') return false;
      return TEXT_FIELDS.has(field);
    },
    close(path, text, cut) {
      if (item === null) return;
      if (isItemPath(path)) {
        // An item cut off by the end of the document may hold half a URL: not used.
        if (!cut) finishItem(collector, kind!, item);
        item = null;
        return;
      }
      if (text === null || text === '' || path.length !== itemDepth() + 1) return;
      const field = path[path.length - 1]!;
      if (field === 'link') item.link ??= text;
      else if (field === 'guid') item.permalinkGuid ??= text;
      else if (!item.dates.has(field)) item.dates.set(field, text);
    },
    done: () => collector.dropped,
  });
  return collector.result(kind, walk.errors + (kind === null ? 1 : 0), walk.stopped);
}

function finishItem(collector: EntryCollector, kind: FeedKind, item: ItemState): void {
  // The page of an item: its <link>, else an alternate link, else a permalink guid or rdf:about
  // when they are URLs (a guid may be any unique string: only absolute http(s) ones are used).
  const fallback = [item.permalinkGuid, item.about].find((value) => value !== null && /^https?:\/\//i.test(value.trim()));
  const url = item.link ?? item.alternate ?? fallback ?? null;
  const dateField = DATE_FIELDS[kind].find((name) => item.dates.has(name));
  collector.add('entries', url, dateField ? item.dates.get(dateField) : null);
}

function feedKind(root: string | undefined): FeedKind | null {
  if (root === 'rss') return 'rss';
  if (root === 'rdf') return 'rdf';
  if (root === 'feed') return 'atom';
  return null;
}

/** An attribute by local name, whatever its prefix (`rdf:about`, `isPermaLink`), or null. */
function attribute(attribs: Readonly<Record<string, string>>, local: string): string | null {
  for (const [name, value] of Object.entries(attribs)) {
    if (name.slice(name.lastIndexOf(':') + 1).toLowerCase() === local) return value;
  }
  return null;
}

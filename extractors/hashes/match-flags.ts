// Hash-list matches of a page's media, as flags: one rule hit per (list, media item) named
// `hashlist.<list>`, explained by the media URL, the hash kind, the hash and, for a perceptual
// match, the list's entry and the distance. Exact matches weigh 1; a perceptual match a little less
// the further it is (never below 0.9 within the largest threshold), so it alerts at every sensitivity.
import { scoreFlag } from '../rules/index.ts';
import type { Category, Flag, RuleHit } from '../types.ts';
import type { HashKind } from './hash-kinds.ts';

export interface HashEntryMeta {
  category?: Category;
  source?: string;
  comment?: string;
}

export interface HashMatch {
  /** Index of the media item in the query. */
  item: number;
  list: string;
  /** The entry's own category when the list gave one, else the list's. */
  category: Category;
  kind: HashKind;
  /** The item's hash. */
  hash: string;
  /** The list's entry (differs from `hash` for a perceptual match). */
  listHash: string;
  /** Bits apart (0 for exact kinds). */
  distance: number;
  meta: HashEntryMeta;
}

/** Longest media URL kept in an explanation. */
const MAX_URL_CHARS = 512;

export function hashMatchWeight(match: Pick<HashMatch, 'kind' | 'distance'>): number {
  return match.kind === 'phash' ? Math.round((1 - match.distance / 128) * 1000) / 1000 : 1;
}

export function hashMatchFlags(matches: readonly HashMatch[], mediaUrls: readonly string[]): Flag[] {
  // The strongest match per list and media item: its SHA-256, MD5 and pHash all matching one list
  // is one piece of evidence, not three.
  const strongest = new Map<string, HashMatch>();
  for (const match of matches) {
    const key = `${match.list}\n${match.item}`;
    const held = strongest.get(key);
    if (!held || hashMatchWeight(match) > hashMatchWeight(held)) strongest.set(key, match);
  }
  const byCategory = new Map<Category, RuleHit[]>();
  for (const match of strongest.values()) {
    const details: Record<string, string> = {
      mediaUrl: shortUrl(mediaUrls[match.item] ?? ''),
      hashKind: match.kind,
      hash: match.hash,
    };
    if (match.kind === 'phash') {
      details.listHash = match.listHash;
      details.distance = String(match.distance);
    }
    if (match.meta.source) details.source = match.meta.source;
    if (match.meta.comment) details.comment = match.meta.comment;
    const hits = byCategory.get(match.category) ?? [];
    hits.push({ ruleId: `hashlist.${match.list}`, weight: hashMatchWeight(match), terms: [], details });
    byCategory.set(match.category, hits);
  }
  return [...byCategory.entries()].flatMap(([category, hits]) => scoreFlag(category, hits) ?? []);
}

function shortUrl(url: string): string {
  return url.length > MAX_URL_CHARS ? `${url.slice(0, MAX_URL_CHARS)}…` : url;
}

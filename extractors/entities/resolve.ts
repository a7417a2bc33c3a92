// Settles overlapping candidates into the final, sorted list.
//  1. URLs are containers. Inside one, only these survive: the url's own host entity (domain or
//     ip, emitted with it), an onion or ip within the host, and crypto addresses, onions and
//     e-mails in the path or query (distinct identifiers worth a pivot). Digits in a path are
//     ids, not phones or cards, and a domain in a query string is not the page's subject.
//  2. Everything else may not overlap: the higher-ranked type wins (an IBAN over the card- or
//     phone-looking digits inside it, an e-mail over its domain), and among equals the longer.
import type { Entity, EntityType } from '../types.ts';
import type { Candidate } from './candidate.ts';

const RANK: Record<EntityType, number> = {
  url: 110,
  telegram: 100,
  email: 90,
  onion: 85,
  iban: 80,
  xmr: 75,
  btc: 72,
  eth: 72,
  card: 60,
  phone: 50,
  ip: 40,
  domain: 30,
};

const NESTABLE_IN_PATH: ReadonlySet<EntityType> = new Set(['btc', 'eth', 'xmr', 'onion', 'email']);
const NESTABLE_IN_HOST: ReadonlySet<EntityType> = new Set(['onion', 'ip']);

function byPosition(a: Candidate, b: Candidate): number {
  return a.start - b.start || b.end - a.end;
}

/** The url overlapping c, if any (urls are sorted and never overlap each other). */
function overlappingUrl(urls: readonly Candidate[], c: Candidate): Candidate | null {
  let lo = 0;
  let hi = urls.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((urls[mid] as Candidate).start < c.end) lo = mid + 1;
    else hi = mid;
  }
  // urls[lo - 1] is the last url starting before c ends; only it can overlap c.
  const u = urls[lo - 1];
  return u && u.end > c.start ? u : null;
}

function survivesInUrl(c: Candidate, u: Candidate): boolean {
  if (c.start < u.start || c.end > u.end) return false;
  if (c.ofUrl) return true;
  const hostStart = u.hostStart ?? u.start;
  const hostEnd = u.hostEnd ?? u.end;
  if (NESTABLE_IN_HOST.has(c.type) && c.start >= hostStart && c.end <= hostEnd) return true;
  return NESTABLE_IN_PATH.has(c.type) && c.start >= hostEnd;
}

function beats(a: Candidate, b: Candidate): boolean {
  const rank = RANK[a.type] - RANK[b.type];
  if (rank !== 0) return rank > 0;
  return a.end - a.start > b.end - b.start;
}

export function resolveCandidates(candidates: Candidate[]): Entity[] {
  const urls: Candidate[] = [];
  const others: Candidate[] = [];
  for (const c of candidates) (c.type === 'url' ? urls : others).push(c);
  urls.sort(byPosition);
  // Scanners never produce overlapping urls, but be safe: keep the first of any overlap.
  const distinctUrls = urls.filter((u, i) => i === 0 || u.start >= (urls[i - 1] as Candidate).end);

  const kept: Candidate[] = [];
  const nested: Candidate[] = [];
  for (const c of others) {
    const u = overlappingUrl(distinctUrls, c);
    if (!u) kept.push(c);
    else if (survivesInUrl(c, u)) nested.push(c);
  }

  kept.sort(byPosition);
  const flat: Candidate[] = [];
  for (const c of kept) {
    // Entries of `flat` never overlap each other, so those overlapping c form a suffix.
    let firstOverlap = flat.length;
    while (firstOverlap > 0 && (flat[firstOverlap - 1] as Candidate).end > c.start) firstOverlap--;
    const rivals = flat.slice(firstOverlap);
    if (rivals.every((r) => beats(c, r))) {
      flat.length = firstOverlap;
      flat.push(c);
    }
  }

  nested.sort(byPosition);
  const nestedDistinct = nested.filter(
    (c, i) => i === 0 || c.start >= (nested[i - 1] as Candidate).end || c.type !== (nested[i - 1] as Candidate).type,
  );
  return [...distinctUrls, ...flat, ...nestedDistinct].sort(byPosition).map(toEntity);
}

function toEntity(c: Candidate): Entity {
  const entity: Entity = { type: c.type, value: c.value, start: c.start, end: c.end };
  if (c.details) entity.details = c.details;
  return entity;
}

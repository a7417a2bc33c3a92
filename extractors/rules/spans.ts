// Word-position arithmetic shared by the evaluator: hits and entities as spans of word indices.
import type { Token } from '../normalize/index.ts';
import type { Entity, EntityType } from '../types.ts';

export interface Span {
  first: number;
  last: number;
}

/** A term occurrence found for a rule or a negative-context clause. */
export interface Hit extends Span {
  entry: number;
  /** Term as written, and original offsets. */
  term: string;
  start: number;
  end: number;
  group: 0 | 1;
  factor: number;
  /** Set when the term was found only through a misspelled or glued-word reading (typos.ts). */
  reading?: 'misspelled' | 'glued';
}

/** Words between two spans (0 when they touch or overlap). */
export function distance(a: Span, b: Span): number {
  return Math.max(0, b.first - a.last, a.first - b.last);
}

/** Hits of either group that have a partner of the other group within `within` words. */
export function nearPairs(a: Hit[], b: Hit[], within: number, maxMatches: number): Hit[] {
  if (a.length === 0 || b.length === 0) return [];
  const sortedB = [...b].sort((x, y) => x.first - y.first);
  const maxSpan = sortedB.reduce((m, h) => Math.max(m, h.last - h.first), 0);
  const used = new Set<Hit>();
  for (const hit of a) {
    // Candidates start no later than hit.last + within and no earlier than hit.first - within - maxSpan.
    let k = upperBound(sortedB, hit.last + within) - 1;
    for (; k >= 0; k--) {
      const other = sortedB[k]!;
      if (other.first < hit.first - within - maxSpan) break;
      if (other !== hit && distance(hit, other) <= within && !(other.first === hit.first && other.last === hit.last)) {
        used.add(hit);
        used.add(other);
      }
    }
    if (used.size >= maxMatches * 2) break;
  }
  return [...used];
}

function upperBound(sorted: readonly Span[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.first <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Word positions covering [start, end) of the original text (nearest word when none does). */
export function tokenSpan(tokens: readonly Token[], start: number, end: number): Span {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.end <= start) lo = mid + 1;
    else hi = mid;
  }
  const first = Math.min(lo, tokens.length - 1);
  let last = first;
  while (last + 1 < tokens.length && tokens[last + 1]!.start < end) last++;
  return { first, last };
}

export function locateEntities(entities: readonly Entity[], tokens: readonly Token[]): Map<EntityType, Span[]> {
  const spans = new Map<EntityType, Span[]>();
  if (tokens.length === 0) return spans;
  for (const entity of entities) {
    const span = tokenSpan(tokens, entity.start, entity.end);
    const list = spans.get(entity.type);
    if (list) list.push(span);
    else spans.set(entity.type, [span]);
  }
  return spans;
}

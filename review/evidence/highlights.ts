// Why a page was flagged, as spans over its text for the view to mark: every lexicon term a rule
// hit (with its category, rule and reading) and every entity found. The offsets are those the
// extractors produced over the page's main text (PageDocument.text: workers/page-processor.ts
// analyses parsed.text and stores that same text), UTF-16 indices with `end` exclusive. Spans
// overlap (a term inside an entity, one term hit by two rules), so `marks` also cuts the text into
// disjoint ranges, each naming the spans that cover it: the view walks them in order and never
// has to resolve overlaps itself.
import type { EntityType, Category } from '../../extractors/types.ts';
import type { PageDocument } from '../../indexer/types.ts';

export type Highlight =
  | {
      kind: 'term';
      start: number;
      end: number;
      category: Category;
      ruleId: string;
      /** The lexicon term as written in the rule file (the text may spell it otherwise). */
      term: string;
      reading?: 'misspelled' | 'glued';
    }
  | { kind: 'entity'; start: number; end: number; type: EntityType; value: string };

export interface HighlightMark {
  start: number;
  end: number;
  /** Indices into `highlights` of the spans covering [start, end). */
  highlights: number[];
}

export interface PageHighlights {
  highlights: Highlight[];
  marks: HighlightMark[];
}

/** A page with thousands of entities is marked up to this many spans (terms first). */
export const MAX_HIGHLIGHTS = 5000;

export function pageHighlights(page: Pick<PageDocument, 'text' | 'flags' | 'entities'>): PageHighlights {
  const length = page.text.length;
  const valid = (start: unknown, end: unknown): boolean =>
    Number.isInteger(start) && Number.isInteger(end) && (start as number) >= 0 && (start as number) < (end as number) && (end as number) <= length;
  const highlights: Highlight[] = [];
  const seen = new Set<string>();
  const add = (highlight: Highlight, key: string) => {
    if (highlights.length >= MAX_HIGHLIGHTS || seen.has(key)) return;
    seen.add(key);
    highlights.push(highlight);
  };
  for (const flag of page.flags) {
    for (const rule of flag.rules) {
      for (const match of rule.terms) {
        // Offsets that do not fit the text (a stale document) are skipped rather than shown wrong.
        if (!valid(match.start, match.end)) continue;
        const highlight: Highlight = { kind: 'term', start: match.start, end: match.end, category: flag.category, ruleId: rule.ruleId, term: match.term };
        if (match.reading) highlight.reading = match.reading;
        add(highlight, `t:${flag.category}:${rule.ruleId}:${match.start}:${match.end}`);
      }
    }
  }
  for (const entity of page.entities) {
    if (!valid(entity.start, entity.end)) continue;
    add({ kind: 'entity', start: entity.start, end: entity.end, type: entity.type, value: entity.value }, `e:${entity.type}:${entity.start}:${entity.end}`);
  }
  highlights.sort((a, b) => a.start - b.start || b.end - a.end);
  return { highlights, marks: disjointMarks(highlights) };
}

/** Sweeps the span boundaries in order; each stretch covered by at least one span is one mark. */
function disjointMarks(highlights: readonly Highlight[]): HighlightMark[] {
  const boundaries = [...new Set(highlights.flatMap((h) => [h.start, h.end]))].sort((a, b) => a - b);
  const startsAt = new Map<number, number[]>();
  for (const [index, h] of highlights.entries()) {
    const starting = startsAt.get(h.start);
    if (starting) starting.push(index);
    else startsAt.set(h.start, [index]);
  }
  const active = new Set<number>();
  const marks: HighlightMark[] = [];
  for (let i = 0; i < boundaries.length - 1; i++) {
    const from = boundaries[i]!;
    const to = boundaries[i + 1]!;
    for (const index of active) if (highlights[index]!.end <= from) active.delete(index);
    for (const index of startsAt.get(from) ?? []) active.add(index);
    if (active.size > 0) marks.push({ start: from, end: to, highlights: [...active].sort((a, b) => a - b) });
  }
  return marks;
}

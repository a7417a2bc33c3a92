// The spans the page view marks: terms of every rule hit and entities, over the page's text,
// with disjoint marks where they overlap; offsets that do not fit the text are skipped.
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../extractors/analyze.ts';
import { loadRuleSet } from '../../extractors/rules/index.ts';
import type { Flag } from '../../extractors/types.ts';
import { loadSettings } from '../../config/index.ts';
import { pageHighlights, MAX_HIGHLIGHTS } from '../../review/evidence/index.ts';

const TEXT = 'Je vends de la cocaïne pure, paiement en bitcoin: bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq, contact vendeur@example.org.';

function flag(category: Flag['category'], ruleId: string, terms: [string, number, number][]): Flag {
  return { category, score: 0.8, tags: [], rules: [{ ruleId, weight: 0.8, terms: terms.map(([term, start, end]) => ({ term, start, end })) }] };
}

describe('pageHighlights', () => {
  it('marks the terms and entities the real extractors find, at offsets into the same text', () => {
    const ruleSet = loadRuleSet(loadSettings({}, { dataDir: '/tmp' }).rulesDir);
    const { entities, flags } = analyzeText(TEXT, ruleSet, { language: 'fr' });
    expect(flags.some((f) => f.category === 'drugs')).toBe(true);
    const { highlights, marks } = pageHighlights({ text: TEXT, flags, entities });
    const terms = highlights.filter((h) => h.kind === 'term');
    expect(terms.length).toBeGreaterThan(0);
    expect(terms.some((h) => TEXT.slice(h.start, h.end).toLowerCase().includes('cocaïne'))).toBe(true);
    const email = highlights.find((h) => h.kind === 'entity' && h.type === 'email')!;
    expect(TEXT.slice(email.start, email.end)).toBe('vendeur@example.org');
    expect(highlights.some((h) => h.kind === 'entity' && h.type === 'btc')).toBe(true);
    // Marks are disjoint, in order, and each lies inside every span it names.
    for (let i = 1; i < marks.length; i++) expect(marks[i]!.start).toBeGreaterThanOrEqual(marks[i - 1]!.end);
    for (const mark of marks) {
      for (const index of mark.highlights) {
        expect(highlights[index]!.start).toBeLessThanOrEqual(mark.start);
        expect(highlights[index]!.end).toBeGreaterThanOrEqual(mark.end);
      }
    }
  }, 60_000);

  it('cuts overlapping spans into disjoint marks naming every span that covers them', () => {
    const text = 'abcdefghij';
    const { highlights, marks } = pageHighlights({
      text,
      flags: [flag('drugs', 'r1', [['bcde', 1, 5]]), flag('fraud', 'r2', [['defg', 3, 7]])],
      entities: [{ type: 'email', value: 'x', start: 4, end: 5 }],
    });
    expect(highlights.map((h) => [h.kind, h.start, h.end])).toEqual([['term', 1, 5], ['term', 3, 7], ['entity', 4, 5]]);
    expect(marks).toEqual([
      { start: 1, end: 3, highlights: [0] },
      { start: 3, end: 4, highlights: [0, 1] },
      { start: 4, end: 5, highlights: [0, 1, 2] },
      { start: 5, end: 7, highlights: [1] },
    ]);
  });

  it('keeps the category, rule and reading of a term, once per rule and offset', () => {
    const f = flag('hate', 'hate.slur', [['mot', 0, 3], ['mot', 0, 3]]);
    f.rules[0]!.terms[0]!.reading = 'misspelled';
    const { highlights } = pageHighlights({ text: 'mto et', flags: [f], entities: [] });
    expect(highlights).toEqual([{ kind: 'term', start: 0, end: 3, category: 'hate', ruleId: 'hate.slur', term: 'mot', reading: 'misspelled' }]);
  });

  it('skips offsets that do not fit the text (empty, reversed, past the end, not integers)', () => {
    const { highlights, marks } = pageHighlights({
      text: 'court',
      flags: [flag('drugs', 'r', [['a', 2, 2], ['b', 4, 1], ['c', 3, 9], ['d', -1, 2], ['e', 0.5, 2]])],
      entities: [{ type: 'email', value: 'x', start: 0, end: 6 }],
    });
    expect(highlights).toEqual([]);
    expect(marks).toEqual([]);
  });

  it('stops at MAX_HIGHLIGHTS spans on a page full of entities', () => {
    const text = 'x'.repeat(MAX_HIGHLIGHTS + 100);
    const entities = [...text].map((_, i) => ({ type: 'ip' as const, value: String(i), start: i, end: i + 1 }));
    const { highlights, marks } = pageHighlights({ text, flags: [], entities });
    expect(highlights).toHaveLength(MAX_HIGHLIGHTS);
    expect(marks).toHaveLength(MAX_HIGHLIGHTS);
  });
});

// The trace behind `vigie rules test` and the flag merge behind `vigie rules retrohunt`.
import { describe, expect, it } from 'vitest';
import { classify, compileRuleSet, resolveOverrides } from '../../extractors/rules/index.ts';
import { explain } from '../../extractors/rules/explain.ts';
import { replaceRuleHits } from '../../extractors/rules/retrohunt.ts';
import type { Entity } from '../../extractors/types.ts';

const ruleSet = compileRuleSet([
  { source: 'drugs.yaml', document: { category: 'drugs', threshold: 0.5, unless: [{ description: 'seizure news', terms: ['saisie'], within: 3 }, { terms: ['prévention', 'addiction'], min: 2, factor: 0.5 }], rules: [
    { id: 'd.sub', description: 'substance', weight: 0.3, terms: ['kétamine'] },
    { id: 'd.offer', description: 'offer', weight: 0.6, near: { a: ['kétamine'], b: ['vends'], within: 3 } },
    { id: 'd.wallet', description: 'wallet', weight: 0.4, entities: { types: ['btc'], terms: ['kétamine'], within: 3 } },
    { id: 'd.price', description: 'price', weight: 0.2, regex: { pattern: '\\d+\\s?€' } },
    { id: 'd.en', description: 'en', weight: 0.2, languages: ['en'], terms: ['ketamine'] },
  ] } },
  { source: 'test.yaml', document: { category: 'fraud', rules: [{ id: 'f.never', description: 'never', weight: 0.5, set: { terms: ['alpha', 'beta'], min: 2 } }] } },
]);

const target = { sensitivity: 'medium' as const };

describe('explain', () => {
  it('gives score and threshold, fired rules with offsets and context, and silent rules with reasons', () => {
    const text = 'Je vends de la kétamine à 20 € le gramme, livraison partout en France. Hier encore, saisie de kétamine au port.';
    const e = explain({ text, language: 'fr', entities: [], ruleSet, target, filesUnderTest: ['drugs.yaml', 'test.yaml'] });
    expect(e.categories).toEqual([{ category: 'drugs', score: expect.any(Number), threshold: 0.5, alert: true, rules: ['d.offer', 'd.sub', 'd.price'] }]);
    const offer = e.rules.find((r) => r.id === 'd.offer')!;
    expect(offer).toMatchObject({ outcome: 'fired', weight: 0.6, source: 'drugs.yaml' });
    expect(offer.matches.map((m) => [m.text, text.slice(m.start, m.end)])).toEqual([['vends', 'vends'], ['kétamine', 'kétamine']]);
    expect(offer.matches[1]).toMatchObject({ before: 'Je vends de la ', after: ' à 20 € le gramme, livraison partout en …' });
    const sub = e.rules.find((r) => r.id === 'd.sub')!;
    expect(sub.negativeContext).toEqual([expect.objectContaining({ path: 'unless.0', description: 'seizure news', scope: 'near', effect: 'cancelled', matches: [expect.objectContaining({ text: 'saisie' })] })]);
    expect(e.rules.find((r) => r.id === 'd.en')).toMatchObject({ outcome: 'other-language' });
    expect(e.notFired).toEqual([
      { id: 'd.wallet', category: 'drugs', source: 'drugs.yaml', reason: 'needs a btc within 3 words of a term' },
      { id: 'd.en', category: 'drugs', source: 'drugs.yaml', reason: 'restricted to en' },
      { id: 'f.never', category: 'fraud', source: 'test.yaml', reason: 'no term matched' },
    ]);
  });

  it('shows document-wide dampening and entity evidence', () => {
    const text = 'kétamine bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq — prévention, addiction';
    const start = text.indexOf('bc1');
    const btc: Entity = { type: 'btc', value: 'x', start, end: start + 42 };
    const e = explain({ text, language: null, entities: [btc], ruleSet, target, filesUnderTest: [] });
    const wallet = e.rules.find((r) => r.id === 'd.wallet')!;
    expect(wallet).toMatchObject({ outcome: 'fired', baseWeight: 0.4, weight: 0.2, entities: ['btc'] });
    expect(wallet.negativeContext).toEqual([expect.objectContaining({ scope: 'document', factor: 0.5, effect: 'dampened' })]);
  });

  it('costs nothing when not asked: classify without a trace gives the same flags', () => {
    const text = 'Je vends de la kétamine à 20 €.';
    const trace = { rules: [] };
    expect(classify(text, [], ruleSet, { trace })).toEqual(classify(text, [], ruleSet));
    expect(trace.rules.length).toBeGreaterThan(0);
  });

  it('records rules a target disabled', () => {
    const overrides = resolveOverrides({ thresholds: {}, disable: ['d.sub'], weights: {}, categories: {} });
    const trace = { rules: [] as { rule: { id: string }; outcome: string }[] };
    classify('kétamine', [], ruleSet, { overrides, trace: trace as never });
    expect(trace.rules.map((r) => [r.rule.id, r.outcome])).toContainEqual(['d.sub', 'disabled']);
    expect(classify('kétamine', [], ruleSet, { overrides, language: 'fr' })).toEqual([]);
  });
});

describe('replaceRuleHits', () => {
  it('replaces the hunted rules\' hits, keeps the others and re-scores', () => {
    const existing = classify('Je vends de la kétamine', [], ruleSet, { language: 'fr' });
    const found = [{ category: 'drugs' as const, score: 0.5, tags: [], rules: [{ ruleId: 'd.new', weight: 0.5, terms: [] }] }];
    const merged = replaceRuleHits(existing, found, new Set(['d.new', 'd.offer']));
    expect(merged[0]!.rules.map((r) => r.ruleId)).toEqual(['d.new', 'd.sub']);
    expect(merged[0]!.score).toBeCloseTo(1 - 0.5 * 0.7, 3);
    expect(replaceRuleHits(merged, found, new Set(['d.new']))).toEqual(merged);
  });
});

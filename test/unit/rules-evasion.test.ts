// Every evasion the issue lists, through the whole engine (normalise, automaton, evaluate): the
// lexicon term as written ("cocaïne") fires, and the match's offsets select exactly the evasive
// spelling in the original text, ready for highlighting.
import { describe, expect, it } from 'vitest';
import { classify, compileRuleSet } from '../../extractors/rules/index.ts';

const ruleSet = compileRuleSet([{
  source: 'drugs.yaml',
  document: { category: 'drugs', rules: [{ id: 'd.sub', description: 'd', weight: 0.5, terms: ['cocaïne', 'crystal meth', 'kétamine'] }] },
}]);

function matched(text: string): string[] {
  const flag = classify(text, [], ruleSet)[0];
  return flag?.rules[0]?.terms.map((t) => text.slice(t.start, t.end)) ?? [];
}

const EVASIONS: Array<[label: string, spelling: string]> = [
  ['NFKC fullwidth', 'ｃｏｃａｉｎｅ'],
  ['NFKC mathematical bold', '𝐜𝐨𝐜𝐚𝐢𝐧𝐞'],
  ['NFKC mathematical script', '𝓬𝓸𝓬𝓪𝓲𝓷𝓮'],
  ['NFKC circled', 'ⓒⓞⓒⓐⓘⓝⓔ'],
  ['Cyrillic lookalikes', 'сосаіnе'],
  ['Cyrillic capitals', 'СОСАINЕ'],
  ['Greek lookalikes', 'cοcαine'],
  ['Greek lunate sigma and omicron', 'ϲοϲаіnе'],
  ['zero-width joiner', 'co\u200Dcaine'],
  ['zero-width space between every letter', 'c\u200Bo\u200Bc\u200Ba\u200Bi\u200Bn\u200Be'],
  ['soft hyphens', 'co\u00ADca\u00ADine'],
  ['word joiner and variation selector', 'c\u2060oc\uFE0Faine'],
  ['combining strike-through', 'c\u0336o\u0336c\u0336a\u0336i\u0336n\u0336e\u0336'],
  ['leetspeak', 'c0ca1ne'],
  ['leetspeak with symbols', 'c0c4!n3'],
  ['dots', 'c.o.c.a.i.n.e'],
  ['spaces', 'c o c a i n e'],
  ['spaced dots', 'c . o . c . a . i . n . e'],
  ['dashes', 'c-o-c-a-ï-n-e'],
  ['commas', 'c,o,c,a,i,n,e'],
  ['underscores', 'c_o_c_a_i_n_e'],
  ['repeated letters', 'cocaaaaine'],
  ['repeated and doubled letters', 'ccoooccaaaiiinnne'],
  ['accent as written', 'cocaïne'],
  ['accent decomposed', 'cocai\u0308ne'],
  ['other accents', 'côcàíne'],
  ['upper case', 'COCAÏNE'],
  ['mixed: fullwidth, Cyrillic, zero-width and leet', 'ｃ\u043E\u200Bc4ine'],
];

describe('evasive spellings', () => {
  it.each(EVASIONS)('%s: %j fires, offsets on the original characters', (_label, spelling) => {
    const text = `Je vends de la ${spelling} pure, envoi 24h.`;
    expect(matched(text)).toEqual([spelling.replace(/[\u0336]$/, '')]);
  });

  it('keeps offsets right after astral characters and between several evasions', () => {
    const text = '😀😀 𝐜𝐨𝐜𝐚𝐢𝐧𝐞 et k.é.t.a.m.i.n.e, 🎉 crystal\u00A0meth';
    expect(matched(text)).toEqual(['𝐜𝐨𝐜𝐚𝐢𝐧𝐞', 'k.é.t.a.m.i.n.e', 'crystal\u00A0meth']);
  });

  it('does not invent matches from ordinary words', () => {
    for (const text of ['coca cola et une cocotte', 'Le passé du pays', 'c o c a', 'la coca et la caïne', 'cocaïnee', 'cristal meth']) {
      expect(matched(text), text).toEqual([]);
    }
  });
});

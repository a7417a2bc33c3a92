// Typo-tolerant readings (extractors/rules/typos.ts) through the whole engine: misspelled words
// (adjacent letters swapped, one letter dropped) and glued words read as the lexicon words they
// hide, marked in the flag, weighted down, never the only evidence, offsets on the original text.
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../extractors/normalize/index.ts';
import { HIT_STRIDE } from '../../extractors/rules/automaton.ts';
import { explain } from '../../extractors/rules/explain.ts';
import { formatExplanation } from '../../extractors/rules/explain-format.ts';
import { classify, compileRuleSet } from '../../extractors/rules/index.ts';
import type { RuleSource } from '../../extractors/rules/index.ts';
import { TYPO_HIT_FACTOR } from '../../extractors/rules/evaluate.ts';
import { misspellings, TypoIndex } from '../../extractors/rules/typos.ts';

const HATE: RuleSource = {
  source: 'hate.yaml',
  document: {
    category: 'hate',
    lists: { groups: ['women', 'immigrants', 'muslims', 'black people'], feelings: ['hate', 'hatred', 'disgusted', 'disgust', 'sickening', 'contempt', 'too disgusting'] },
    rules: [
      { id: 'h.near', description: 'a feeling near a group', weight: 0.6, near: { a: ['@groups'], b: ['@feelings'], within: 5 } },
      { id: 'h.word', description: 'a slur alone', weight: 0.6, terms: ['scumbags', 'jihadis*'] },
    ],
  },
};

function compile(extra: RuleSource[] = [], typos = true) {
  return compileRuleSet([HATE, ...extra], { typos });
}

const ruleSet = compile();

function hate(text: string, rs = ruleSet) {
  return classify(text, [], rs).find((f) => f.category === 'hate');
}

function matches(text: string, rs = ruleSet) {
  return (hate(text, rs)?.rules ?? []).flatMap((r) => r.terms.map((t) => ({ rule: r.ruleId, term: t.term, text: text.slice(t.start, t.end), reading: t.reading })));
}

describe('misspellings()', () => {
  it('swaps adjacent letters from the second on, in words of 4+ letters', () => {
    expect([...misspellings('hate')].sort()).toEqual(['haet', 'htae']);
    expect(misspellings('hat').size).toBe(0);
  });

  it('drops one inner letter (never the first nor the last) in words of 6+ letters', () => {
    const forms = misspellings('hatred');
    for (const f of ['htred', 'hared', 'hated', 'hatrd']) expect(forms).toContain(f);
    expect(forms).not.toContain('atred');
    expect(forms).not.toContain('hatre');
    expect(misspellings('scum')).not.toContain('sum');
  });

  it('does not swap a final -er/-re or -el/-le (another language or variety, not a typo)', () => {
    expect(misspellings('deliver')).not.toContain('delivre');
    expect(misspellings('angel')).not.toContain('angle');
    expect(misspellings('deliver')).toContain('delievr');
  });

  it('never yields the word itself (doubled letters swapped)', () => {
    expect(misspellings('kill')).not.toContain('kill');
  });
});

describe('TypoIndex', () => {
  const words = (list: string[]) => list.map((w) => ({ word: w.replace(/\*$/, ''), prefix: w.endsWith('*') }));

  it('maps a misspelled form to its word, not a vocabulary word nor an ambiguous form', () => {
    const index = new TypoIndex(words(['hate', 'heat', 'trial', 'trail']));
    expect(index.misspelled('htae')).toBe('hate');
    expect(index.misspelled('haet')).toBeUndefined(); // "hate" and "heat" both give it
    // "heat" is itself a vocabulary word; "trial"/"trail" swap into each other.
    expect(index.misspelled('heat')).toBeUndefined();
    expect(index.misspelled('trail')).toBeUndefined();
    // "tiral" comes from "trial" only, but "tral" would be a deletion of both (and they are 5 letters: no deletions).
    expect(index.misspelled('tiral')).toBe('trial');
  });

  it('drops a form two different words produce', () => {
    // "brace" and "braves" are unrelated; "bracelet" and "braclet"... use two words sharing a deletion.
    const index = new TypoIndex(words(['marine', 'marina']));
    // Both drop to "marne"? No: inner deletions of marine = mrine maine marne marie; of marina = mrina maina marna maria.
    expect(index.misspelled('marne')).toBe('marine');
    const clash = new TypoIndex(words(['carton', 'canton']));
    // "caton" is "carton" without r and "canton" without n.
    expect(clash.misspelled('caton')).toBeUndefined();
  });

  it('reads a misspelled stem followed by anything with the stem, for stems of 6+ letters', () => {
    const index = new TypoIndex(words(['jihadis*', 'nazi*']));
    expect(index.misspelled('jihadsits')).toBe('jihadists');
    expect(index.misspelled('nzais')).toBeUndefined();
  });

  it('never reads a listed ordinary word', () => {
    expect(new TypoIndex(words(['doxing'])).misspelled('doing')).toBe('doxing');
    const index = new TypoIndex(words(['doxing']), ['doing']);
    expect(index.misspelled('doing')).toBeUndefined();
    expect(index.isVocabulary('doing')).toBe(true);
  });

  it('splits a glued word only into two vocabulary words, one of 4+ letters', () => {
    const index = new TypoIndex(words(['women', 'disgust', 'so', 'too', 'sickening', 'corrupt', 'de', 'livre']));
    expect(index.glued('womendisgust')).toEqual([{ at: 5, head: 'women', tail: 'disgust' }]);
    expect(index.glued('toosickening')).toEqual([{ at: 3, head: 'too', tail: 'sickening' }]);
    // Two-letter pieces are mostly prefixes and function words: "de|livre" is French "délivre".
    expect(index.glued('sosickening')).toBeUndefined();
    expect(index.glued('delivre')).toBeUndefined();
    expect(index.glued('corruption')).toBeUndefined(); // "ion" is no vocabulary word, and a suffix
    // A vocabulary piece of 7+ letters stands with any other piece of 4+ letters.
    const long = new TypoIndex(words(['scumbags', 'carding']));
    expect(long.glued('massivescumbags')).toEqual([{ at: 7, head: 'massive', tail: 'scumbags' }]);
    expect(long.glued('discarding')).toBeUndefined();
    expect(long.glued('cardingion')).toBeUndefined();
    expect(index.glued('womensx')).toBeUndefined(); // too short a rest, and not a word
    expect(index.glued(`women${'x'.repeat(40)}disgust`)).toBeUndefined(); // past MAX_GLUED_LETTERS
  });
});

describe('typo readings in the engine', () => {
  it('reads a swapped or dropped letter as the term, marked, weighted down, offsets on the misspelling', () => {
    for (const [text, word] of [['I haet women.', 'haet'], ['Disgutsed by all the women around here.', 'Disgutsed'], ['So much hatrd for you immigrants.', 'hatrd'], ['Nothing but contmpt for women.', 'contmpt']] as const) {
      const flag = hate(text);
      expect(flag, text).toBeDefined();
      const rule = flag!.rules.find((r) => r.ruleId === 'h.near')!;
      expect(rule.weight).toBeCloseTo(0.6 * TYPO_HIT_FACTOR, 3);
      const typo = rule.terms.find((t) => t.reading !== undefined)!;
      expect(text.slice(typo.start, typo.end)).toBe(word);
      expect(typo.reading).toBe('misspelled');
      expect(rule.terms.some((t) => t.reading === undefined)).toBe(true);
    }
  });

  it('reads the identity term misspelled too ("imigrants", "mslims")', () => {
    expect(matches('I hate imigrants').find((m) => m.text === 'imigrants')).toMatchObject({ term: 'immigrants', reading: 'misspelled' });
    expect(matches('I hate mslims').find((m) => m.text === 'mslims')).toMatchObject({ term: 'muslims', reading: 'misspelled' });
  });

  it('combines with the normaliser: a leetspeak misspelling ("h4et") is read too', () => {
    expect(matches('I h4et women').find((m) => m.text === 'h4et')).toMatchObject({ term: 'hate', reading: 'misspelled' });
  });

  it('never fires a rule on guessed readings alone', () => {
    expect(hate('what scumbgas')).toBeUndefined(); // a misspelled slur alone
    expect(hate('I haet wmoen')).toBeUndefined(); // both sides misspelled
    expect(hate('these scumbags')?.rules[0]?.weight).toBe(0.6); // as written: full weight, unmarked
  });

  it('prefers the exact reading when a rule has both', () => {
    const flag = hate('I hate women, I haet immigrants');
    expect(flag?.rules[0]?.weight).toBe(0.6);
  });

  it('reads glued words as their two words, marked glued, offsets on the whole glued word', () => {
    const text = 'Women are just toosickening.';
    const m = matches(text).find((x) => x.term === 'sickening');
    expect(m).toEqual({ rule: 'h.near', term: 'sickening', text: 'toosickening', reading: 'glued' });
    expect(hate(text)?.rules[0]?.weight).toBeCloseTo(0.6 * TYPO_HIT_FACTOR, 3);
  });

  it('reads a long term glued to an ordinary word, corroborated by an exact term', () => {
    const text = 'All immigrants are such massivescumbags.';
    const rs = compile([{ source: 'x.yaml', document: { category: 'hate', rules: [{ id: 'x.near', description: 'x', weight: 0.6, near: { a: ['immigrants'], b: ['scumbags'], within: 5 } }] } }]);
    expect(matches(text, rs).find((m) => m.term === 'scumbags')).toEqual({ rule: 'x.near', term: 'scumbags', text: 'massivescumbags', reading: 'glued' });
    expect(hate('such massivescumbags')).toBeUndefined(); // the glued reading alone fires nothing
  });

  it('carries phrases through a glued word, both pieces in order', () => {
    const rs = compileRuleSet([{ source: 'd.yaml', document: { category: 'drugs', rules: [{ id: 'd.p', description: 'p', weight: 0.5, terms: ['crystal meth', 'pure stuff', 'black people'] }] } }]);
    const normalized = normalizeText('crystal methpure stuff', rs.foldCache);
    const hits = rs.automaton.scan(normalized);
    const found: string[] = [];
    for (let k = 0; k < hits.length; k += HIT_STRIDE) found.push(`${rs.entries[hits[k]!]!.term}:${hits[k + 1]}-${hits[k + 2]}:${hits[k + 3]}`);
    // "crystal meth" ends with the glued word's first piece, "pure stuff" starts with its second.
    expect(found.sort()).toEqual(['crystal meth:0-1:2', 'pure stuff:1-2:2']);
  });

  it('leaves ordinary words and their compounds alone', () => {
    const rs = compile([{ source: 'data-leak.yaml', document: { category: 'data-leak', lists: { 'not-misspellings': ['doing'] }, rules: [{ id: 'l.sale', description: 's', weight: 0.5, near: { a: ['doxing'], b: ['price'], within: 4 } }] } }]);
    expect(classify('What are you doing about the price?', [], rs)).toEqual([]);
    expect(classify('doxng service, price 20', [], rs)[0]?.rules[0]?.terms.find((t) => t.reading)).toMatchObject({ term: 'doxing', reading: 'misspelled' });
    for (const text of ['The heat is on for women', 'corruption hurts women', 'A hat for women', 'the immigration of women']) expect(hate(text), text).toBeUndefined();
  });

  it('says so in `vigie rules test`: the term, that it was a misspelled reading, the text as written', () => {
    const text = 'I haet women.';
    const e = explain({ text, language: 'en', entities: [], ruleSet, target: { sensitivity: 'medium' }, filesUnderTest: ['hate.yaml'] });
    const rule = e.rules.find((r) => r.id === 'h.near')!;
    expect(rule.matches.find((m) => m.reading)).toMatchObject({ term: 'hate', reading: 'misspelled', text: 'haet' });
    expect(formatExplanation(e)).toContain('"hate" (misspelled reading) at 2-6: I »haet« women.');
  });

  it('can be switched off at compile time (to measure what it adds)', () => {
    expect(hate('I haet women.', compile([], false))).toBeUndefined();
    expect(hate('I haet women.')).toBeDefined();
  });

  it('stays bounded on long hostile words', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `women${'disgust'.repeat(1 + (i % 8))}x`).join(' ');
    expect(() => classify(text, [], ruleSet)).not.toThrow();
  });
});

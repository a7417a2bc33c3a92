import { describe, expect, it } from 'vitest';
import { FoldCache, normalizeText, wordVariants } from '../../extractors/normalize/index.ts';
import type { NormalizedText } from '../../extractors/normalize/index.ts';

/** Every reading of the text (words, their variants, rejoined spans) with original offsets. */
function readings(result: NormalizedText): { norm: string; start: number; end: number }[] {
  const out: { norm: string; start: number; end: number }[] = [];
  for (const t of result.tokens) {
    for (const norm of [t.norm, ...(t.variants ?? [])]) out.push({ norm, start: t.start, end: t.end });
  }
  for (const j of result.joined) {
    const start = result.tokens[j.first]!.start;
    const end = result.tokens[j.last]!.end;
    for (const norm of [j.norm, ...(j.variants ?? [])]) out.push({ norm, start, end });
  }
  return out;
}

function findReading(text: string, norm: string): string | undefined {
  const hit = readings(normalizeText(text)).find((r) => r.norm === norm);
  return hit ? text.slice(hit.start, hit.end) : undefined;
}

describe('normalizeText', () => {
  it('folds case, accents and ligatures and keeps original offsets', () => {
    const text = 'Vente de COCAÏNE et d’œuvres — Straße';
    const { tokens } = normalizeText(text);
    expect(tokens.map((t) => t.norm)).toEqual(['vente', 'de', 'cocaine', 'et', 'd', 'oeuvres', 'strasse']);
    for (const t of tokens) expect(text.slice(t.start, t.end).length).toBeGreaterThan(0);
    expect(text.slice(tokens[2]!.start, tokens[2]!.end)).toBe('COCAÏNE');
  });

  it.each([
    ['c.o.c.a.i.n.e', 'c.o.c.a.i.n.e'],
    ['c o c a i n e', 'c o c a i n e'],
    ['c-o-c-a-ï-n-e', 'c-o-c-a-ï-n-e'],
    ['C0CA1NE', 'C0CA1NE'],
    ['c\u043Ecaine', 'c\u043Ecaine'],
    ['co\u200Dca\u200Bine', 'co\u200Dca\u200Bine'],
    ['coooocaine', 'coooocaine'],
    ['ｃｏｃａｉｎｅ', 'ｃｏｃａｉｎｅ'],
    ['𝐜𝐨𝐜𝐚𝐢𝐧𝐞', '𝐜𝐨𝐜𝐚𝐢𝐧𝐞'],
    ['achète de la c.o.c.a.ï.n.e ici', 'c.o.c.a.ï.n.e'],
    ['à c o c a i n e', 'c o c a i n e'],
  ])('reads %j as "cocaine" with offsets on the original characters', (text, original) => {
    expect(findReading(text, 'cocaine')).toBe(original);
  });

  it('keeps legitimate double letters distinct and reads stretched ones both ways', () => {
    expect(findReading('weeeeed', 'weed')).toBe('weeeeed');
    expect(findReading('pass', 'pas')).toBeUndefined();
    expect(wordVariants('pass')).toBeUndefined();
  });

  it('reads leetspeak only in words that are mostly letters', () => {
    expect(wordVariants('h4ck3r')).toContain('hacker');
    expect(wordVariants('track1')).toContain('tracki');
    expect(normalizeText('2024').tokens[0]!.variants).toEqual(['#']);
    expect(wordVariants('1000mg')).toEqual(['#mg']);
    expect(wordVariants('10g')).toEqual(['#g']);
  });

  it('keeps genuine Cyrillic words and maps mixed-script lookalikes', () => {
    const { tokens } = normalizeText('дела ѕcam');
    expect(tokens[0]!.norm).toBe('дела');
    expect(tokens[1]!.norm).toBe('scam');
  });

  it('treats @ and $ as letters only inside words', () => {
    const { tokens } = normalizeText('@user c@caine $100');
    expect(tokens.map((t) => t.norm)).toEqual(['user', 'c@caine', '100']);
    expect(tokens[1]!.variants).toContain('cacaine');
  });

  it('keeps the separate words of a rejoined run ("il y a à" stays four words)', () => {
    const { tokens } = normalizeText("il y a à l'entrée");
    expect(tokens.map((t) => t.norm)).toEqual(['il', 'y', 'a', 'a', 'l', 'entree']);
  });

  it('handles surrogate pairs, combining marks and empty input', () => {
    expect(normalizeText('').tokens).toEqual([]);
    const text = 'e\u0301te\u0301 😀 ok';
    const { tokens } = normalizeText(text);
    expect(tokens.map((t) => t.norm)).toEqual(['ete', 'ok']);
    expect(text.slice(tokens[1]!.start, tokens[1]!.end)).toBe('ok');
  });

  it('stays linear on hostile input (finishes within seconds)', () => {
    const cache = new FoldCache();
    const hostile = 'a '.repeat(200_000) + 'x\u200B'.repeat(100_000) + 'é'.repeat(100_000);
    const started = Date.now();
    const result = normalizeText(hostile, cache);
    expect(result.tokens.length).toBeGreaterThan(200_000);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

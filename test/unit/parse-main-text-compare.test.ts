// The main-text comparison harness (bench/main-text-compare.ts): its shingle F1, and a run of both
// extractors on a small corpus written to a temporary directory.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPages, mainTextComparison, readabilityMainText, shingleF1 } from '../../bench/main-text-compare.ts';

describe('shingleF1', () => {
  it('scores identical texts 1 and disjoint texts 0, ignoring case and punctuation', () => {
    expect(shingleF1('The quick brown fox jumps.', 'the QUICK brown fox, jumps').f1).toBe(1);
    expect(shingleF1('one two three four', 'five six seven eight').f1).toBe(0);
    expect(shingleF1('', '').f1).toBe(1);
    expect(shingleF1('', 'a b c d e').f1).toBe(0);
  });

  it('computes precision and recall over 4-word shingles', () => {
    // ours: a b c d e -> {abcd, bcde}; expected: a b c d x y -> {abcd, bcdx, cdxy}.
    const s = shingleF1('a b c d e', 'a b c d x y');
    expect(s.precision).toBeCloseTo(1 / 2);
    expect(s.recall).toBeCloseTo(1 / 3);
    expect(s.f1).toBeCloseTo(0.4);
  });

  it('falls back to words for texts shorter than a shingle', () => {
    expect(shingleF1('hello world', 'hello world').f1).toBe(1);
  });
});

describe('mainTextComparison', () => {
  let dir = '';
  const body = Array.from({ length: 12 }, (_, i) => `<p>Paragraph ${i} of the story, long enough to be read as prose by anyone, with commas, words and more words.</p>`).join('');
  const page = `<html><head><title>T</title></head><body><nav>${Array.from({ length: 15 }, (_, i) => `<a href="/s${i}">Section ${i}</a>`).join(' ')}</nav>
    <article><h1>Title</h1>${body}</article><footer><p>Copyright and legal notice of the site</p></footer></body></html>`;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-compare-'));
    for (const name of ['a', 'b']) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'source.html'), page);
      writeFileSync(join(dir, name, 'expected.html'), `<div>${body}</div>`);
    }
    mkdirSync(join(dir, 'incomplete'));
    writeFileSync(join(dir, 'incomplete', 'source.html'), page);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('scores and times both sides on every complete page', async () => {
    expect(corpusPages(dir)).toEqual(['a', 'b']);
    const result = await mainTextComparison(dir, { repetitions: 2 });
    expect(result.pages).toBe(2);
    expect(result.perPage.map((p) => p.page)).toEqual(['a', 'b']);
    expect(result.vigie.f1).toBeGreaterThan(0.9);
    expect(result.readability.f1).toBeGreaterThan(0.9);
    for (const side of [result.vigie, result.readability]) {
      expect(side.msPerPage).toBeGreaterThan(0);
      expect(side.medianMsPerPage).toBeGreaterThan(0);
    }
  });

  it('fails clearly on a missing corpus', async () => {
    await expect(mainTextComparison(join(dir, 'nope'))).rejects.toThrow(/main-text corpus not found/);
  });

  it('yields empty text, not a crash, for pages Readability cannot read', () => {
    expect(readabilityMainText('', 'http://fakehost/').text).toBe('');
    expect(readabilityMainText('<html><body><p>x</p></body></html>', 'not a url').error).toMatch(/url/i);
  });
});

// Regression guard for main-text quality on the Readability corpus (../shared): mean 4-gram
// shingle F1 against the expected main content. bench/main-text-eval.ts prints the details.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { extractMainText } from '../../crawler/main-text.ts';
import { renderText } from '../../crawler/parse-text-render.ts';

const CORPUS = resolve(import.meta.dirname, '../../../shared/corpora/readability-pages');
const available = existsSync(CORPUS);
if (!available) console.warn(`skipping main-text corpus test: ${CORPUS} not found (../shared is absent)`);

function shingleF1(ours: string, expected: string): number {
  const shingles = (text: string) => {
    const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    const set = new Set<string>();
    if (words.length < 4) words.forEach((w) => set.add(w));
    for (let i = 0; i + 4 <= words.length; i++) set.add(words.slice(i, i + 4).join(' '));
    return set;
  };
  const a = shingles(ours);
  const b = shingles(expected);
  if (a.size === 0 || b.size === 0) return a.size === b.size ? 1 : 0;
  let common = 0;
  for (const s of a) if (b.has(s)) common++;
  const precision = common / a.size;
  const recall = common / b.size;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

describe.skipIf(!available)('main text on the Readability corpus', () => {
  it('reaches a mean shingle F1 above 0.85', () => {
    const scores: number[] = [];
    for (const page of readdirSync(CORPUS)) {
      const source = join(CORPUS, page, 'source.html');
      const expected = join(CORPUS, page, 'expected.html');
      if (!existsSync(source) || !existsSync(expected)) continue;
      const ours = extractMainText(parseDocument(readFileSync(source, 'utf8')));
      const reference = renderText(parseDocument(readFileSync(expected, 'utf8')), () => false);
      scores.push(shingleF1(ours, reference));
    }
    expect(scores.length).toBeGreaterThan(100);
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    expect(mean).toBeGreaterThan(0.85);
  });
});

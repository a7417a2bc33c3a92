// Regression guard for main-text quality on the Readability corpus (../shared): mean 4-gram
// shingle F1 against the expected main content, scored by the same code as the benchmark
// (bench/main-text-compare.ts; `npm run eval:main-text` prints the details and Readability.js).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusPages, expectedText, shingleF1, vigieMainText } from '../../bench/main-text-compare.ts';

const CORPUS = resolve(import.meta.dirname, '../../../shared/corpora/readability-pages');
const available = existsSync(CORPUS);
if (!available) console.warn(`skipping main-text corpus test: ${CORPUS} not found (../shared is absent)`);

describe.skipIf(!available)('main text on the Readability corpus', () => {
  it('reaches a mean shingle F1 above 0.935 (0.946 measured)', () => {
    const scores: number[] = [];
    for (const page of corpusPages(CORPUS)) {
      const ours = vigieMainText(readFileSync(resolve(CORPUS, page, 'source.html'), 'utf8'));
      scores.push(shingleF1(ours, expectedText(CORPUS, page)).f1);
    }
    expect(scores.length).toBeGreaterThan(100);
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    expect(mean).toBeGreaterThan(0.935);
  });
});

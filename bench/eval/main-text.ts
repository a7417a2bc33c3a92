// Main-text F1 (Vigie's extractor vs Mozilla Readability.js) from bench/main-text-compare.ts,
// which another part of the project owns; loaded lazily so the rest of the evaluation runs
// whether or not it exists yet.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface MainTextResult {
  pages: number;
  vigie: { f1: number; msPerPage: number };
  readability: { f1: number; msPerPage: number };
}

type Comparison = (corpusDir: string) => Promise<MainTextResult>;

export const MAIN_TEXT_CORPUS = 'corpora/readability-pages';

export async function evaluateMainText(sharedDir: string): Promise<MainTextResult | { skipped: string }> {
  const corpus = join(sharedDir, MAIN_TEXT_CORPUS);
  if (!existsSync(corpus)) return { skipped: `${corpus} not found` };
  const module = join(import.meta.dirname, '../main-text-compare.ts');
  if (!existsSync(module)) return { skipped: 'bench/main-text-compare.ts is not in this checkout yet' };
  const loaded = (await import(pathToFileURL(module).href)) as { mainTextComparison?: Comparison };
  if (typeof loaded.mainTextComparison !== 'function') return { skipped: 'bench/main-text-compare.ts does not export mainTextComparison' };
  return loaded.mainTextComparison(corpus);
}

// MLMA hate-speech tweets (French and English). The `sentiment` column holds the labels the
// annotators gave, joined by "_" (e.g. "offensive_hateful", "normal"). Mapping used for `hate`:
//   positive = at least one annotator said "hateful";
//   negative = "normal" and nothing else;
//   everything else (offensive, abusive, disrespectful, fearful without "hateful") is rude or
//   hostile but not labelled hate speech: left out of P/R/F1, and its alert rate reported apart.
// A second figure counts those tweets as negatives too (strict reading).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuleSet } from '../../extractors/rules/index.ts';
import { parseCsv } from './csv.ts';
import { alertingCategories } from './flags.ts';
import { count, emptyCounts, scores } from './metrics.ts';
import type { Counts, Scores } from './metrics.ts';

export const MLMA_LANGUAGES = ['fr', 'en'] as const;
export type MlmaLanguage = (typeof MLMA_LANGUAGES)[number];

export type MlmaClass = 'hateful' | 'normal' | 'other';

export function mlmaClass(sentiment: string): MlmaClass {
  const labels = sentiment.trim().split('_').filter(Boolean);
  if (labels.includes('hateful')) return 'hateful';
  if (labels.length === 1 && labels[0] === 'normal') return 'normal';
  return 'other';
}

export interface MlmaResult {
  language: MlmaLanguage;
  tweets: number;
  hateful: number;
  normal: number;
  other: number;
  /** Hateful vs normal. */
  counts: Counts;
  scores: Scores;
  /** Hateful vs everything else (offensive and the like counted as negatives). */
  strict: Scores;
  /** Share of the "other" tweets that raise a hate alert. */
  otherAlertRate: number;
  /** Recall on the hateful tweets per annotated `target` (origin, religion, gender, other...). */
  recallByTarget: Array<{ target: string; hateful: number; recall: number }>;
}

export function evaluateMlma(sharedDir: string, language: MlmaLanguage, ruleSet: RuleSet): MlmaResult | { skipped: string } {
  const file = join(sharedDir, `corpora/mlma/${language}_dataset.csv`);
  if (!existsSync(file)) return { skipped: `${file} not found` };
  const records = parseCsv(readFileSync(file, 'utf8'), ['tweet', 'sentiment'], file);
  const counts = emptyCounts();
  const strict = emptyCounts();
  const sizes = { hateful: 0, normal: 0, other: 0 };
  let otherAlerts = 0;
  const byTarget = new Map<string, { hateful: number; found: number }>();
  for (const record of records) {
    const cls = mlmaClass(record.sentiment!);
    sizes[cls]++;
    const predicted = alertingCategories(record.tweet!, ruleSet).has('hate');
    count(strict, cls === 'hateful', predicted);
    if (cls === 'hateful') {
      const target = record.target?.trim() || '(none)';
      const t = byTarget.get(target) ?? { hateful: 0, found: 0 };
      byTarget.set(target, t);
      t.hateful++;
      if (predicted) t.found++;
    }
    if (cls === 'other') {
      if (predicted) otherAlerts++;
      continue;
    }
    count(counts, cls === 'hateful', predicted);
  }
  return {
    language,
    tweets: records.length,
    ...sizes,
    counts,
    scores: scores(counts),
    strict: scores(strict),
    otherAlertRate: sizes.other === 0 ? 0 : otherAlerts / sizes.other,
    recallByTarget: [...byTarget.entries()]
      .map(([target, t]) => ({ target, hateful: t.hateful, recall: t.found / t.hateful }))
      .sort((a, b) => b.hateful - a.hateful),
  };
}

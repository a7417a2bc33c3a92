// HateCheck English functional tests: every case run through the analysis, the hate flag compared
// with `label_gold` (hateful / non-hateful) at the hate alert threshold. Reports the macro F1 of the
// two classes and the accuracy per functionality (the kind of phenomenon each case tests).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuleSet } from '../../extractors/rules/index.ts';
import { parseCsv } from './csv.ts';
import { alertingCategories, alertThreshold } from './flags.ts';
import { accuracy, count, emptyCounts, macroF1, scores } from './metrics.ts';
import type { Counts, Scores } from './metrics.ts';

export const HATECHECK_FILE = 'corpora/hatecheck-en/test_suite_cases.csv';
/** A functionality fails when fewer than half of its cases get the right answer. */
export const FAILING_ACCURACY = 0.5;

export interface FunctionalityResult {
  name: string;
  /** Gold label of its cases (every functionality has one label). */
  label: string;
  cases: number;
  accuracy: number;
}

export interface HateCheckResult {
  file: string;
  cases: number;
  threshold: number;
  counts: Counts;
  hateful: Scores;
  macroF1: number;
  accuracy: number;
  functionalities: FunctionalityResult[];
  /** Recall on the hateful cases and false-alert rate on the others, per target group. */
  targets: Array<{ target: string; hateful: number; recall: number; nonHateful: number; falseAlertRate: number }>;
  failing: FunctionalityResult[];
  msPerCase: number;
}

export function evaluateHateCheck(sharedDir: string, ruleSet: RuleSet): HateCheckResult | { skipped: string } {
  const file = join(sharedDir, HATECHECK_FILE);
  if (!existsSync(file)) return { skipped: `${file} not found` };
  const records = parseCsv(readFileSync(file, 'utf8'), ['functionality', 'test_case', 'label_gold'], file);
  const total = emptyCounts();
  const byFunctionality = new Map<string, { label: string; counts: Counts }>();
  const byTarget = new Map<string, Counts>();
  const start = performance.now();
  for (const record of records) {
    const gold = record.label_gold!.trim();
    if (gold !== 'hateful' && gold !== 'non-hateful') throw new Error(`${file}: unexpected label_gold "${gold}"`);
    const expected = gold === 'hateful';
    const predicted = alertingCategories(record.test_case!, ruleSet).has('hate');
    count(total, expected, predicted);
    const name = record.functionality!;
    let entry = byFunctionality.get(name);
    if (!entry) byFunctionality.set(name, (entry = { label: gold, counts: emptyCounts() }));
    count(entry.counts, expected, predicted);
    const target = record.target_ident?.trim() || '(none)';
    let targetCounts = byTarget.get(target);
    if (!targetCounts) byTarget.set(target, (targetCounts = emptyCounts()));
    count(targetCounts, expected, predicted);
  }
  const msPerCase = (performance.now() - start) / Math.max(1, records.length);
  const functionalities = [...byFunctionality.entries()]
    .map(([name, { label, counts }]) => ({ name, label, cases: counts.tp + counts.fp + counts.fn + counts.tn, accuracy: accuracy(counts) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const targets = [...byTarget.entries()]
    .map(([target, c]) => ({
      target,
      hateful: c.tp + c.fn,
      recall: c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn),
      nonHateful: c.fp + c.tn,
      falseAlertRate: c.fp + c.tn === 0 ? 0 : c.fp / (c.fp + c.tn),
    }))
    .sort((a, b) => a.target.localeCompare(b.target));
  return {
    file,
    targets,
    cases: records.length,
    threshold: alertThreshold(ruleSet, 'hate'),
    counts: total,
    hateful: scores(total),
    macroF1: macroF1(total),
    accuracy: accuracy(total),
    functionalities,
    failing: functionalities.filter((f) => f.accuracy < FAILING_ACCURACY),
    msPerCase,
  };
}

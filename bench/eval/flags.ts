// The alert decision the evaluation measures: a category alerts when its score reaches the
// category threshold of its rule file (`threshold:`), else the default "medium" sensitivity.

import { SENSITIVITY_THRESHOLDS } from '../../config/target-schema.ts';
import { analyzeText } from '../../extractors/analyze.ts';
import type { RuleSet } from '../../extractors/rules/index.ts';
import type { Category } from '../../extractors/types.ts';

export const DEFAULT_THRESHOLD = SENSITIVITY_THRESHOLDS.medium;

export function alertThreshold(ruleSet: RuleSet, category: Category): number {
  return ruleSet.thresholds[category] ?? DEFAULT_THRESHOLD;
}

/** Categories that alert on `text`, with their scores. */
export function alertingCategories(text: string, ruleSet: RuleSet): Map<Category, number> {
  const out = new Map<Category, number>();
  for (const flag of analyzeText(text, ruleSet).flags) {
    if (flag.score >= alertThreshold(ruleSet, flag.category)) out.set(flag.category, flag.score);
  }
  return out;
}

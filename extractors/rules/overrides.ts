// Per-target adjustments of the rule set (the `rules` section of a watch target) and the alert
// threshold of each category.
//
// Threshold precedence, first that is set wins:
//   1. the target's per-category threshold   (rules.thresholds.<category>)
//   2. the target's threshold                (threshold)
//   3. the rule file's category threshold, shifted by the target's sensitivity: the file's value
//      is the threshold at medium sensitivity, high lowers it and low raises it by the same step
//      as the levels differ (0.2), kept within [0.05, 1]
//   4. the target's sensitivity level         (low 0.8, medium 0.6, high 0.4)
import { SENSITIVITY_THRESHOLDS } from '../../config/target-schema.ts';
import type { TargetRules, WatchTarget } from '../../config/target-schema.ts';
import type { Category, Flag } from '../types.ts';
import type { CompiledRule, RuleSet } from './compile.ts';

/** The `rules` section of a target, resolved for fast lookups while classifying. */
export interface ResolvedOverrides {
  disabled: ReadonlySet<string>;
  weights: ReadonlyMap<string, number>;
  categoriesOn: ReadonlySet<Category>;
  categoriesOff: ReadonlySet<Category>;
}

const resolved = new WeakMap<TargetRules, ResolvedOverrides>();

/** Memoised per section object (targets are frozen snapshots), so a page pays one lookup. */
export function resolveOverrides(rules: TargetRules | undefined): ResolvedOverrides | undefined {
  if (!rules) return undefined;
  let out = resolved.get(rules);
  if (!out) {
    const entries = Object.entries(rules.categories) as [Category, 'on' | 'off'][];
    out = {
      disabled: new Set(rules.disable),
      weights: new Map(Object.entries(rules.weights)),
      categoriesOn: new Set(entries.filter(([, v]) => v === 'on').map(([c]) => c)),
      categoriesOff: new Set(entries.filter(([, v]) => v === 'off').map(([c]) => c)),
    };
    resolved.set(rules, out);
  }
  return out;
}

/** Whether the rule runs for a target with these overrides, and with which weight (0: it does not). */
export function effectiveWeight(rule: CompiledRule, overrides: ResolvedOverrides | undefined): number {
  if (!overrides) return rule.enabledByDefault ? rule.weight : 0;
  if (overrides.categoriesOff.has(rule.category) || overrides.disabled.has(rule.id)) return 0;
  if (!rule.enabledByDefault && !overrides.categoriesOn.has(rule.category)) return 0;
  return overrides.weights.get(rule.id) ?? rule.weight;
}

export type ThresholdTarget = Pick<WatchTarget, 'threshold' | 'sensitivity'> & { rules?: Pick<TargetRules, 'thresholds'> };

/** The score a flag of `category` must reach to become an alert for this target (see the precedence above). */
export function categoryThreshold(category: Category, target: ThresholdTarget, ruleSet: Pick<RuleSet, 'thresholds'>): number {
  const explicit = target.rules?.thresholds[category] ?? target.threshold;
  if (explicit !== undefined) return explicit;
  const fromFile = ruleSet.thresholds[category];
  if (fromFile === undefined) return SENSITIVITY_THRESHOLDS[target.sensitivity];
  // Sensitivity still means something for categories whose rule file sets a threshold.
  const shift = SENSITIVITY_THRESHOLDS[target.sensitivity] - SENSITIVITY_THRESHOLDS.medium;
  return Math.round(Math.min(1, Math.max(0.05, fromFile + shift)) * 1000) / 1000;
}

/** Partner hash-list matches (extractors/hashes) always alert, whatever categories a target watches. */
function isHashListFlag(flag: Flag): boolean {
  return flag.rules.some((rule) => rule.ruleId.startsWith('hashlist.'));
}

/** What deciding alerts needs of a target. */
export type AlertTarget = ThresholdTarget & Pick<WatchTarget, 'categories'>;

/**
 * The flags that become alerts for this target: at or above their threshold, of a category it
 * watches. A match against a partner's hash list is never filtered out by the categories a
 * target watches: a known child-abuse image on a drugs forum must still reach an analyst.
 */
export function alertingFlags(flags: readonly Flag[], target: AlertTarget, ruleSet: Pick<RuleSet, 'thresholds'>): Flag[] {
  const wanted = target.categories;
  return flags.filter(
    (flag) => (wanted.length === 0 || wanted.includes(flag.category) || isHashListFlag(flag)) && flag.score >= categoryThreshold(flag.category, target, ruleSet),
  );
}

/**
 * Problems of a target's `rules` section against a rule set: unknown rule ids (a typo would
 * silently disable nothing). Paths are relative to the target (`rules.disable.0`).
 */
export function overrideIssues(rules: TargetRules | undefined, ruleSet: RuleSet): { path: string; message: string }[] {
  if (!rules) return [];
  const known = new Set(ruleSet.rules.map((r) => r.id));
  const issues: { path: string; message: string }[] = [];
  rules.disable.forEach((id, k) => {
    if (!known.has(id)) issues.push({ path: `rules.disable.${k}`, message: `unknown rule id "${id}"` });
  });
  for (const id of Object.keys(rules.weights)) {
    if (!known.has(id)) issues.push({ path: `rules.weights.${id}`, message: `unknown rule id "${id}"` });
  }
  return issues;
}

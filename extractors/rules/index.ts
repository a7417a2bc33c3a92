// Rule engine: lexicons and rules as data (config/rules/*.yaml), compiled into one automaton,
// run in one pass over normalised text, scored per category. See compile.ts, automaton.ts and
// evaluate.ts.

import type { Category } from '../types.ts';
import type { RuleSet } from './compile.ts';

export { classify, scoreFlag } from './evaluate.ts';
export type { ClassifyOptions, ClassifyTrace, RuleOutcome, RuleTrace } from './evaluate.ts';
export { compileRuleSet, compileSources } from './compile.ts';
export type { CompiledRule, CompiledUnless, RuleSet, RuleSource } from './compile.ts';
export { loadRuleSet, loadRuleSetWith, readRuleFile } from './load.ts';
export { fixedRuleSet, isRuleSetSource, watchRuleSet, RULES_POLL_MS } from './source.ts';
export type { RuleSetSource, WatchedRuleSet } from './source.ts';
export { checkPattern } from './regex-guard.ts';
export { alertingFlags, categoryThreshold, effectiveWeight, overrideIssues, resolveOverrides } from './overrides.ts';
export type { AlertTarget, ResolvedOverrides, ThresholdTarget } from './overrides.ts';

export interface RuleSetStats {
  rules: number;
  rulesByCategory: Partial<Record<Category, number>>;
  /** Distinct (rule, term) pairs, negative-context terms included. */
  terms: number;
  /** Negative-context (unless) clauses. */
  unlessClauses: number;
  /** Nodes of the term automaton. */
  automatonNodes: number;
}

export function ruleSetStats(ruleSet: RuleSet): RuleSetStats {
  const rulesByCategory: Partial<Record<Category, number>> = {};
  for (const rule of ruleSet.rules) rulesByCategory[rule.category] = (rulesByCategory[rule.category] ?? 0) + 1;
  return {
    rules: ruleSet.rules.length,
    rulesByCategory,
    terms: ruleSet.entries.length,
    unlessClauses: ruleSet.clauses.length,
    automatonNodes: ruleSet.automaton.size,
  };
}

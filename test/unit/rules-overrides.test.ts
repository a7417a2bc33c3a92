// Per-target rule adjustments and the precedence of alert thresholds.
import { describe, expect, it } from 'vitest';
import { parseTargetsYaml } from '../../config/index.ts';
import { formatConfigIssue, type ConfigError } from '../../config/errors.ts';
import { alertingFlags, categoryThreshold, classify, compileRuleSet, overrideIssues, resolveOverrides } from '../../extractors/rules/index.ts';

const ruleSet = compileRuleSet([
  { source: 'drugs.yaml', document: { category: 'drugs', threshold: 0.5, rules: [
    { id: 'd.sub', description: 'd', weight: 0.3, terms: ['ketamine'] },
    { id: 'd.offer', description: 'd', weight: 0.6, terms: ['vends'] },
  ] } },
  { source: 'hate.yaml', document: { category: 'hate', rules: [{ id: 'h.slur', description: 'd', weight: 0.7, terms: ['vermine'] }] } },
  { source: 'extra.yaml', document: { category: 'counterfeit', enabled: false, rules: [{ id: 'c.extra', description: 'd', weight: 0.9, terms: ['replica'] }] } },
]);

function target(extra = '') {
  return parseTargetsYaml(`targets:\n  - id: t\n    name: T\n    seeds: [https://example.org/]\n${extra}`)[0]!;
}

const TEXT = 'vends ketamine, vermine, replica';
const scores = (overridesYaml: string) => {
  const t = target(overridesYaml);
  return Object.fromEntries(classify(TEXT, [], ruleSet, { overrides: resolveOverrides(t.rules) }).map((f) => [f.category, f.score]));
};

describe('per-target rule overrides', () => {
  it('defaults: extra files are off, every other rule runs with its weight', () => {
    expect(scores('')).toEqual({ drugs: 0.72, hate: 0.7 });
    expect(Object.fromEntries(classify(TEXT, [], ruleSet).map((f) => [f.category, f.score]))).toEqual({ drugs: 0.72, hate: 0.7 });
  });

  it('disables rules, overrides weights and turns categories off and on', () => {
    expect(scores('    rules:\n      disable: [d.offer]\n')).toEqual({ drugs: 0.3, hate: 0.7 });
    expect(scores('    rules:\n      weights: { d.sub: 0.9 }\n')).toEqual({ drugs: 0.96, hate: 0.7 });
    expect(scores('    rules:\n      categories: { hate: off, counterfeit: on }\n')).toEqual({ drugs: 0.72, counterfeit: 0.9 });
  });

  it('validates the section with precise paths', () => {
    try {
      target('    rules:\n      thresholds: { drugs: 2, nope: 0.5 }\n      weights: { d.sub: 0 }\n      categories: { hate: maybe }\n      disable: ["Bad Id"]\n');
      expect.unreachable();
    } catch (err) {
      const lines = (err as ConfigError).issues.map(formatConfigIssue).join('\n');
      expect(lines).toMatch(/targets\.0\.rules\.thresholds\.drugs: /);
      expect(lines).toMatch(/targets\.0\.rules\.thresholds\.nope|targets\.0\.rules\.thresholds: /);
      expect(lines).toMatch(/targets\.0\.rules\.weights\.d\.sub: weight must be above 0/);
      expect(lines).toMatch(/targets\.0\.rules\.categories\.hate: /);
      expect(lines).toMatch(/targets\.0\.rules\.disable\.0: /);
    }
  });

  it('reports rule ids unknown to the rule set', () => {
    const t = target('    rules:\n      disable: [d.sub, d.typo]\n      weights: { h.slurr: 0.5 }\n');
    expect(overrideIssues(t.rules, ruleSet)).toEqual([
      { path: 'rules.disable.1', message: 'unknown rule id "d.typo"' },
      { path: 'rules.weights.h.slurr', message: 'unknown rule id "h.slurr"' },
    ]);
  });
});

describe('alert thresholds', () => {
  it('follows the precedence: target per-category > target threshold > rule file shifted by sensitivity > sensitivity', () => {
    expect(categoryThreshold('hate', target(), ruleSet)).toBe(0.6); // sensitivity medium
    expect(categoryThreshold('hate', target('    sensitivity: high\n'), ruleSet)).toBe(0.4);
    expect(categoryThreshold('drugs', target(), ruleSet)).toBe(0.5); // rule file, as written at medium
    expect(categoryThreshold('drugs', target('    sensitivity: high\n'), ruleSet)).toBe(0.3); // rule file - 0.2
    expect(categoryThreshold('drugs', target('    sensitivity: low\n'), ruleSet)).toBe(0.7); // rule file + 0.2
    expect(categoryThreshold('drugs', target('    threshold: 0.7\n'), ruleSet)).toBe(0.7);
    expect(categoryThreshold('drugs', target('    threshold: 0.7\n    rules:\n      thresholds: { drugs: 0.2 }\n'), ruleSet)).toBe(0.2);
    expect(categoryThreshold('hate', target('    threshold: 0.7\n    rules:\n      thresholds: { drugs: 0.2 }\n'), ruleSet)).toBe(0.7);
  });

  it('keeps the flags at or above their threshold, of the categories the target watches', () => {
    const flags = classify(TEXT, [], ruleSet);
    expect(alertingFlags(flags, target(), ruleSet).map((f) => f.category)).toEqual(['drugs', 'hate']);
    expect(alertingFlags(flags, target('    rules:\n      thresholds: { hate: 0.8 }\n'), ruleSet).map((f) => f.category)).toEqual(['drugs']);
    expect(alertingFlags(flags, target('    categories: [hate]\n'), ruleSet).map((f) => f.category)).toEqual(['hate']);
  });

  it('never filters out a partner hash-list match by the categories a target watches', () => {
    const match = { category: 'child-abuse' as const, score: 0.95, tags: [], rules: [{ ruleId: 'hashlist.partner', weight: 0.95, terms: [] }] };
    const rule = { category: 'child-abuse' as const, score: 0.95, tags: [], rules: [{ ruleId: 'some-rule', weight: 0.95, terms: [] }] };
    expect(alertingFlags([match, rule], target('    categories: [drugs]\n'), ruleSet).map((f) => f.rules[0]!.ruleId)).toEqual(['hashlist.partner']);
  });
});

// Regex rules on RE2: linear time on patterns that backtrack exponentially in JavaScript, offsets
// in UTF-16 units of the original text, precise load errors for what RE2 cannot run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, formatConfigIssue } from '../../config/errors.ts';
import { checkPattern, classify, compileRuleSet, loadRuleSet } from '../../extractors/rules/index.ts';

function regexRules(pattern: string, extra: Record<string, unknown> = {}) {
  return compileRuleSet([{ source: 'r.yaml', document: { category: 'fraud', rules: [{ id: 'r', description: 'd', weight: 0.5, regex: { pattern, ...extra } }] } }]);
}

const matchesOf = (text: string, pattern: string, extra: Record<string, unknown> = {}) =>
  classify(text, [], regexRules(pattern, extra))[0]?.rules[0]?.terms.map((t) => text.slice(t.start, t.end)) ?? [];

describe('regex rules on RE2', () => {
  it('runs patterns that backtrack exponentially in JavaScript, on long hostile text', () => {
    // Under JavaScript's engine /(a+)+$/ on 50,000 "a" and a "!" would not finish in a lifetime;
    // this test completing at all (vitest's 5 s timeout) is the check.
    const hostile = `${'a'.repeat(50_000)}!`;
    expect(classify(hostile, [], regexRules('(a+)+$'))).toEqual([]);
    expect(classify(hostile, [], regexRules('(a|aa)+b'))).toEqual([]);
    expect(classify(`${'x '.repeat(20_000)}y`, [], regexRules('(x\\s*)*z'))).toEqual([]);
  });

  it('reports original UTF-16 offsets across surrogate pairs and accents', () => {
    const text = '😀 𝐀 Café 12 € ou 𝒳 5€ 🎉 cafe';
    expect(matchesOf(text, 'caf\\S*')).toEqual(['Café', 'cafe']);
    expect(matchesOf(text, '\\d+\\s?€')).toEqual(['12 €', '5€']);
    expect(matchesOf(text, '\\p{Greek}|é')).toEqual(['é']);
  });

  it('reads Unicode spaces as spaces for \\s, offsets unchanged', () => {
    const text = 'prix\u00a0: 60\u202f€ le\u00a0g';
    expect(matchesOf(text, '\\d+\\s€\\sle\\sg')).toEqual(['60\u202f€ le\u00a0g']);
  });

  it('honours ignoreCase and min, and caps the matches kept per document', () => {
    expect(matchesOf('ABC abc', 'abc', { ignoreCase: false })).toEqual(['abc']);
    expect(matchesOf('ABC abc', 'abc')).toEqual(['ABC', 'abc']);
    expect(matchesOf('one 1', '\\d', { min: 2 })).toEqual([]);
    const flag = classify('7 '.repeat(10_000), [], regexRules('\\d'))[0]!;
    expect(flag.rules[0]!.terms.length).toBe(20);
  });

  it('refuses patterns that match the empty string, and never counts an empty match', () => {
    expect(() => regexRules('x*')).toThrow(/problem/);
    expect(checkPattern('a|')).toMatch(/matches the empty string/);
    expect(checkPattern('\\bx?\\b')).toBeUndefined(); // empty only between two word characters
    expect(matchesOf('ab cd', '\\bx?\\b')).toEqual([]);
  });

  it('refuses at load what RE2 cannot run, with file and path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-re2-'));
    try {
      writeFileSync(join(dir, 'bad.yaml'), [
        'category: fraud',
        'rules:',
        "  - { id: a, description: d, weight: 0.5, regex: { pattern: '(?<=€)\\d+' } }",
        "  - { id: b, description: d, weight: 0.5, regex: { pattern: '(\\w)\\1' } }",
        "  - { id: c, description: d, weight: 0.5, regex: { pattern: '[a-' } }",
        "  - { id: d, description: d, weight: 0.5, regex: { pattern: 'ok\\b' } }",
      ].join('\n'));
      let lines: string[] = [];
      try {
        loadRuleSet(dir);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        lines = (err as ConfigError).issues.map(formatConfigIssue);
      }
      const file = join(dir, 'bad.yaml');
      expect(lines).toEqual([
        `${file}: rules.0.regex.pattern: lookbehind is not supported by RE2: match the context instead, or use a near rule`,
        `${file}: rules.1.regex.pattern: backreferences are not supported by RE2 (matching must stay linear)`,
        expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: rules\\.2\\.regex\\.pattern: invalid pattern \\(RE2 syntax\\): `)),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every shipped regex compiles under RE2', async () => {
    const { DEFAULT_RULES_DIR } = await import('../../config/index.ts');
    const rules = loadRuleSet(DEFAULT_RULES_DIR).rules.filter((r) => r.kind === 'regex');
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) expect(rule.regex, rule.id).toBeDefined();
  });
});


import { describe, expect, it } from 'vitest';
import { ConfigError, formatConfigIssue } from '../../config/errors.ts';
import { checkPattern, classify, compileRuleSet, ruleSetStats } from '../../extractors/rules/index.ts';
import type { RuleSource } from '../../extractors/rules/index.ts';
import type { Entity } from '../../extractors/types.ts';

const sources: RuleSource[] = [
  { source: 'common.yaml', document: { lists: { sale: ['vente', 'vend*', 'selling', 'livraison', 'à vendre'] } } },
  {
    source: 'drugs.yaml',
    document: {
      category: 'drugs',
      unless: [
        { terms: ['saisie', 'interpellé*'], within: 5 },
        { terms: ['prévention', 'addiction'], min: 2, factor: 0.5 },
      ],
      rules: [
        { id: 'd.substance', description: 'substance', weight: 0.3, terms: ['cocain*', 'mdma', 'héroïne', 'crystal meth'] },
        { id: 'd.offer', description: 'offer', weight: 0.6, near: { a: ['cocain*', 'mdma'], b: ['@sale'], within: 4 } },
        { id: 'd.set', description: 'set', weight: 0.5, set: { terms: ['escrow', 'stealth', 'vendor', 'pgp'], min: 3 } },
        { id: 'd.price', description: 'price', weight: 0.2, regex: { pattern: '\\b\\d+\\s?€\\s?le\\s?g\\b' } },
        { id: 'd.wallet', description: 'wallet', weight: 0.4, entities: { types: ['btc'], terms: ['cocain*'], within: 5 } },
        { id: 'd.en', description: 'english only', weight: 0.2, languages: ['en'], terms: ['molly'] },
      ],
    },
  },
];

const ruleSet = compileRuleSet(sources);
const drugs = (text: string, entities: Entity[] = [], language?: string) =>
  classify(text, entities, ruleSet, { language }).find((f) => f.category === 'drugs');

describe('compileRuleSet and classify', () => {
  it('fires term rules with original offsets, whatever the spelling', () => {
    for (const text of ['Achète C0CA1NE ici', 'achète c.o.c.a.ï.n.e ici', 'achète cоcaine ici', 'achète coooocaine ici', 'achète co\u200Bcaine ici']) {
      const flag = drugs(text);
      expect(flag?.score, text).toBe(0.3);
      const match = flag!.rules[0]!.terms[0]!;
      expect(match.term).toBe('cocain*');
      expect(text.slice(match.start, match.end)).toMatch(/^c/i);
      expect(text.slice(match.end)).toBe(' ici');
    }
  });

  it('matches multi-word terms and prefixes', () => {
    expect(drugs('du crystal meth pur')?.rules[0]?.terms[0]?.term).toBe('crystal meth');
    expect(drugs('crystal clear water')).toBeUndefined();
    expect(drugs('cocaïnomane')?.score).toBe(0.3);
  });

  it('combines rules with a noisy-OR and sorts rules by weight', () => {
    const flag = drugs('Vente de cocaïne, 60€ le g');
    expect(flag?.rules.map((r) => r.ruleId)).toEqual(['d.offer', 'd.substance', 'd.price']);
    expect(flag?.score).toBeCloseTo(1 - 0.4 * 0.7 * 0.8, 3);
    expect(flag?.tags).toContain('dark-web:topic="drugs-narcotics"');
  });

  it('needs both groups of a near rule within the distance', () => {
    expect(drugs('mdma et bien plus encore, de toutes sortes, livraison')?.rules.map((r) => r.ruleId)).toEqual(['d.substance']);
    expect(drugs('mdma livraison')?.rules.map((r) => r.ruleId)).toContain('d.offer');
  });

  it('needs k distinct terms for a set rule', () => {
    expect(drugs('escrow escrow stealth')).toBeUndefined();
    expect(drugs('escrow, stealth and a trusted vendor')?.rules[0]?.ruleId).toBe('d.set');
  });

  it('needs the entity near the term for an entity rule', () => {
    const text = 'cocaine here: bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';
    const start = text.indexOf('bc1');
    const btc: Entity = { type: 'btc', value: text.slice(start), start, end: text.length };
    const hit = drugs(text, [btc])?.rules.find((r) => r.ruleId === 'd.wallet');
    expect(hit?.entities).toEqual(['btc']);
    const far = `cocaine ${'word '.repeat(20)}${text.slice(start)}`;
    const farStart = far.indexOf('bc1');
    expect(drugs(far, [{ ...btc, start: farStart, end: far.length }])?.rules.map((r) => r.ruleId)).not.toContain('d.wallet');
  });

  it('cancels a hit near a negative term and dampens a rule on document-wide context', () => {
    expect(drugs('la saisie de cocaïne au port')).toBeUndefined();
    expect(drugs('cocaïne ' + 'mot '.repeat(10) + 'saisie')?.score).toBe(0.3);
    expect(drugs('cocaïne : prévention et addiction')?.score).toBe(0.15);
  });

  it('skips rules restricted to another language', () => {
    expect(drugs('molly', [], 'fr')).toBeUndefined();
    expect(drugs('molly', [], 'en')?.score).toBe(0.2);
    expect(drugs('molly')?.score).toBe(0.2);
  });

  it('returns nothing for unrelated or empty text', () => {
    expect(classify('', [], ruleSet)).toEqual([]);
    expect(classify('Le match de football était superbe.', [], ruleSet)).toEqual([]);
  });

  it('reports rule and term counts', () => {
    const stats = ruleSetStats(ruleSet);
    expect(stats.rules).toBe(6);
    expect(stats.rulesByCategory.drugs).toBe(6);
    expect(stats.unlessClauses).toBe(2);
    expect(stats.terms).toBeGreaterThan(15);
  });

  it('reports every problem with file and path', () => {
    const bad: RuleSource[] = [
      { source: 'a.yaml', document: { category: 'drugs', rules: [
        { id: 'x', description: 'd', weight: 2, terms: ['ok'] },
        { id: 'y', description: 'd', weight: 0.5, terms: ['@nope', '*', 'a*'] },
        { id: 'z', description: 'd', weight: 0.5, terms: ['ok'], near: { a: ['a'], b: ['b'], within: 2 } },
        { id: 'w', description: 'd', weight: 0.5, regex: { pattern: 'x(?=y)' } },
        { id: 'y', description: 'd', weight: 0.5, set: { terms: ['a', 'b'], min: 3 } },
      ] } },
      { source: 'b.yaml', document: { category: 'nope', rules: [], extra: 1 } },
    ];
    try {
      compileRuleSet(bad);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const lines = (err as ConfigError).issues.map(formatConfigIssue);
      expect(lines).toEqual(expect.arrayContaining([
        expect.stringMatching(/^a\.yaml: rules\.0\.weight: /),
        'a.yaml: rules.1.terms.0: unknown list "nope"',
        expect.stringMatching(/^a\.yaml: rules\.1\.terms\.1: /),
        expect.stringMatching(/^a\.yaml: rules\.1\.terms\.2: .*at least 3 letters/),
        expect.stringMatching(/^a\.yaml: rules\.2: a rule needs exactly one of/),
        expect.stringMatching(/^a\.yaml: rules\.3\.regex\.pattern: lookahead is not supported by RE2/),
        expect.stringMatching(/^a\.yaml: rules\.4\.id: rule id "y" is already used/),
        expect.stringMatching(/^b\.yaml: category: /),
        expect.stringMatching(/^b\.yaml: \(root\): Unrecognized key/),
      ]));
    }
  });
});

describe('checkPattern', () => {
  it('accepts what RE2 runs in linear time and refuses what it cannot run', () => {
    expect(checkPattern('\\b\\d{13,19}\\s?\\|\\s?\\d{2}')).toBeUndefined();
    expect(checkPattern('(?:\\d{1,3}\\.){3}\\d{1,3}')).toBeUndefined();
    // Nested quantifiers are harmless under RE2: no backtracking.
    expect(checkPattern('(a+)+$')).toBeUndefined();
    expect(checkPattern('(a|aa)+b')).toBeUndefined();
    expect(checkPattern('(\\w+)\\1')).toMatch(/backreferences are not supported/);
    expect(checkPattern('(?<=x)y')).toMatch(/lookbehind is not supported/);
    expect(checkPattern('(?!x)y')).toMatch(/lookahead is not supported/);
    expect(checkPattern('[(?=]x')).toBeUndefined();
    expect(checkPattern('(x')).toMatch(/invalid pattern \(RE2 syntax\): missing closing \)/);
    expect(checkPattern('caf\\u00e9')).toMatch(/\\x\{e9\}/);
    expect(checkPattern('x'.repeat(301))).toMatch(/longer than 300/);
  });
});

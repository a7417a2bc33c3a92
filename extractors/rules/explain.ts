// What fires on a text and why (`vigie rules test`): per category the score and the threshold,
// each rule that found something with its weight, the matched terms at their original offsets
// with the surrounding text, the entities involved, the negative context that cancelled or
// dampened hits, and the rules of the file under test that did not fire.
import { CATEGORIES } from '../types.ts';
import type { Category, Entity, EntityType, TermMatch } from '../types.ts';
import type { CompiledRule, RuleSet } from './compile.ts';
import { classify } from './evaluate.ts';
import type { ClassifyOptions, ClassifyTrace, RuleOutcome } from './evaluate.ts';
import { categoryThreshold } from './overrides.ts';
import type { ThresholdTarget } from './overrides.ts';

const CONTEXT_CHARS = 40;

export interface ExplainedMatch {
  term: string;
  start: number;
  end: number;
  /** The text spells the term differently: a misspelling of it, or it glued to another word (weighted down). */
  reading?: TermMatch['reading'];
  /** The original text of the match and around it. */
  before: string;
  text: string;
  after: string;
}

export interface ExplainedRule {
  id: string;
  category: Category;
  kind: CompiledRule['kind'];
  description: string;
  source: string;
  outcome: RuleOutcome;
  /** Weight after target overrides, before negative context; `weight` is what it fired with. */
  baseWeight: number;
  weight: number;
  matches: ExplainedMatch[];
  entities: EntityType[];
  negativeContext: { source: string; path: string; description?: string; scope: 'document' | 'near'; factor: number; effect: 'cancelled' | 'dampened'; matches: ExplainedMatch[] }[];
}

export interface ExplainedCategory {
  category: Category;
  score: number;
  threshold: number;
  alert: boolean;
  rules: string[];
}

export interface Explanation {
  language: string | null;
  entities: Entity[];
  categories: ExplainedCategory[];
  /** Every rule that found something, fired or not (fired first, then by weight). */
  rules: ExplainedRule[];
  /** Rules of the files under test that did not fire, with the reason. */
  notFired: { id: string; category: Category; source: string; reason: string }[];
}

export interface ExplainInput {
  text: string;
  language: string | null;
  entities: Entity[];
  ruleSet: RuleSet;
  /** Threshold settings (a target, or the defaults). */
  target: ThresholdTarget;
  /** The files whose rules are under test (listed when they do not fire). */
  filesUnderTest: readonly string[];
  overrides?: ClassifyOptions['overrides'];
}

export function explain(input: ExplainInput): Explanation {
  const { text, ruleSet } = input;
  const trace: ClassifyTrace = { rules: [] };
  const flags = classify(text, input.entities, ruleSet, { language: input.language ?? undefined, overrides: input.overrides, trace });
  const match = (m: TermMatch) => explainMatch(text, m);

  const rules: ExplainedRule[] = trace.rules.map((r) => ({
    id: r.rule.id,
    category: r.rule.category,
    kind: r.rule.kind,
    description: r.rule.description,
    source: r.rule.source,
    outcome: r.outcome,
    baseWeight: r.baseWeight,
    weight: r.weight,
    matches: r.hits.map(match),
    entities: r.entities,
    negativeContext: r.clauses.map((c) => {
      const clause = ruleSet.clauses[c.clause]!;
      return {
        source: clause.source,
        path: clause.path,
        ...(clause.description ? { description: clause.description } : {}),
        scope: c.scope,
        factor: c.factor,
        effect: c.factor === 0 ? ('cancelled' as const) : ('dampened' as const),
        matches: c.terms.map(match),
      };
    }),
  }));
  rules.sort((a, b) => Number(b.outcome === 'fired') - Number(a.outcome === 'fired') || b.weight - a.weight || a.id.localeCompare(b.id));

  const categories: ExplainedCategory[] = flags.map((flag) => {
    const threshold = categoryThreshold(flag.category, input.target, ruleSet);
    return { category: flag.category, score: flag.score, threshold, alert: flag.score >= threshold, rules: flag.rules.map((r) => r.ruleId) };
  });
  categories.sort((a, b) => CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category));

  const traced = new Map(rules.map((r) => [r.id, r]));
  const underTest = new Set(input.filesUnderTest);
  const notFired = ruleSet.rules
    .filter((rule) => underTest.has(rule.source) && traced.get(rule.id)?.outcome !== 'fired')
    .map((rule) => ({ id: rule.id, category: rule.category, source: rule.source, reason: notFiredReason(rule, traced.get(rule.id)?.outcome) }));

  return { language: input.language, entities: input.entities, categories, rules, notFired };
}

function notFiredReason(rule: CompiledRule, outcome: RuleOutcome | undefined): string {
  switch (outcome) {
    case undefined:
      return rule.kind === 'regex' ? 'the pattern does not match' : 'no term matched';
    case 'other-language':
      return `restricted to ${rule.languages?.join(', ') ?? '?'}`;
    case 'disabled':
      return rule.enabledByDefault ? 'disabled for this target' : 'its file is an extra (enabled: false) category';
    case 'cancelled':
      return 'every match was cancelled by negative context';
    case 'conditions-unmet':
      return conditionText(rule);
    case 'fired':
      return 'fired';
  }
}

function conditionText(rule: CompiledRule): string {
  switch (rule.kind) {
    case 'near':
      return `needs a term of each group within ${rule.within} words`;
    case 'set':
      return `needs ${rule.min} distinct terms of its set`;
    case 'regex':
      return `needs ${rule.min} matches`;
    case 'entities':
      return `needs a ${rule.entityTypes.join(' or ')} within ${rule.within} words of a term`;
    default:
      return 'conditions not met';
  }
}

function explainMatch(text: string, m: TermMatch): ExplainedMatch {
  const from = Math.max(0, m.start - CONTEXT_CHARS);
  const to = Math.min(text.length, m.end + CONTEXT_CHARS);
  return {
    term: m.term,
    start: m.start,
    end: m.end,
    ...(m.reading === undefined ? {} : { reading: m.reading }),
    before: oneLine((from > 0 ? '…' : '') + text.slice(from, m.start)),
    text: oneLine(text.slice(m.start, m.end)),
    after: oneLine(text.slice(m.end, to) + (to < text.length ? '…' : '')),
  };
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ');
}

// From the automaton's hits to flags. Each rule looks at its own hits; negative context
// ("unless" clauses) first removes or dampens the hits it is near, or the whole rule when it is
// document-wide; the rule then fires with its weight times the dampening it could not avoid.
// A category's score is the noisy-OR of its fired rules, 1 - Π(1 - w): one weak rule stays weak,
// independent pieces of evidence add up, and the score never exceeds 1.

import { categoryTags } from '../categories.ts';
import { normalizeText } from '../normalize/index.ts';
import type { Token } from '../normalize/index.ts';
import { CATEGORIES } from '../types.ts';
import type { Category, Entity, EntityType, Flag, RuleHit, TermMatch } from '../types.ts';
import { HIT_STRIDE } from './automaton.ts';
import { ClauseContext } from './clauses.ts';
import type { ClauseEffect } from './clauses.ts';
import type { CompiledRule, RuleSet } from './compile.ts';
import { effectiveWeight } from './overrides.ts';
import type { ResolvedOverrides } from './overrides.ts';
import { patternMatches, regexInput } from './regex-guard.ts';
import { distance, locateEntities, nearPairs, tokenSpan } from './spans.ts';
import type { Hit, Span } from './spans.ts';
import { READING_EXACT, READING_TYPO } from './typos.ts';
import type { ReadingKind } from './typos.ts';

export interface ClassifyOptions {
  /** ISO 639-1 language of the text; rules restricted to other languages are skipped. */
  language?: string;
  /** A target's adjustments (resolveOverrides of its `rules` section). */
  overrides?: ResolvedOverrides;
  /** Only the rules with these ids run (retro-hunt of one rule file). */
  onlyRules?: ReadonlySet<string>;
  /** Filled with why each rule that found something fired or not (`vigie rules test`); free when absent. */
  trace?: ClassifyTrace;
}

export type RuleOutcome = 'fired' | 'other-language' | 'disabled' | 'cancelled' | 'conditions-unmet';

export interface RuleTrace {
  rule: CompiledRule;
  outcome: RuleOutcome;
  /** Weight after per-target overrides, before negative context. */
  baseWeight: number;
  /** Weight the rule fired with (0 unless fired). */
  weight: number;
  /** What the rule fired on; for a rule that did not fire, every occurrence it found. */
  hits: TermMatch[];
  /** Negative-context clauses that cancelled or dampened hits, with their terms. */
  clauses: { clause: number; scope: ClauseEffect['scope']; factor: number; terms: TermMatch[] }[];
  /** Entity types the rule needs and that were found near its terms (entities rules). */
  entities: EntityType[];
}

export interface ClassifyTrace {
  rules: RuleTrace[];
}

/** Term matches reported per rule, to keep flags readable on pages that repeat a term. */
const MAX_MATCHES_PER_RULE = 20;
/**
 * Weight factor of a hit found only through a misspelled or glued-word reading (typos.ts): such a
 * reading is a guess, so it counts like a hit under mild negative context. A rule that has an exact
 * hit as well fires with its full weight (the evaluator takes the best level its hits allow).
 */
export const TYPO_HIT_FACTOR = 0.8;
/** Matches a regex rule collects per document: enough for any `min`, bounded on hostile pages. */
const MAX_REGEX_MATCHES = 200;

export function classify(text: string, entities: readonly Entity[], ruleSet: RuleSet, options: ClassifyOptions = {}): Flag[] {
  const normalized = normalizeText(text, ruleSet.foldCache);
  const { tokens } = normalized;
  const raw = ruleSet.automaton.scan(normalized);
  const { overrides, onlyRules, trace } = options;

  const ruleHits = new Map<number, Hit[]>();
  const clauseHits = new Map<number, Hit[]>();
  for (let k = 0; k < raw.length; k += HIT_STRIDE) {
    const entryId = raw[k]!;
    const first = raw[k + 1]!;
    const last = raw[k + 2]!;
    const reading = raw[k + 3]! as ReadingKind;
    const entry = ruleSet.entries[entryId]!;
    const hit: Hit = { entry: entryId, first, last, term: entry.term, start: tokens[first]!.start, end: tokens[last]!.end, group: entry.group, factor: 1 };
    if (reading !== READING_EXACT) hit.reading = reading === READING_TYPO ? 'misspelled' : 'glued';
    const bucket = entry.kind === 'rule' ? ruleHits : clauseHits;
    const list = bucket.get(entry.owner);
    if (list) list.push(hit);
    else bucket.set(entry.owner, [hit]);
  }

  const context = new ClauseContext(ruleSet, clauseHits, tokens.length);
  let entitySpans: Map<EntityType, Span[]> | undefined;
  let regexText: string | undefined;
  let matchingPatterns: Set<number> | undefined | null;
  const fired = new Map<Category, RuleHit[]>();

  ruleSet.rules.forEach((rule, index) => {
    if (onlyRules && !onlyRules.has(rule.id)) return;
    let hits: Hit[] | undefined;
    if (rule.kind === 'regex') {
      regexText ??= regexInput(text);
      if (matchingPatterns === undefined) matchingPatterns = ruleSet.patterns.matching(regexText) ?? null;
      if (matchingPatterns === null || matchingPatterns.has(rule.patternIndex)) hits = regexHits(rule, regexText, tokens);
    } else {
      hits = ruleHits.get(index);
    }
    if (!hits || hits.length === 0) return;
    const baseWeight = effectiveWeight(rule, overrides);
    const record = trace ? startTrace(trace, rule, hits, baseWeight) : undefined;
    if (options.language && rule.languages && !rule.languages.includes(options.language)) {
      if (record) record.outcome = 'other-language';
      return;
    }
    if (baseWeight <= 0) {
      if (record) record.outcome = 'disabled';
      return;
    }
    if (rule.kind === 'entities') entitySpans ??= locateEntities(entities, tokens);

    const docFactor = context.documentFactor(rule);
    if (docFactor > 0) for (const hit of hits) hit.factor = (hit.reading === undefined ? 1 : TYPO_HIT_FACTOR) * context.hitFactor(rule, hit);
    if (record) record.clauses = context.effects(rule, hits).map((e) => ({ clause: e.clause, scope: e.scope, factor: e.factor, terms: toMatches(e.hits) }));
    if (docFactor === 0) {
      if (record) record.outcome = 'cancelled';
      return;
    }
    const levels = [...new Set(hits.map((h) => h.factor))].filter((f) => f > 0).sort((a, b) => b - a);
    if (record) record.outcome = levels.length === 0 ? 'cancelled' : 'conditions-unmet';
    for (const level of levels) {
      const eligible = hits.filter((h) => h.factor >= level);
      const evidence = evaluateRule(rule, eligible, entitySpans);
      if (!evidence || !corroborated(evidence)) continue;
      const weight = round(baseWeight * level * docFactor);
      if (weight <= 0) break;
      const ruleHit: RuleHit = { ruleId: rule.id, weight, terms: toMatches(evidence.hits) };
      if (evidence.entities.length > 0) ruleHit.entities = evidence.entities;
      if (record) {
        record.outcome = 'fired';
        record.weight = weight;
        record.hits = ruleHit.terms;
        record.entities = evidence.entities;
      }
      const list = fired.get(rule.category);
      if (list) list.push(ruleHit);
      else fired.set(rule.category, [ruleHit]);
      break;
    }
  });

  const flags: Flag[] = [];
  for (const category of CATEGORIES) {
    const hits = fired.get(category);
    if (!hits) continue;
    const flag = scoreFlag(category, hits);
    if (flag) flags.push(flag);
  }
  return flags.sort((a, b) => b.score - a.score);
}

/** A category's flag from its fired rules (noisy-OR), or undefined when nothing weighs. */
export function scoreFlag(category: Category, hits: RuleHit[]): Flag | undefined {
  const score = round(1 - hits.reduce((p, h) => p * (1 - h.weight), 1));
  if (score <= 0) return undefined;
  hits.sort((a, b) => b.weight - a.weight);
  return { category, score, tags: [...categoryTags(category)], rules: hits };
}

function startTrace(trace: ClassifyTrace, rule: CompiledRule, hits: readonly Hit[], baseWeight: number): RuleTrace {
  const record: RuleTrace = { rule, outcome: 'conditions-unmet', baseWeight, weight: 0, hits: toMatches(hits), clauses: [], entities: [] };
  trace.rules.push(record);
  return record;
}

interface Evidence {
  hits: Hit[];
  entities: EntityType[];
}

/**
 * A misspelled or glued reading is a guess that ordinary words sometimes fit ("doing" is "doxing"
 * without its x, "beach" is "breach" without its r): it may complete a rule's evidence, never be all
 * of it. A rule fires only when one of its hits is spelled as written, or a validated entity backs it.
 */
function corroborated(evidence: Evidence): boolean {
  return evidence.entities.length > 0 || evidence.hits.some((h) => h.reading === undefined);
}

function evaluateRule(rule: CompiledRule, hits: Hit[], entitySpans: Map<EntityType, Span[]> | undefined): Evidence | undefined {
  switch (rule.kind) {
    case 'terms':
      return { hits, entities: [] };
    case 'regex':
      return hits.length >= rule.min ? { hits, entities: [] } : undefined;
    case 'set': {
      const distinct = new Set(hits.map((h) => h.entry));
      return distinct.size >= rule.min ? { hits, entities: [] } : undefined;
    }
    case 'near': {
      const a = hits.filter((h) => h.group === 0);
      const b = hits.filter((h) => h.group === 1);
      const pairs = nearPairs(a, b, rule.within, MAX_MATCHES_PER_RULE);
      return pairs.length > 0 ? { hits: pairs, entities: [] } : undefined;
    }
    case 'entities': {
      const found = new Set<EntityType>();
      const used: Hit[] = [];
      for (const type of rule.entityTypes) {
        const spans = entitySpans?.get(type) ?? [];
        for (const hit of hits) {
          if (spans.some((s) => distance(s, hit) <= rule.within)) {
            found.add(type);
            used.push(hit);
          }
        }
      }
      return found.size > 0 ? { hits: [...new Set(used)], entities: [...found] } : undefined;
    }
  }
}

function regexHits(rule: CompiledRule, text: string, tokens: readonly Token[]): Hit[] {
  const regex = rule.regex;
  if (!regex || tokens.length === 0) return [];
  const hits: Hit[] = [];
  const term = `/${rule.pattern ?? ''}/`;
  for (const [start, end] of patternMatches(regex, text, MAX_REGEX_MATCHES)) {
    hits.push({ entry: -1, ...tokenSpan(tokens, start, end), term, start, end, group: 0, factor: 1 });
  }
  return hits;
}

function toMatches(hits: readonly Hit[]): TermMatch[] {
  // One match per stretch of text: at each start, whole-word terms win over prefix terms (a
  // rejoined "c.o.c.a.i.n.e à" is reported as "c.o.c.a.i.n.e", not as the prefix reading that
  // swallows the "à"), then the longest span; anything overlapping a kept match is dropped.
  // An exact reading is preferred to a misspelled or glued one of the same stretch.
  const isPrefix = (h: Hit) => h.term.endsWith('*');
  const sorted = [...hits].sort(
    (a, b) => a.start - b.start || Number(isPrefix(a)) - Number(isPrefix(b)) || b.end - a.end || Number(a.reading !== undefined) - Number(b.reading !== undefined),
  );
  const out: TermMatch[] = [];
  let coverEnd = -1;
  for (const h of sorted) {
    if (h.start < coverEnd) continue;
    out.push(h.reading === undefined ? { term: h.term, start: h.start, end: h.end } : { term: h.term, start: h.start, end: h.end, reading: h.reading });
    coverEnd = h.end;
    if (out.length >= MAX_MATCHES_PER_RULE) break;
  }
  return out;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

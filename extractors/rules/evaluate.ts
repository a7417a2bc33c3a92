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
import type { CompiledRule, RuleSet } from './compile.ts';

export interface ClassifyOptions {
  /** ISO 639-1 language of the text; rules restricted to other languages are skipped. */
  language?: string;
}

/** Term matches reported per rule, to keep flags readable on pages that repeat a term. */
const MAX_MATCHES_PER_RULE = 20;
const MAX_REGEX_MATCHES = 200;

interface Hit {
  entry: number;
  first: number;
  last: number;
  /** Term as written, and original offsets. */
  term: string;
  start: number;
  end: number;
  group: 0 | 1;
  factor: number;
}

interface Span {
  first: number;
  last: number;
}

function distance(a: Span, b: Span): number {
  return Math.max(0, b.first - a.last, a.first - b.last);
}

export function classify(text: string, entities: readonly Entity[], ruleSet: RuleSet, options: ClassifyOptions = {}): Flag[] {
  const normalized = normalizeText(text, ruleSet.foldCache);
  const { tokens } = normalized;
  const raw = ruleSet.automaton.scan(normalized);

  const ruleHits = new Map<number, Hit[]>();
  const clauseHits = new Map<number, Hit[]>();
  for (let k = 0; k < raw.length; k += 3) {
    const entryId = raw[k]!;
    const first = raw[k + 1]!;
    const last = raw[k + 2]!;
    const entry = ruleSet.entries[entryId]!;
    const hit: Hit = { entry: entryId, first, last, term: entry.term, start: tokens[first]!.start, end: tokens[last]!.end, group: entry.group, factor: 1 };
    const bucket = entry.kind === 'rule' ? ruleHits : clauseHits;
    const list = bucket.get(entry.owner);
    if (list) list.push(hit);
    else bucket.set(entry.owner, [hit]);
  }

  const context = new ClauseContext(ruleSet, clauseHits, tokens.length);
  let entitySpans: Map<EntityType, Span[]> | undefined;
  const fired = new Map<Category, RuleHit[]>();

  ruleSet.rules.forEach((rule, index) => {
    if (options.language && rule.languages && !rule.languages.includes(options.language)) return;
    let hits: Hit[] | undefined;
    if (rule.kind === 'regex') hits = regexHits(rule, text, tokens);
    else hits = ruleHits.get(index);
    if (!hits || hits.length === 0) return;
    if (rule.kind === 'entities') entitySpans ??= locateEntities(entities, tokens);

    const docFactor = context.documentFactor(rule);
    if (docFactor === 0) return;
    for (const hit of hits) hit.factor = context.hitFactor(rule, hit);
    const levels = [...new Set(hits.map((h) => h.factor))].filter((f) => f > 0).sort((a, b) => b - a);
    for (const level of levels) {
      const eligible = hits.filter((h) => h.factor >= level);
      const evidence = evaluateRule(rule, eligible, entitySpans);
      if (!evidence) continue;
      const weight = round(rule.weight * level * docFactor);
      if (weight <= 0) break;
      const ruleHit: RuleHit = { ruleId: rule.id, weight, terms: toMatches(evidence.hits) };
      if (evidence.entities.length > 0) ruleHit.entities = evidence.entities;
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
    const score = round(1 - hits.reduce((p, h) => p * (1 - h.weight), 1));
    if (score <= 0) continue;
    hits.sort((a, b) => b.weight - a.weight);
    flags.push({ category, score, tags: [...categoryTags(category)], rules: hits });
  }
  return flags.sort((a, b) => b.score - a.score);
}

interface Evidence {
  hits: Hit[];
  entities: EntityType[];
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
      const pairs = nearPairs(a, b, rule.within);
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

/** Hits of either group that have a partner of the other group within `within` words. */
function nearPairs(a: Hit[], b: Hit[], within: number): Hit[] {
  if (a.length === 0 || b.length === 0) return [];
  const sortedB = [...b].sort((x, y) => x.first - y.first);
  const maxSpan = sortedB.reduce((m, h) => Math.max(m, h.last - h.first), 0);
  const used = new Set<Hit>();
  for (const hit of a) {
    // Candidates start no later than hit.last + within and no earlier than hit.first - within - maxSpan.
    let k = upperBound(sortedB, hit.last + within) - 1;
    for (; k >= 0; k--) {
      const other = sortedB[k]!;
      if (other.first < hit.first - within - maxSpan) break;
      if (other !== hit && distance(hit, other) <= within && !(other.first === hit.first && other.last === hit.last)) {
        used.add(hit);
        used.add(other);
      }
    }
    if (used.size >= MAX_MATCHES_PER_RULE * 2) break;
  }
  return [...used];
}

function upperBound(sorted: readonly Span[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.first <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Negative context of one classify call: which clauses are present, and where. */
class ClauseContext {
  private readonly coverage = new Map<number, Int32Array>();

  constructor(
    private readonly ruleSet: RuleSet,
    private readonly clauseHits: Map<number, Hit[]>,
    private readonly tokenCount: number,
  ) {}

  /** Product of the factors of the document-wide clauses present. */
  documentFactor(rule: CompiledRule): number {
    let factor = 1;
    for (const id of rule.unless) {
      const clause = this.ruleSet.clauses[id]!;
      if (clause.within !== undefined) continue;
      const hits = this.clauseHits.get(id);
      if (!hits) continue;
      if (new Set(hits.map((h) => h.entry)).size >= clause.min) factor = Math.min(factor, clause.factor);
    }
    return factor;
  }

  /**
   * Smallest factor among the proximity clauses that have a term near `hit`. A negative term
   * that lies inside the hit itself does not count: "not human" is not negated by its own "not".
   */
  hitFactor(rule: CompiledRule, hit: Span): number {
    let factor = 1;
    for (const id of rule.unless) {
      const clause = this.ruleSet.clauses[id]!;
      const within = clause.within;
      if (within === undefined || clause.factor >= factor) continue;
      const covered = this.coveredPrefix(id, within);
      if (!covered || covered[hit.last + 1]! - covered[hit.first]! === 0) continue;
      const near = this.clauseHits.get(id)!.some(
        (c) => distance(c, hit) <= within && !(c.first >= hit.first && c.last <= hit.last),
      );
      if (near) factor = clause.factor;
    }
    return factor;
  }

  /**
   * Prefix counts of the word positions that lie within `within` words of a hit of the clause,
   * so that "is this hit near a negative term" is two array reads. Built once per clause per call.
   */
  private coveredPrefix(id: number, within: number): Int32Array | undefined {
    const cached = this.coverage.get(id);
    if (cached) return cached;
    const hits = this.clauseHits.get(id);
    if (!hits) return undefined;
    const n = this.tokenCount;
    const diff = new Int32Array(n + 1);
    for (const h of hits) {
      diff[Math.max(0, h.first - within)]!++;
      diff[Math.min(n, h.last + within + 1)]!--;
    }
    const prefix = new Int32Array(n + 1);
    let open = 0;
    for (let i = 0; i < n; i++) {
      open += diff[i]!;
      prefix[i + 1] = prefix[i]! + (open > 0 ? 1 : 0);
    }
    this.coverage.set(id, prefix);
    return prefix;
  }
}

function regexHits(rule: CompiledRule, text: string, tokens: readonly Token[]): Hit[] {
  const regex = rule.regex;
  if (!regex || tokens.length === 0) return [];
  const hits: Hit[] = [];
  regex.lastIndex = 0;
  for (const m of text.matchAll(regex)) {
    if (m[0].length === 0) continue;
    const start = m.index;
    const end = start + m[0].length;
    const span = tokenSpan(tokens, start, end);
    hits.push({ entry: -1, ...span, term: `/${regex.source}/`, start, end, group: 0, factor: 1 });
    if (hits.length >= MAX_REGEX_MATCHES) break;
  }
  return hits;
}

/** Word positions covering [start, end) of the original text (nearest word when none does). */
function tokenSpan(tokens: readonly Token[], start: number, end: number): Span {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.end <= start) lo = mid + 1;
    else hi = mid;
  }
  const first = Math.min(lo, tokens.length - 1);
  let last = first;
  while (last + 1 < tokens.length && tokens[last + 1]!.start < end) last++;
  return { first, last };
}

function locateEntities(entities: readonly Entity[], tokens: readonly Token[]): Map<EntityType, Span[]> {
  const spans = new Map<EntityType, Span[]>();
  if (tokens.length === 0) return spans;
  for (const entity of entities) {
    const span = tokenSpan(tokens, entity.start, entity.end);
    const list = spans.get(entity.type);
    if (list) list.push(span);
    else spans.set(entity.type, [span]);
  }
  return spans;
}

function toMatches(hits: readonly Hit[]): TermMatch[] {
  // One match per stretch of text: at each start, whole-word terms win over prefix terms (a
  // rejoined "c.o.c.a.i.n.e à" is reported as "c.o.c.a.i.n.e", not as the prefix reading that
  // swallows the "à"), then the longest span; anything overlapping a kept match is dropped.
  const isPrefix = (h: Hit) => h.term.endsWith('*');
  const sorted = [...hits].sort((a, b) => a.start - b.start || Number(isPrefix(a)) - Number(isPrefix(b)) || b.end - a.end);
  const out: TermMatch[] = [];
  let coverEnd = -1;
  for (const h of sorted) {
    if (h.start < coverEnd) continue;
    out.push({ term: h.term, start: h.start, end: h.end });
    coverEnd = h.end;
    if (out.length >= MAX_MATCHES_PER_RULE) break;
  }
  return out;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

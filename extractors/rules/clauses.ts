// Negative context of one classify call: which "unless" clauses are present in the text, and
// where, so that a rule's hits near a negative term are cancelled or dampened.
import type { CompiledRule, RuleSet } from './compile.ts';
import { distance } from './spans.ts';
import type { Hit, Span } from './spans.ts';

/** What one clause did to one rule, for explanations (`vigie rules test`). */
export interface ClauseEffect {
  clause: number;
  /** 'document': the clause is document-wide; 'near': it dampened hits near its terms. */
  scope: 'document' | 'near';
  factor: number;
  /** The negative terms found (all of them for a document clause; those near a hit otherwise). */
  hits: Hit[];
}

/** A negative term near a hit; one inside the hit itself does not count. */
function isNear(c: Span, hit: Span, within: number): boolean {
  return distance(c, hit) <= within && !(c.first >= hit.first && c.last <= hit.last);
}

export class ClauseContext {
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
      if (this.documentClauseApplies(id)) factor = Math.min(factor, this.ruleSet.clauses[id]!.factor);
    }
    return factor;
  }

  private documentClauseApplies(id: number): boolean {
    const clause = this.ruleSet.clauses[id]!;
    if (clause.within !== undefined) return false;
    const hits = this.clauseHits.get(id);
    return hits !== undefined && new Set(hits.map((h) => h.entry)).size >= clause.min;
  }

  /**
   * Smallest factor among the proximity clauses that have a term near `hit`. A negative term
   * that lies inside the hit itself does not count: "not human" is not negated by its own "not".
   */
  hitFactor(rule: CompiledRule, hit: Span): number {
    let factor = 1;
    for (const id of rule.unless) {
      const clause = this.ruleSet.clauses[id]!;
      if (clause.within === undefined || clause.factor >= factor) continue;
      if (this.hasNear(id, clause.within, hit)) factor = clause.factor;
    }
    return factor;
  }

  /** Every clause that touched the rule's hits, with the negative terms involved (slow path). */
  effects(rule: CompiledRule, hits: readonly Hit[]): ClauseEffect[] {
    const out: ClauseEffect[] = [];
    for (const id of rule.unless) {
      const clause = this.ruleSet.clauses[id]!;
      if (clause.within === undefined) {
        if (this.documentClauseApplies(id)) out.push({ clause: id, scope: 'document', factor: clause.factor, hits: this.clauseHits.get(id)! });
        continue;
      }
      const near = new Set<Hit>();
      for (const hit of hits) for (const c of this.nearHits(id, clause.within, hit)) near.add(c);
      if (near.size > 0) out.push({ clause: id, scope: 'near', factor: clause.factor, hits: [...near] });
    }
    return out;
  }

  /** Hot path: two array reads rule out most hits; `some` stops at the first negative term found. */
  private hasNear(id: number, within: number, hit: Span): boolean {
    const covered = this.coveredPrefix(id, within);
    if (!covered || covered[hit.last + 1]! - covered[hit.first]! === 0) return false;
    return this.clauseHits.get(id)!.some((c) => isNear(c, hit, within));
  }

  private nearHits(id: number, within: number, hit: Span): Hit[] {
    return this.hasNear(id, within, hit) ? this.clauseHits.get(id)!.filter((c) => isNear(c, hit, within)) : [];
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

// Validates rule documents and compiles them into a RuleSet: one automaton holding every term
// of every rule and every negative-context clause, plus the per-rule data the evaluator needs.

import { ConfigError } from '../../config/errors.ts';
import type { ConfigIssue } from '../../config/errors.ts';
import { FoldCache, foldWords } from '../normalize/index.ts';
import type { Category, EntityType } from '../types.ts';
import { Automaton } from './automaton.ts';
import type { TermWord } from './automaton.ts';
import { compilePattern } from './regex-guard.ts';
import { PatternSet } from './regex-guard.ts';
import type { CompiledPattern } from './regex-guard.ts';
import { parseFileHeader, parseRule } from './schema.ts';
import type { RuleKind, UnlessClause } from './schema.ts';
import { parseTerm } from './terms.ts';

export interface RuleSource {
  /** Where the document comes from (a file path), used in error messages. */
  source: string;
  /** The parsed YAML (or equivalent object). */
  document: unknown;
}

export interface CompiledUnless {
  category: Category;
  description: string | undefined;
  /** File and path of the clause, for explanations (`drugs.yaml: unless.0`). */
  source: string;
  path: string;
  /** Words of distance; undefined means anywhere in the document. */
  within: number | undefined;
  min: number;
  factor: number;
}

export interface CompiledRule {
  id: string;
  category: Category;
  description: string;
  kind: RuleKind;
  weight: number;
  languages: readonly string[] | undefined;
  /** near/entities: maximum word distance. */
  within: number;
  /** set: distinct terms needed; regex: matches needed. */
  min: number;
  entityTypes: readonly EntityType[];
  regex: CompiledPattern | undefined;
  /** The regex rule's pattern as written, reported as the matched "term". */
  pattern: string | undefined;
  /** The file that defines the rule. */
  source: string;
  /** False for the rules of an `enabled: false` file: they run only for targets that switch their category on. */
  enabledByDefault: boolean;
  /** Indexes into RuleSet.clauses (category-wide clauses first). */
  unless: readonly number[];
  /** regex rules: the pattern's index in RuleSet.patterns. */
  patternIndex: number;
}

/** What a term found by the automaton stands for. */
export interface TermEntry {
  /** Index into rules (kind 'rule') or clauses (kind 'unless'). */
  owner: number;
  kind: 'rule' | 'unless';
  /** near: 0 for group a, 1 for group b; otherwise 0. */
  group: 0 | 1;
  /** The term as written in the rule file. */
  term: string;
}

export interface RuleSet {
  readonly rules: readonly CompiledRule[];
  readonly clauses: readonly CompiledUnless[];
  readonly entries: readonly TermEntry[];
  readonly thresholds: Readonly<Partial<Record<Category, number>>>;
  readonly automaton: Automaton;
  /** Every regex rule's pattern, for one prefilter pass per text. */
  readonly patterns: PatternSet;
  /** Memo of character folding shared by every classify call on this rule set. */
  readonly foldCache: FoldCache;
}

/** A rule-file list of ordinary words that are never read as a misspelled or glued term word. */
export const TYPO_EXCEPTIONS_LIST = 'not-misspellings';

interface ListDef {
  terms: string[];
  source: string;
}

export interface CompileOptions {
  /**
   * Read misspelled and glued words as the lexicon words they hide (typos.ts); default true.
   * False only to measure what the readings add.
   */
  typos?: boolean;
}

export function compileRuleSet(sources: readonly RuleSource[], options: CompileOptions = {}): RuleSet {
  const { ruleSet, issues } = compileSources(sources, options);
  if (!ruleSet || issues.length > 0) throw new ConfigError(`invalid rules: ${issues.length} problem(s)`, issues);
  return ruleSet;
}

/** Like compileRuleSet, but returns every problem instead of throwing. */
export function compileSources(sources: readonly RuleSource[], options: CompileOptions = {}): { ruleSet?: RuleSet; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const cache = new FoldCache();
  const automaton = new Automaton();
  const rules: CompiledRule[] = [];
  const clauses: CompiledUnless[] = [];
  const entries: TermEntry[] = [];
  const thresholds: Partial<Record<Category, number>> = {};
  const lists = new Map<string, ListDef>();
  const parsedTerms = new Map<string, TermWord[][] | string>();
  const patterns: { pattern: string; ignoreCase: boolean }[] = [];

  const termSequences = (term: string): TermWord[][] | string => {
    let parsed = parsedTerms.get(term);
    if (parsed === undefined) {
      const result = parseTerm(term, cache);
      parsed = 'error' in result ? result.error : result.sequences;
      parsedTerms.set(term, parsed);
    }
    return parsed;
  };

  const headers = sources.map(({ source, document }) => {
    const { value, issues: found } = parseFileHeader(document);
    for (const issue of found) issues.push({ file: source, ...issue });
    if (!value) {
      // The file is unusable, but its rules may have problems of their own: report them now
      // rather than one fix at a time.
      const rawRules = (document as { rules?: unknown } | null)?.rules;
      if (Array.isArray(rawRules)) {
        rawRules.forEach((raw, index) => {
          for (const issue of parseRule(raw, index).issues) issues.push({ file: source, ...issue });
        });
      }
    }
    return { source, header: value };
  });

  // Lists first: any file may use a list defined in any other.
  for (const { source, header } of headers) {
    for (const [name, terms] of Object.entries(header?.lists ?? {})) {
      const other = lists.get(name);
      if (other) {
        issues.push({ file: source, path: `lists.${name}`, message: `list "${name}" is already defined in ${other.source}` });
        continue;
      }
      terms.forEach((term, k) => {
        const problem = term.startsWith('@') ? 'a list cannot include another list' : checkTerm(termSequences(term));
        if (problem) issues.push({ file: source, path: `lists.${name}.${k}`, message: problem });
      });
      lists.set(name, { terms, source });
    }
  }

  /** Expands @lists, reports unknown lists and bad terms, and returns the distinct terms. */
  const resolve = (terms: readonly string[], source: string, path: string): string[] => {
    const out = new Set<string>();
    terms.forEach((term, k) => {
      if (term.startsWith('@')) {
        const list = lists.get(term.slice(1));
        if (!list) issues.push({ file: source, path: `${path}.${k}`, message: `unknown list "${term.slice(1)}"` });
        else for (const t of list.terms) out.add(t);
        return;
      }
      const problem = checkTerm(termSequences(term));
      if (problem) issues.push({ file: source, path: `${path}.${k}`, message: problem });
      else out.add(term);
    });
    return [...out];
  };

  const addEntries = (terms: readonly string[], entry: Omit<TermEntry, 'term'>): void => {
    for (const term of terms) {
      const sequences = termSequences(term);
      if (typeof sequences === 'string') continue; // already reported
      const id = entries.length;
      entries.push({ ...entry, term });
      for (const seq of sequences) automaton.insert(seq, id);
    }
  };

  const addClauses = (list: UnlessClause[] | undefined, category: Category, source: string, path: string): number[] => {
    if (list === undefined) return [];
    return list.map((clause, k) => {
      const clausePath = `${path}.${k}`;
      const id = clauses.length;
      clauses.push({ category, description: clause.description, source, path: clausePath, within: clause.within, min: clause.min, factor: clause.factor });
      addEntries(resolve(clause.terms, source, `${clausePath}.terms`), { owner: id, kind: 'unless', group: 0 });
      return id;
    });
  };

  const ruleIds = new Map<string, string>();
  for (const { source, header } of headers) {
    if (!header) continue;
    const category = header.category;
    if (!category) {
      for (const key of ['rules', 'unless', 'threshold', 'enabled'] as const) {
        if (header[key] !== undefined) issues.push({ file: source, path: key, message: 'only a file with a category may define rules, unless, threshold or enabled' });
      }
      continue;
    }
    if (!header.rules || header.rules.length === 0) {
      issues.push({ file: source, path: 'rules', message: 'a category file needs at least one rule' });
      continue;
    }
    if (header.threshold !== undefined) thresholds[category] = header.threshold;
    const fileClauses = addClauses(header.unless, category, source, 'unless');

    header.rules.forEach((raw, index) => {
      const { value, issues: found } = parseRule(raw, index);
      for (const issue of found) issues.push({ file: source, ...issue });
      if (!value) return;
      const { kind, rule } = value;
      const path = `rules.${index}`;
      const previous = ruleIds.get(rule.id);
      if (previous) {
        issues.push({ file: source, path: `${path}.id`, message: `rule id "${rule.id}" is already used in ${previous}` });
        return;
      }
      ruleIds.set(rule.id, source);

      const ruleIndex = rules.length;
      const compiled: CompiledRule = {
        id: rule.id,
        category,
        description: rule.description,
        kind,
        weight: rule.weight,
        languages: rule.languages,
        within: 0,
        min: 1,
        entityTypes: [],
        regex: undefined,
        pattern: undefined,
        patternIndex: -1,
        source,
        enabledByDefault: header.enabled !== false,
        unless: [...fileClauses, ...addClauses(rule.unless, category, source, `${path}.unless`)],
      };
      if ('terms' in rule) {
        addEntries(resolve(rule.terms, source, `${path}.terms`), { owner: ruleIndex, kind: 'rule', group: 0 });
      } else if ('near' in rule) {
        compiled.within = rule.near.within;
        addEntries(resolve(rule.near.a, source, `${path}.near.a`), { owner: ruleIndex, kind: 'rule', group: 0 });
        addEntries(resolve(rule.near.b, source, `${path}.near.b`), { owner: ruleIndex, kind: 'rule', group: 1 });
      } else if ('set' in rule) {
        const terms = resolve(rule.set.terms, source, `${path}.set.terms`);
        if (terms.length < rule.set.min) issues.push({ file: source, path: `${path}.set.min`, message: `min (${rule.set.min}) is more than the ${terms.length} distinct terms` });
        compiled.min = rule.set.min;
        addEntries(terms, { owner: ruleIndex, kind: 'rule', group: 0 });
      } else if ('entities' in rule) {
        compiled.within = rule.entities.within;
        compiled.entityTypes = [...new Set(rule.entities.types)];
        addEntries(resolve(rule.entities.terms, source, `${path}.entities.terms`), { owner: ruleIndex, kind: 'rule', group: 0 });
      } else {
        const result = compilePattern(rule.regex.pattern, rule.regex.ignoreCase);
        if ('error' in result) issues.push({ file: source, path: `${path}.regex.pattern`, message: result.error });
        else compiled.regex = result.regex;
        compiled.pattern = rule.regex.pattern;
        compiled.patternIndex = patterns.length;
        patterns.push({ pattern: rule.regex.pattern, ignoreCase: rule.regex.ignoreCase });
        compiled.min = rule.regex.min;
      }
      rules.push(compiled);
    });
  }

  if (issues.length > 0) return { issues };
  // The vocabulary is every word of every term, rules and negative context alike; the words of
  // the list TYPO_EXCEPTIONS_LIST (any file) are real words never read as misspellings.
  if (options.typos !== false) {
    const ordinary = (lists.get(TYPO_EXCEPTIONS_LIST)?.terms ?? []).flatMap((t) => foldWords(t, cache));
    automaton.enableTypos(ordinary);
  }
  return {
    ruleSet: Object.freeze({ rules, clauses, entries, thresholds, automaton, patterns: new PatternSet(patterns), foldCache: cache }),
    issues,
  };
}

function checkTerm(parsed: TermWord[][] | string): string | undefined {
  return typeof parsed === 'string' ? parsed : undefined;
}

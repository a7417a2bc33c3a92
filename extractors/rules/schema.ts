// Shape of a rule file (config/rules/*.yaml), checked with zod. A file is either a category file
// (`category` + `rules`, optionally `lists`, `unless`, `threshold`) or a list-only file (`lists`
// shared by every category, e.g. common.yaml). Terms are words or phrases; a word ending in `*`
// matches any word that starts with it (`cocain*`); `@name` splices a named list.

import { z } from 'zod';
import { CATEGORIES, ENTITY_TYPES } from '../types.ts';

export const MAX_TERM_WORDS = 8;
export const MIN_PREFIX_LENGTH = 3;

// YAML reads `3018` or `1488` as numbers: accept them as the terms they are meant to be.
const term = z.preprocess(
  (v) => (typeof v === 'number' ? String(v) : v),
  z.string().trim().min(1, 'a term cannot be empty').max(200, 'a term is at most 200 characters'),
);
const termList = z.array(term).min(1, 'at least one term is required');

export const unlessSchema = z.strictObject({
  description: z.string().optional(),
  terms: termList,
  /** Words between a hit and a negative term; absent means anywhere in the document. */
  within: z.int().min(1).max(500).optional(),
  /** Distinct negative terms needed before the clause applies (document-wide clauses). */
  min: z.int().min(1).default(1),
  /** Multiplier applied to the hit's weight: 0 cancels it, 0.3 dampens it. */
  factor: z.number().min(0).max(1).default(0),
});
export type UnlessClause = z.infer<typeof unlessSchema>;

// One clause or a list of clauses; always a list once parsed, so errors carry a precise path
// (`unless.0.terms.3`) instead of a union's "invalid input".
const unlessField = z.preprocess((v) => (v === undefined || Array.isArray(v) ? v : [v]), z.array(unlessSchema).optional());

const baseRule = {
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'use lower-case letters, digits, dots and dashes'),
  description: z.string().min(1),
  languages: z.array(z.string().regex(/^[a-z]{2}$/, 'use ISO 639-1 codes such as fr, en')).min(1).optional(),
  weight: z.number().gt(0, 'weight must be above 0').max(1, 'weight must be at most 1'),
  unless: unlessField,
};

export const RULE_KINDS = ['terms', 'near', 'set', 'regex', 'entities'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

const kindSchemas = {
  terms: z.strictObject({ ...baseRule, terms: termList }),
  near: z.strictObject({
    ...baseRule,
    near: z.strictObject({ a: termList, b: termList, within: z.int().min(1).max(50) }),
  }),
  set: z.strictObject({
    ...baseRule,
    set: z.strictObject({ terms: termList, min: z.int().min(2) }),
  }),
  regex: z.strictObject({
    ...baseRule,
    regex: z.strictObject({
      pattern: z.string().min(1).max(300, 'a pattern is at most 300 characters'),
      ignoreCase: z.boolean().default(true),
      /** Matches needed in the document (e.g. several credential lines). */
      min: z.int().min(1).default(1),
    }),
  }),
  entities: z.strictObject({
    ...baseRule,
    entities: z.strictObject({
      types: z.array(z.enum(ENTITY_TYPES)).min(1),
      terms: termList,
      within: z.int().min(1).max(200),
    }),
  }),
} as const;

export type TermsRule = z.infer<(typeof kindSchemas)['terms']>;
export type NearRule = z.infer<(typeof kindSchemas)['near']>;
export type SetRule = z.infer<(typeof kindSchemas)['set']>;
export type RegexRule = z.infer<(typeof kindSchemas)['regex']>;
export type EntitiesRule = z.infer<(typeof kindSchemas)['entities']>;
export type RuleDefinition = TermsRule | NearRule | SetRule | RegexRule | EntitiesRule;

export const fileSchema = z.strictObject({
  category: z.enum(CATEGORIES).optional(),
  description: z.string().optional(),
  /** Alert threshold for the category (targets may override; see docs/rules.md for the precedence). */
  threshold: z.number().min(0).max(1).optional(),
  /** false: an extra category file whose rules run only for targets that switch the category on. */
  enabled: z.boolean().optional(),
  lists: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'list names use lower-case letters, digits and dashes'), termList).optional(),
  unless: unlessField,
  rules: z.array(z.unknown()).optional(),
});
export type RuleFileHeader = z.infer<typeof fileSchema>;

export interface SchemaIssue {
  path: string;
  message: string;
}

function toIssues(error: z.ZodError, prefix: readonly (string | number)[]): SchemaIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))].join('.'),
    message: issue.message,
  }));
}

export function parseFileHeader(document: unknown): { value?: RuleFileHeader; issues: SchemaIssue[] } {
  const result = fileSchema.safeParse(document);
  return result.success ? { value: result.data, issues: [] } : { issues: toIssues(result.error, []) };
}

/** Validates one rule; the kind is chosen by which of terms/near/set/regex/entities is present. */
export function parseRule(raw: unknown, index: number): { value?: { kind: RuleKind; rule: RuleDefinition }; issues: SchemaIssue[] } {
  const prefix = ['rules', index];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { issues: [{ path: prefix.join('.'), message: 'a rule must be a mapping' }] };
  }
  const kinds = RULE_KINDS.filter((k) => k in raw);
  if (kinds.length !== 1) {
    const found = kinds.length === 0 ? 'none' : kinds.join(', ');
    return { issues: [{ path: prefix.join('.'), message: `a rule needs exactly one of ${RULE_KINDS.join(', ')} (found: ${found})` }] };
  }
  const kind = kinds[0]!;
  const result = kindSchemas[kind].safeParse(raw);
  return result.success ? { value: { kind, rule: result.data }, issues: [] } : { issues: toIssues(result.error, prefix) };
}

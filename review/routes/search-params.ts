// What the investigators' routes share: the search filters as query-string parameters (validated
// here, so the index only ever sees well-formed values), and the index's input errors turned
// into the API's 400 answers instead of 500s.
import { z } from 'zod';
import { NonRetryableError } from '../../config/index.ts';
import { parseEntityQuery } from '../../extractors/entity-query.ts';
import { CATEGORIES } from '../../extractors/types.ts';
import { MAX_QUERY_CHARS, SearchSyntaxError } from '../../indexer/search-syntax.ts';
import type { SearchQuery } from '../../indexer/types.ts';
import { HttpError } from '../http/errors.ts';

export const isoTime = z
  .string()
  .max(40)
  .refine((value) => Number.isFinite(Date.parse(value)), 'is not a date or time (ISO 8601, e.g. 2026-05-01 or 2026-05-01T08:00:00Z)');

/** `TYPE:VALUE`, normalised as extracted entities are (phone:06 12 34 56 78 -> phone:+33612345678). */
export const entityParam = z
  .string()
  .max(600)
  .transform((raw, ctx) => {
    const parsed = parseEntityQuery(raw);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    }
    return parsed.query;
  });

/** The filters of GET /search, /search/export and a saved search's retro-run. */
export const searchFilterFields = {
  q: z.string().max(MAX_QUERY_CHARS).optional(),
  category: z.enum(CATEGORIES).optional(),
  target: z.string().min(1).max(200).optional(),
  language: z.string().min(2).max(20).optional(),
  domain: z.string().min(1).max(253).optional(),
  entity: entityParam.optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
};
export const searchFilters = z.strictObject(searchFilterFields);
export type SearchFilters = z.output<typeof searchFilters>;

/** Hits reachable by paging (Elasticsearch's default index.max_result_window): beyond, narrow the query or export it. */
export const RESULT_WINDOW = 10_000;

export const pagingFields = {
  limit: z.coerce.number().int().min(1).max(1000).default(20),
  offset: z.coerce.number().int().min(0).max(RESULT_WINDOW).default(0),
};

/** Refuses a page that ends past RESULT_WINDOW (same answer from both backends). */
export function withinResultWindow(paging: { limit: number; offset: number }): boolean {
  return paging.offset + paging.limit <= RESULT_WINDOW;
}
export const RESULT_WINDOW_MESSAGE = {
  message: `offset + limit may not pass ${RESULT_WINDOW}: narrow the query, or export it`,
  path: ['offset'],
};

/** Query-string booleans as people write them: 1/0, true/false. */
export const flagParam = z.enum(['1', '0', 'true', 'false']).transform((value) => value === '1' || value === 'true');

export function toSearchQuery(filters: SearchFilters): SearchQuery {
  const query: SearchQuery = {};
  if (filters.q !== undefined && filters.q.trim() !== '') query.text = filters.q;
  if (filters.category) query.category = filters.category;
  if (filters.target) query.targetId = filters.target;
  if (filters.language) query.language = filters.language.toLowerCase();
  if (filters.domain) query.domain = filters.domain;
  if (filters.entity) query.entity = filters.entity;
  if (filters.from) query.from = filters.from;
  if (filters.to) query.to = filters.to;
  return query;
}

/** The filters an audit line or an export's header records (what was asked, as typed). */
export function describeFilters(filters: SearchFilters): Record<string, string> {
  const described: Record<string, string> = {};
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined) continue;
    described[key] = typeof value === 'object' ? `${value.type}:${value.value}` : String(value);
  }
  return described;
}

/** Bad query syntax -> 400 bad-query (message with the position); a value the index refuses -> 400 bad-request. */
export function asHttpError(err: unknown): unknown {
  if (err instanceof SearchSyntaxError) return new HttpError(400, 'bad-query', err.message);
  if (err instanceof NonRetryableError && err.code.startsWith('index-invalid')) return new HttpError(400, 'bad-request', err.message);
  return err;
}

export async function withIndexErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw asHttpError(err);
  }
}

// Builders for index tests: realistic pages and the alert observations a page would produce.
import type { Category, Entity, Flag } from '../../extractors/types.ts';
import { alertId, contentHashOf, pageId } from '../../indexer/ids.ts';
import type { AlertObservation, PageDocument } from '../../indexer/types.ts';

export interface PageSpec {
  url?: string;
  title?: string;
  text?: string;
  targetId?: string;
  runId?: string;
  fetchedAt?: string;
  language?: string | null;
  entities?: Entity[];
  flags?: Flag[];
  depth?: number;
}

export function makePage(spec: PageSpec = {}): PageDocument {
  const url = spec.url ?? 'https://example.org/forum/topic-1';
  const text = spec.text ?? 'Un message ordinaire sur un forum de discussion.';
  const contentHash = contentHashOf(text);
  return {
    id: pageId(url, contentHash),
    url,
    finalUrl: url,
    targetId: spec.targetId ?? 'target-a',
    runId: spec.runId ?? 'run-1',
    fetchedAt: spec.fetchedAt ?? '2024-05-01T10:00:00.000Z',
    httpStatus: 200,
    contentType: 'text/html; charset=utf-8',
    title: spec.title ?? 'Forum',
    text,
    language: spec.language === undefined ? 'fr' : spec.language,
    contentHash,
    entities: spec.entities ?? [],
    flags: spec.flags ?? [],
    depth: spec.depth ?? 1,
  };
}

export function makeFlag(category: Category, score: number, ruleId = `${category}-rule`): Flag {
  return {
    category,
    score,
    tags: [`vigie:category="${category}"`],
    rules: [{ ruleId, weight: score, terms: [{ term: 'terme', start: 0, end: 5 }] }],
  };
}

export interface ObservationSpec {
  score?: number;
  seenAt?: string;
  tags?: string[];
  ruleIds?: string[];
  ruleWeights?: Record<string, number>;
}

export function observe(page: PageDocument, category: Category, spec: ObservationSpec = {}): AlertObservation {
  const score = spec.score ?? 0.8;
  const ruleIds = spec.ruleIds ?? [`${category}-rule`];
  return {
    id: alertId(page.contentHash, category),
    category,
    score,
    tags: spec.tags ?? [`vigie:category="${category}"`],
    ruleIds,
    // Each rule alone would give the score: the simplest weights consistent with it.
    ruleWeights: spec.ruleWeights ?? Object.fromEntries(ruleIds.map((id) => [id, score])),
    contentHash: page.contentHash,
    pageId: page.id,
    url: page.url,
    targetId: page.targetId,
    seenAt: spec.seenAt ?? page.fetchedAt,
  };
}

/** A page flagged in `category`, with its observation. */
export function flaggedPage(
  category: Category,
  spec: PageSpec & ObservationSpec = {},
): { page: PageDocument; observations: AlertObservation[] } {
  const page = makePage({ ...spec, flags: spec.flags ?? [makeFlag(category, spec.score ?? 0.8)] });
  return { page, observations: [observe(page, category, spec)] };
}

export function minutesAfter(baseIso: string, minutes: number): string {
  return new Date(Date.parse(baseIso) + minutes * 60_000).toISOString();
}

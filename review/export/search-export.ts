// Every page matching a search, read from the index a batch at a time (at most MAX_EXPORT_ROWS),
// as CSV or JSON chunks for a streamed HTTP answer. The index's own order is kept (relevance,
// then newest), so an export lists what the investigator saw on screen, in the same order.
import type { SearchHit, SearchQuery, SearchResult } from '../../indexer/types.ts';
import { csvRow } from './csv.ts';
import { jsonDocumentChunks } from './json-stream.ts';

/** Rows one export may hold: beyond this, narrow the query (the answer says it was cut). */
export const MAX_EXPORT_ROWS = 50_000;
/** Hits asked of the index per request (its MAX_LIMIT). */
export const EXPORT_BATCH = 1000;

export type ExportFormat = 'csv' | 'json';

export const EXPORT_COLUMNS = ['id', 'url', 'title', 'fetchedAt', 'targetId', 'language', 'categories', 'snippet'] as const;

export interface ExportPlan {
  /** Pages matching when the export started. */
  total: number;
  /** Rows the export will hold at most: min(total, maxRows). */
  rows: number;
  truncated: boolean;
  /** The hits, batch by batch. */
  hits: AsyncIterable<SearchHit>;
}

export type SearchFn = (query: SearchQuery) => Promise<SearchResult>;

/**
 * Runs the first batch (which gives the total, and throws on a bad query before anything is
 * sent), then hands back the rest as a lazy iterable. A page seen twice because the index
 * changed between two batches is written once.
 */
export async function planExport(search: SearchFn, query: SearchQuery, options: { maxRows?: number; batch?: number } = {}): Promise<ExportPlan> {
  const maxRows = options.maxRows ?? MAX_EXPORT_ROWS;
  const batch = options.batch ?? EXPORT_BATCH;
  const base: SearchQuery = { ...query, facets: false, limit: Math.min(batch, maxRows), offset: 0 };
  delete base.histogram;
  const first = await search(base);
  const rows = Math.min(first.total, maxRows);

  async function* hits(): AsyncGenerator<SearchHit> {
    const seen = new Set<string>();
    let result = first;
    let requested = base.limit!;
    let offset = 0;
    for (;;) {
      for (const hit of result.hits) {
        if (seen.size >= rows) return;
        if (seen.has(hit.id)) continue;
        seen.add(hit.id);
        yield hit;
      }
      offset += result.hits.length;
      // A short batch is the end of the matching set (it may have shrunk since the first batch).
      if (result.hits.length < requested || seen.size >= rows) return;
      requested = Math.min(batch, rows - seen.size);
      result = await search({ ...base, offset, limit: requested });
    }
  }
  return { total: first.total, rows, truncated: first.total > maxRows, hits: hits() };
}

export function hitColumns(hit: SearchHit): (string | readonly string[] | null)[] {
  return [hit.id, hit.url, hit.title, hit.fetchedAt, hit.targetId, hit.language, hit.categories, hit.snippet];
}

export async function* csvChunks(hits: AsyncIterable<SearchHit>): AsyncGenerator<string> {
  yield csvRow(EXPORT_COLUMNS);
  for await (const hit of hits) yield csvRow(hitColumns(hit));
}

export function jsonChunks(head: Readonly<Record<string, unknown>>, hits: AsyncIterable<SearchHit>): AsyncGenerator<string> {
  return jsonDocumentChunks(head, 'pages', hits);
}

export function exportChunks(format: ExportFormat, head: Readonly<Record<string, unknown>>, hits: AsyncIterable<SearchHit>): AsyncGenerator<string> {
  return format === 'csv' ? csvChunks(hits) : jsonChunks(head, hits);
}

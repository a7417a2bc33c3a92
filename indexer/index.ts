// The index's public surface: createIndex picks Elasticsearch when a URL is configured, the
// embedded SQLite index in the data directory otherwise.
import type { estypes } from '@elastic/elasticsearch';
import { EmbeddedIndex } from './embedded/index.ts';
import { DEFAULT_ES_PREFIX, ElasticsearchIndex } from './elasticsearch/index.ts';
import type { SearchIndex } from './types.ts';

export interface CreateIndexOptions {
  dataDir: string;
  elasticsearchUrl?: string;
  elasticsearchPrefix?: string;
  /** Refresh policy of Elasticsearch writes (default false); tests use true or 'wait_for'. */
  elasticsearchRefresh?: estypes.Refresh;
  logger?: { info(...args: unknown[]): void };
}

/** The URL without credentials, fit for a log line. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username !== '' || parsed.password !== '') {
      parsed.username = '';
      parsed.password = '';
    }
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

export function createIndex(options: CreateIndexOptions): SearchIndex {
  if (options.elasticsearchUrl) {
    const prefix = options.elasticsearchPrefix ?? DEFAULT_ES_PREFIX;
    options.logger?.info({ backend: 'elasticsearch', node: redactUrl(options.elasticsearchUrl), prefix }, 'using the Elasticsearch index');
    return new ElasticsearchIndex({ node: options.elasticsearchUrl, prefix, refresh: options.elasticsearchRefresh ?? false });
  }
  const index = new EmbeddedIndex({ dataDir: options.dataDir });
  options.logger?.info({ backend: 'embedded', file: index.filePath }, 'using the embedded index');
  return index;
}

export { EmbeddedIndex } from './embedded/index.ts';
export type { EmbeddedIndexOptions } from './embedded/index.ts';
export { ElasticsearchIndex } from './elasticsearch/index.ts';
export type { ElasticsearchIndexOptions } from './elasticsearch/index.ts';
export { alertId, contentHashOf, pageId } from './ids.ts';
export { entityKey } from './page-fields.ts';
export { ALERT_STATUSES, MAX_ALERT_URLS } from './types.ts';
export type {
  Alert,
  AlertFilter,
  AlertObservation,
  AlertStatus,
  IndexPageResult,
  PageDocument,
  SearchHit,
  SearchIndex,
  SearchQuery,
  SearchResult,
  ScanPagesOptions,
  ScanPagesResult,
} from './types.ts';

export { ElasticsearchIndex, DEFAULT_ES_PREFIX } from './es-index.ts';
export type { ElasticsearchIndexOptions } from './es-index.ts';
export { indexNames } from './mappings.ts';
export type { IndexNames } from './mappings.ts';

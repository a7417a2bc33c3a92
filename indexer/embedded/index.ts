export { EmbeddedIndex, EMBEDDED_INDEX_FILE } from './sqlite-index.ts';
export type { EmbeddedIndexOptions } from './sqlite-index.ts';

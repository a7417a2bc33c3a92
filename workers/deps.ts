// Everything a processor needs, injected: processors are plain functions `(job, deps)`.
import type { Redis } from 'ioredis';
import type { Logger, Settings } from '../config/index.ts';
import type { EvidenceWriter } from '../crawler/evidence/index.ts';
import type { RenderRequest, RenderResult } from '../crawler/render/index.ts';
import type { BrandList } from '../extractors/phishing/index.ts';
import type { RuleSetSource } from '../extractors/rules/index.ts';
import type { SearchIndex } from '../indexer/types.ts';
import type { Frontier } from './frontier.ts';
import type { HashLists } from './hash-lists.ts';
import type { HostPoliteness } from './politeness.ts';
import type { Queues } from './queues.ts';
import type { RobotsCache } from './robots-cache.ts';
import type { RunContextCache } from './run-context.ts';
import type { NearDuplicates } from './near-duplicates.ts';
import type { RecrawlStore } from './recrawl-store.ts';
import type { RunStore } from './run-store.ts';
import type { SavedSearchStore } from './saved-searches.ts';
import type { TargetStore } from './target-store.ts';
import type { WarcWriters } from './warc-writers.ts';

/** Renders a page in Chromium (crawler/render's BrowserPool; launched on first use). */
export interface PageRenderer {
  render(request: RenderRequest): Promise<RenderResult>;
}

export interface WorkerDeps {
  settings: Settings;
  logger: Logger;
  redis: Redis;
  queues: Queues;
  index: SearchIndex;
  /** The rule set in force: take `current()` once per page (it changes when the rule files do). */
  rules: RuleSetSource;
  frontier: Frontier;
  politeness: HostPoliteness;
  robots: RobotsCache;
  runs: RunStore;
  runContexts: RunContextCache;
  targets: TargetStore;
  recrawl: RecrawlStore;
  nearDuplicates: NearDuplicates;
  /** The imported hash lists (SHA-256, MD5, pHash) that page media are matched against. */
  hashLists: HashLists;
  /** Investigators' saved searches, matched against every new page version (cached in memory). */
  savedSearches: SavedSearchStore;
  /** The brand list of phishing and lookalike-domain detection (settings.brandsFile). */
  brands: BrandList;
  /** The evidence store and the instance key that signs manifests. */
  evidence: EvidenceWriter;
  warc: WarcWriters;
  renderer: PageRenderer;
  clock: () => Date;
}

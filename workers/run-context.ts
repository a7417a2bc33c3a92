// What a worker needs to process the pages of one run, built once per run and process: the
// target snapshot, its compiled scope, its network guard (an undici Agent) and fetch options.
// A small cache, not state: any worker can rebuild it from Redis.
import { NonRetryableError, alertThreshold, type WatchTarget } from '../config/index.ts';
import { createNetworkGuard, type NetworkGuard } from '../crawler/network-guard.ts';
import type { FetchOptions } from '../crawler/fetch-page.ts';
import { compileScope, type ScopeMatcher } from '../crawler/scope.ts';
import { urlHost, urlOrigin, type NormalizeOptions } from '../crawler/url-normalize.ts';
import type { RunStore } from './run-store.ts';

export interface RunContext {
  runId: string;
  target: WatchTarget;
  scope: ScopeMatcher;
  guard: NetworkGuard;
  fetchOptions: FetchOptions;
  /** The target's URL canonicalisation (dropped parameters, length cap), for every URL of the run. */
  urlOptions: NormalizeOptions;
  alertThreshold: number;
}

export function buildRunContext(runId: string, target: WatchTarget): RunContext {
  const seedHosts = target.seeds.map(urlHost).filter((h): h is string => h !== null);
  const guard = createNetworkGuard({
    // Only the seeds' own origins may be private; every other private address stays refused.
    allowPrivateOrigins: target.allowPrivate ? target.seeds.map(urlOrigin).filter((o): o is string => o !== null) : [],
    connectTimeoutMs: target.fetch.connectTimeoutMs,
    proxy: target.proxy,
  });
  return {
    runId,
    target,
    scope: compileScope({
      hosts: target.scope.sameHost ? seedHosts : [],
      includeSubdomains: target.scope.includeSubdomains,
      pathPrefixes: target.scope.pathPrefixes,
      allow: target.scope.allow,
      deny: target.scope.deny,
    }),
    guard,
    fetchOptions: {
      guard,
      userAgent: target.userAgent,
      headers: target.headers,
      connectTimeoutMs: target.fetch.connectTimeoutMs,
      readTimeoutMs: target.fetch.readTimeoutMs,
      totalTimeoutMs: target.fetch.totalTimeoutMs,
      maxRedirects: target.fetch.maxRedirects,
      maxBytes: target.fetch.maxBytes,
      maxDecompressedBytes: target.fetch.maxDecompressedBytes,
      allowedContentTypes: target.fetch.contentTypes,
    },
    urlOptions: { dropParams: target.urls.dropParams, maxLength: target.urls.maxLength },
    alertThreshold: alertThreshold(target),
  };
}

export class RunContextCache {
  private readonly runs: RunStore;
  private readonly maxEntries: number;
  private readonly entries = new Map<string, Promise<RunContext>>();

  constructor(runs: RunStore, maxEntries = 32) {
    this.runs = runs;
    this.maxEntries = maxEntries;
  }

  get(runId: string): Promise<RunContext> {
    let entry = this.entries.get(runId);
    if (entry) {
      // Refresh recency: Map keeps insertion order, so re-inserting makes it the newest.
      this.entries.delete(runId);
      this.entries.set(runId, entry);
      return entry;
    }
    entry = this.load(runId);
    this.entries.set(runId, entry);
    entry.catch(() => this.entries.delete(runId));
    this.evictOldest();
    return entry;
  }

  async close(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.allSettled(all.map(async (entry) => (await entry).guard.close()));
  }

  private async load(runId: string): Promise<RunContext> {
    const target = await this.runs.target(runId);
    if (!target) throw new NonRetryableError('run-missing', `run ${runId} is unknown or expired`);
    return buildRunContext(runId, target);
  }

  private evictOldest(): void {
    while (this.entries.size > this.maxEntries) {
      const [oldestId, oldest] = this.entries.entries().next().value as [string, Promise<RunContext>];
      this.entries.delete(oldestId);
      // Let in-flight fetches of that run finish (a fetch never outlives its deadline) first.
      void oldest.then((ctx) => {
        setTimeout(() => void ctx.guard.close().catch(() => undefined), ctx.target.fetch.totalTimeoutMs + 5000).unref();
      }, () => undefined);
    }
  }
}

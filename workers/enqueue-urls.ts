// Claiming URLs in the frontier and adding their page jobs, shared by the run job (seeds) and
// page jobs (discovered links). Safe to repeat: see frontier.ts and the deterministic job ids.
import type { WatchTarget } from '../config/index.ts';
import type { Frontier, FrontierLimits } from './frontier.ts';
import { PAGE_JOB_OPTIONS, pageJobId, type Queues } from './queues.ts';

/** The frontier's caps, plus the depth beyond which links are counted (`capped:depth`), not followed. */
export interface EnqueueLimits extends FrontierLimits {
  maxDepth?: number;
}

/** A target's limits for enqueueUrls: page caps per run and per host, query variants, depth. */
export function frontierLimits(
  target: Pick<WatchTarget, 'maxPagesPerRun' | 'maxPagesPerHost' | 'maxDepth'> & { urls: Pick<WatchTarget['urls'], 'maxQueryVariantsPerPath'> },
): EnqueueLimits {
  return {
    maxPages: target.maxPagesPerRun,
    maxPagesPerHost: target.maxPagesPerHost,
    maxQueryVariantsPerPath: target.urls.maxQueryVariantsPerPath,
    maxDepth: target.maxDepth,
  };
}

/**
 * Claims `urls` (normalised) for `claimerJobId` and adds a page job at `depth` for each URL claimed;
 * returns how many. `limits` may be the run's page cap alone (a number) or frontierLimits(target).
 */
export async function enqueueUrls(
  deps: { frontier: Frontier; queues: Queues },
  runId: string,
  claimerJobId: string,
  urls: readonly string[],
  depth: number,
  limits: number | EnqueueLimits,
): Promise<number> {
  if (typeof limits !== 'number' && limits.maxDepth !== undefined && depth > limits.maxDepth) {
    await deps.frontier.countTooDeep(runId, urls);
    return 0;
  }
  const claimed = await deps.frontier.claim(runId, claimerJobId, urls, limits);
  if (claimed.length === 0) return 0;
  try {
    await deps.queues.pages.addBulk(
      claimed.map((url) => ({
        name: 'page',
        data: { runId, url, depth },
        opts: { ...PAGE_JOB_OPTIONS, jobId: pageJobId(runId, url) },
      })),
    );
  } catch (err) {
    // If this was the claimer's last attempt, nobody would ever add these jobs: give them back
    // (a retry claims them again). Best effort: the error that matters is the original one.
    await deps.frontier.release(runId, claimerJobId, claimed).catch(() => undefined);
    throw err;
  }
  return claimed.length;
}

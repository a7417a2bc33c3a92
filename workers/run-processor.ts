// A crawl run starts here: it snapshots the target, then claims and enqueues the seeds, then reads
// the target's sitemaps and feeds (their new and updated items become seeds too). Scheduled runs
// come from the target's job scheduler; on-demand runs (API, `vigie crawl`) add a run job.
import type { Job } from 'bullmq';
import { NonRetryableError, errorCode } from '../config/index.ts';
import { normalizeUrl } from '../crawler/url-normalize.ts';
import type { WorkerDeps } from './deps.ts';
import { enqueueUrls, frontierLimits } from './enqueue-urls.ts';
import { isFinalAttempt } from './job-policy.ts';
import { sanitizeId, type RunJobData } from './queues.ts';
import { discoverSources, hasSources, holdRunForSources, releaseRunHold } from './source-discovery.ts';

export interface RunStarted {
  runId: string;
  seeds: number;
  invalidSeeds: number;
  /** Items of the target's sitemaps and feeds enqueued (new or updated since the last run). */
  sourceItems: number;
}

function urlOptionsOf(target: { urls: { dropParams: string[]; maxLength: number } }) {
  return { dropParams: target.urls.dropParams, maxLength: target.urls.maxLength };
}

/** The run a run job starts; a scheduler's job id is unique per iteration, so a retry resumes it. */
export function runIdOf(job: Pick<Job<RunJobData>, 'id' | 'data'>): string {
  return job.data.runId ?? sanitizeId(`${job.data.targetId}-${job.id ?? Date.now()}`);
}

export async function processRun(job: Job<RunJobData>, deps: WorkerDeps): Promise<RunStarted> {
  const target = job.data.target ?? (await deps.targets.get(job.data.targetId));
  if (!target) throw new NonRetryableError('target-missing', `target ${job.data.targetId} is not configured`);
  const runId = runIdOf(job);
  const log = deps.logger.child({ component: 'run', runId, targetId: target.id });

  const startedAt = deps.clock();
  if (await deps.runs.create(runId, target, startedAt)) log.info({ seeds: target.seeds.length }, 'crawl run started');
  if (target.robots === 'ignore') log.warn({ reason: target.robotsIgnoreReason }, 'robots.txt ignored for this target');

  // Taken before the seeds are enqueued: their pages could otherwise all finish, and end the run,
  // before the sources' items are in.
  const hold = hasSources({ target }) ? await holdRunForSources(deps, runId) : 'ended';

  const claimerJobId = `run-${runId}`;
  let seeds: string[] = [];
  let invalidSeeds = 0;
  let sourceItems = 0;
  try {
    seeds = target.seeds.map((seed) => normalizeUrl(seed, undefined, urlOptionsOf(target))).filter((url): url is string => url !== null);
    invalidSeeds = target.seeds.length - seeds.length;
    if (invalidSeeds > 0) log.warn({ invalidSeeds }, 'some seeds are not crawlable URLs');
    await enqueueUrls(deps, runId, claimerJobId, seeds, 0, frontierLimits(target));
    if (hold !== 'ended') {
      const run = await deps.runContexts.get(runId);
      const discovered = await discoverSources(deps, run, { claimerJobId, log });
      await releaseRunHold(deps, runId, discovered.counters);
      sourceItems = discovered.enqueued;
    }
  } catch (err) {
    // Failing sources are counted inside discovery; this is Redis or a bug. On the last attempt
    // the hold must go (and the run end if nothing else is pending), or it would wait forever.
    if (hold !== 'ended' && isFinalAttempt(job, err)) {
      await releaseRunHold(deps, runId, { 'sources:errors': 1, [`sources:error:${errorCode(err)}`]: 1 }).catch(() => undefined);
      await deps.runs.finishIfIdle(runId, deps.clock()).catch(() => undefined);
    }
    throw err;
  }
  await deps.runs.finishIfIdle(runId, deps.clock());
  return { runId, seeds: seeds.length, invalidSeeds, sourceItems };
}

// A crawl run starts here: it snapshots the target, then claims and enqueues the seeds. Scheduled
// runs come from the target's job scheduler; on-demand runs (API, `vigie crawl`) add a run job.
import type { Job } from 'bullmq';
import { NonRetryableError } from '../config/index.ts';
import { normalizeUrl } from '../crawler/url-normalize.ts';
import type { WorkerDeps } from './deps.ts';
import { enqueueUrls } from './enqueue-urls.ts';
import { sanitizeId, type RunJobData } from './queues.ts';

export interface RunStarted {
  runId: string;
  seeds: number;
  invalidSeeds: number;
}

export async function processRun(job: Job<RunJobData>, deps: WorkerDeps): Promise<RunStarted> {
  const target = job.data.target ?? (await deps.targets.get(job.data.targetId));
  if (!target) throw new NonRetryableError('target-missing', `target ${job.data.targetId} is not configured`);
  // A scheduler's job id is unique per iteration, so a retried run job resumes the same run.
  const runId = job.data.runId ?? sanitizeId(`${target.id}-${job.id ?? Date.now()}`);
  const log = deps.logger.child({ component: 'run', runId, targetId: target.id });

  const startedAt = deps.clock();
  if (await deps.runs.create(runId, target, startedAt)) log.info({ seeds: target.seeds.length }, 'crawl run started');
  if (target.robots === 'ignore') log.warn({ reason: target.robotsIgnoreReason }, 'robots.txt ignored for this target');

  const seeds = target.seeds.map((seed) => normalizeUrl(seed)).filter((url): url is string => url !== null);
  const invalidSeeds = target.seeds.length - seeds.length;
  if (invalidSeeds > 0) log.warn({ invalidSeeds }, 'some seeds are not crawlable URLs');
  await enqueueUrls(deps, runId, `run-${runId}`, seeds, 0, target.maxPagesPerRun);
  await deps.runs.finishIfIdle(runId, deps.clock());
  return { runId, seeds: seeds.length, invalidSeeds };
}

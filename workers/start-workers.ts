// Process wiring for the worker role: one BullMQ Worker per queue, processors wrapped in the job
// policy, every `error` and `failed` event logged, and a close() that drains in-flight jobs.
import { Job, QueueEvents, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { NonRetryableError, VigieError, type Logger, type Settings } from '../config/index.ts';
import type { EvidenceWriter } from '../crawler/evidence/index.ts';
import { BrowserPool } from '../crawler/render/index.ts';
import { fixedRuleSet, isRuleSetSource, type RuleSet, type RuleSetSource } from '../extractors/rules/index.ts';
import { loadBrandList, type BrandList } from '../extractors/phishing/index.ts';
import type { SearchIndex } from '../indexer/types.ts';
import type { WorkerDeps } from './deps.ts';
import { Frontier } from './frontier.ts';
import { withJobPolicy } from './job-policy.ts';
import { processPage, recordPageFailure } from './page-processor.ts';
import { HostPoliteness } from './politeness.ts';
import { QUEUE_NAMES, createQueues, type PageJobData, type RunJobData } from './queues.ts';
import { redisKeys } from './redis-keys.ts';
import { RobotsCache } from './robots-cache.ts';
import { processRun, runIdOf } from './run-processor.ts';
import { releaseRunHoldIfHeld } from './source-discovery.ts';
import { RunContextCache } from './run-context.ts';
import { NearDuplicates } from './near-duplicates.ts';
import { HashLists } from './hash-lists.ts';
import { RecrawlStore } from './recrawl-store.ts';
import { RunStore } from './run-store.ts';
import { SavedSearchStore } from './saved-searches.ts';
import { TargetStore } from './target-store.ts';
import { WarcWriters } from './warc-writers.ts';

export interface CoreClients {
  settings: Settings;
  logger: Logger;
  redis: Redis;
  index: SearchIndex;
  /** A fixed rule set, or a source that follows the rule files (watchRuleSet). */
  rules: RuleSet | RuleSetSource;
  evidence: EvidenceWriter;
  /** The phishing brand list; loaded from settings.brandsFile when absent. */
  brands?: BrandList;
}

/** Builds the Deps object over clients the caller created (and will close). */
export function createWorkerDeps(clients: CoreClients): WorkerDeps & { close(): Promise<void> } {
  const keys = redisKeys(clients.settings.redisPrefix);
  const runs = new RunStore(clients.redis, keys);
  const queues = createQueues(clients.redis, clients.settings.redisPrefix);
  const runContexts = new RunContextCache(runs);
  const warc = new WarcWriters({
    dataDir: clients.settings.dataDir,
    software: `Vigie/${clients.evidence.vigieVersion}`,
    logger: clients.logger.child({ component: 'warc' }),
  });
  const renderer = new BrowserPool({
    executablePath: clients.settings.chromiumPath,
    maxContexts: clients.settings.renderConcurrency,
    logger: clients.logger.child({ component: 'browser' }),
  });
  return {
    ...clients,
    rules: isRuleSetSource(clients.rules) ? clients.rules : fixedRuleSet(clients.rules),
    queues,
    frontier: new Frontier(clients.redis, keys),
    politeness: new HostPoliteness(clients.redis, keys),
    robots: new RobotsCache(clients.redis, keys),
    runs,
    runContexts,
    targets: new TargetStore(clients.redis, keys),
    recrawl: new RecrawlStore(clients.redis, keys.recrawl),
    nearDuplicates: new NearDuplicates(clients.redis, keys),
    hashLists: new HashLists(clients.redis, clients.settings.redisPrefix),
    savedSearches: new SavedSearchStore(clients.redis, keys, { logger: clients.logger.child({ component: 'saved-searches' }) }),
    brands: clients.brands ?? loadBrandList(clients.settings.brandsFile),
    warc,
    renderer,
    clock: () => new Date(),
    close: async () => {
      await queues.close();
      await Promise.allSettled([renderer.close(), warc.close()]);
      await runContexts.close();
    },
  };
}

/**
 * A page that ends in a known outcome (404, refused address, too large...) is an ordinary event,
 * logged without a stack; anything else is a bug or an outage and is logged as an error.
 */
function logPageOutcome(log: Logger, job: Job<PageJobData>, err: unknown): void {
  const context = { jobId: job.id, runId: job.data.runId, url: job.data.url, attemptsMade: job.attemptsMade + 1 };
  if (err instanceof VigieError) log.info({ ...context, code: err.code, reason: err.message }, 'page not indexed');
  else log.error({ ...context, err }, 'page failed on an unexpected error');
}

export interface RunningWorkers {
  close(): Promise<void>;
}

export interface WorkerOptions {
  concurrency: number;
  /**
   * BullMQ's stalled-job handling: a page job whose worker stops renewing its lock (a crash) goes
   * back to the queue, at most `maxStalledCount` times. Defaults are BullMQ's lock and check
   * intervals (30 s); tests shorten them.
   */
  stalled?: { lockDurationMs?: number; checkIntervalMs?: number; maxStalledCount?: number };
}

const DEFAULT_MAX_STALLED_COUNT = 2;

export function startWorkers(deps: WorkerDeps, options: WorkerOptions): RunningWorkers {
  const log = deps.logger.child({ component: 'workers' });
  const connection = deps.redis;
  const prefix = deps.settings.redisPrefix;

  const runWorker = new Worker<RunJobData>(
    QUEUE_NAMES.runs,
    withJobPolicy<RunJobData, unknown>((job) => processRun(job, deps), {
      onFinalFailure: async (job, err) => log.error({ err, jobId: job.id, targetId: job.data.targetId }, 'crawl run could not start'),
    }),
    { connection, prefix, concurrency: 2, ...stalledOptions(options) },
  );
  const pageWorker = new Worker<PageJobData>(
    QUEUE_NAMES.pages,
    withJobPolicy<PageJobData, unknown>(
      async (job) => {
        const outcome = await processPage(job, deps);
        log.debug({ jobId: job.id, runId: job.data.runId, url: job.data.url, ...outcome }, 'page done');
        return outcome;
      },
      {
        onFinalFailure: async (job, err) => {
          logPageOutcome(log, job, err);
          await recordPageFailure(job, err, deps);
        },
      },
    ),
    // Completed page jobs are removed at once; stalled ones (a crashed worker) are retried.
    { connection, prefix, concurrency: options.concurrency, ...stalledOptions(options) },
  );

  for (const worker of [runWorker, pageWorker]) {
    worker.on('error', (err) => log.error({ err, queue: worker.name }, 'worker error'));
    worker.on('failed', (job: Job | undefined, err: Error) => {
      // Final failures were logged by onFinalFailure with their original error; these are retries.
      if (!job || err.name === 'DelayedError' || err.name === 'UnrecoverableError') return;
      log.info({ jobId: job.id, queue: worker.name, url: (job.data as Partial<PageJobData>).url, attemptsMade: job.attemptsMade, reason: err.message }, 'job failed, will retry');
    });
  }

  // A job that stalls more than maxStalledCount times (its worker died on it again and again) is
  // failed by BullMQ's stalled-job check without reaching any processor; only queue events see
  // it. Record it like any final failure so its run can still end (idempotent across processes).
  const pageEvents = new QueueEvents(QUEUE_NAMES.pages, { connection, prefix });
  pageEvents.on('error', (err) => log.error({ err }, 'queue events error'));
  pageEvents.on('failed', ({ jobId, failedReason }) => {
    if (!/stalled/i.test(failedReason)) return;
    void (async () => {
      const job = await Job.fromId<PageJobData>(deps.queues.pages, jobId);
      if (!job) return;
      const err = new NonRetryableError('stalled', `the page's worker died ${job.opts.attempts ?? 1}+ times on it: ${failedReason}`);
      logPageOutcome(log, job, err);
      await recordPageFailure(job, err, deps);
    })().catch((err: unknown) => log.error({ err, jobId }, 'could not record a stalled page'));
  });

  // Likewise a run job whose worker died during source discovery: its hold on the run must go,
  // or the run would wait for it forever.
  const runEvents = new QueueEvents(QUEUE_NAMES.runs, { connection, prefix });
  runEvents.on('error', (err) => log.error({ err }, 'queue events error'));
  runEvents.on('failed', ({ jobId, failedReason }) => {
    if (!/stalled/i.test(failedReason)) return;
    void (async () => {
      const job = await Job.fromId<RunJobData>(deps.queues.runs, jobId);
      if (!job) return;
      const runId = runIdOf(job);
      log.error({ jobId, runId, reason: failedReason }, 'crawl run job stalled beyond the limit');
      await releaseRunHoldIfHeld(deps, runId, { 'sources:errors': 1, 'sources:error:stalled': 1 });
      await deps.runs.finishIfIdle(runId, deps.clock());
    })().catch((err: unknown) => log.error({ err, jobId }, 'could not record a stalled run job'));
  });

  return {
    close: async () => {
      await Promise.all([runWorker.close(), pageWorker.close()]);
      await Promise.all([pageEvents.close(), runEvents.close()]);
    },
  };
}

function stalledOptions(options: WorkerOptions) {
  return {
    maxStalledCount: options.stalled?.maxStalledCount ?? DEFAULT_MAX_STALLED_COUNT,
    ...(options.stalled?.lockDurationMs ? { lockDuration: options.stalled.lockDurationMs } : {}),
    ...(options.stalled?.checkIntervalMs ? { stalledInterval: options.stalled.checkIntervalMs } : {}),
  };
}

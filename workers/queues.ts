// The two queues: `crawl-runs` (one job per crawl run: it seeds the frontier) and `crawl-pages`
// (one job per URL of a run). Job ids are deterministic so that a retry or a second discovery of
// the same URL never adds a second job.
import { createHash } from 'node:crypto';
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { WatchTarget } from '../config/index.ts';

export const QUEUE_NAMES = { runs: 'crawl-runs', pages: 'crawl-pages' } as const;

export interface RunJobData {
  targetId: string;
  /** Set for on-demand runs; scheduled runs derive it from the scheduler's job id. */
  runId?: string;
  /** Set for ad-hoc runs (`vigie crawl`) whose target is not in the target store. */
  target?: WatchTarget;
}

export interface PageJobData {
  runId: string;
  /** Normalised URL. */
  url: string;
  depth: number;
  /** How many times politeness or a 429 has put the job back, and since when (see job-policy.ts). */
  throttles?: number;
  throttledSince?: number;
}

export const PAGE_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  // Completed page jobs are not needed: the frontier and the index hold the outcome.
  removeOnComplete: true,
  // Failed ones are kept a week for inspection (their outcome is also counted in the run).
  removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
};

export const RUN_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/** BullMQ refuses custom ids with ':' and all-digit ids; hex with a prefix is safe. */
export function pageJobId(runId: string, url: string): string {
  return `page-${createHash('sha256').update(`${runId}\n${url}`).digest('hex').slice(0, 40)}`;
}

export function sanitizeId(raw: string): string {
  return raw.replace(/[^A-Za-z0-9_-]+/g, '-');
}

export interface Queues {
  runs: Queue<RunJobData>;
  pages: Queue<PageJobData>;
  close(): Promise<void>;
}

export function createQueues(connection: ConnectionOptions, prefix: string): Queues {
  const runs = new Queue<RunJobData>(QUEUE_NAMES.runs, { connection, prefix, defaultJobOptions: RUN_JOB_OPTIONS });
  const pages = new Queue<PageJobData>(QUEUE_NAMES.pages, { connection, prefix, defaultJobOptions: PAGE_JOB_OPTIONS });
  return {
    runs,
    pages,
    close: async () => {
      await Promise.all([runs.close(), pages.close()]);
    },
  };
}

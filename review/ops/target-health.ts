// A watch target's health for ops: is it paused, does it have its job scheduler, when is its
// next run, and how did its last run go (pages, errors, alerts).
import { CronExpressionParser } from 'cron-parser';
import type { Redis } from 'ioredis';
import type { WatchTarget } from '../../config/index.ts';
import { listSchedules, type Queues, type RunStore, type RunSummary } from '../../workers/index.ts';
import type { RedisKeys } from '../../workers/redis-keys.ts';

/** Run ids read per round trip, and at most, when looking for each target's last run. */
const RUN_SCAN_BATCH = 200;
const RUN_SCAN_MAX = 5000;

export interface LastRun {
  runId: string;
  status: RunSummary['status'];
  startedAt: string;
  finishedAt: string | null;
  pages: number;
  /** Pages fetched again and found unchanged (not counted in `pages`). */
  unchanged: number;
  errors: number;
  errorsByCode: Record<string, number>;
  alerts: number;
  alertsNew: number;
}

export interface TargetHealth {
  /** Paused (enabled: false): the config is kept, no run is scheduled. */
  paused: boolean;
  /** Whether BullMQ holds the target's job scheduler (false for a paused or unscheduled target). */
  scheduled: boolean;
  /** ISO time of the next scheduled run; null when paused or on demand. */
  nextRunAt: string | null;
  /** The most recent run of the last week (run bookkeeping expires after RUN_TTL_SECS). */
  lastRun: LastRun | null;
}

export interface HealthDeps {
  redis: Redis;
  keys: RedisKeys;
  runs: RunStore;
  queues: Queues;
}

export async function targetsHealth(targets: readonly WatchTarget[], deps: HealthDeps, now: Date): Promise<Map<string, TargetHealth>> {
  const [schedules, lastRuns] = await Promise.all([listSchedules(deps.queues), lastRunsOf(targets.map((t) => t.id), deps)]);
  const health = new Map<string, TargetHealth>();
  for (const target of targets) {
    const scheduler = schedules.get(target.id);
    health.set(target.id, {
      paused: !target.enabled,
      scheduled: scheduler !== undefined,
      nextRunAt: nextRunAt(target, scheduler?.next ?? null, now),
      lastRun: lastRunOf(lastRuns.get(target.id)),
    });
  }
  return health;
}

/**
 * From the schedule: a cron expression gives its next time itself (in its time zone); an interval
 * is anchored where its BullMQ scheduler started, so only the scheduler's `next` knows it.
 */
export function nextRunAt(target: WatchTarget, schedulerNext: number | null, now: Date): string | null {
  if (!target.enabled || !target.schedule) return null;
  if ('cron' in target.schedule) {
    return CronExpressionParser.parse(target.schedule.cron, { tz: target.schedule.timezone, currentDate: now }).next().toDate().toISOString();
  }
  return schedulerNext === null ? null : new Date(schedulerNext).toISOString();
}

/**
 * Each target's most recent run, newest first through the run index. Run ids begin with their
 * target's id, which picks the few summaries worth reading; the summary's targetId decides (an id
 * can be another's prefix). The scan stops once every target is found, or after RUN_SCAN_MAX runs.
 */
async function lastRunsOf(targetIds: readonly string[], deps: HealthDeps): Promise<Map<string, RunSummary>> {
  const wanted = new Set(targetIds);
  const found = new Map<string, RunSummary>();
  for (let start = 0; start < RUN_SCAN_MAX && wanted.size > 0; start += RUN_SCAN_BATCH) {
    const runIds = await deps.redis.zrevrange(deps.keys.runs(), start, start + RUN_SCAN_BATCH - 1);
    if (runIds.length === 0) break;
    const candidates = runIds.filter((runId) => [...wanted].some((id) => runId.startsWith(`${id}-`)));
    const summaries = await Promise.all(candidates.map((runId) => deps.runs.summary(runId)));
    for (const summary of summaries) {
      if (summary !== null && wanted.has(summary.targetId)) {
        found.set(summary.targetId, summary);
        wanted.delete(summary.targetId);
      }
    }
  }
  return found;
}

function lastRunOf(summary: RunSummary | undefined): LastRun | null {
  if (summary === undefined) return null;
  const { runId, status, startedAt, finishedAt, pages, unchanged, errors, errorsByCode, alerts, alertsNew } = summary;
  return { runId, status, startedAt, finishedAt, pages, unchanged, errors, errorsByCode, alerts, alertsNew };
}

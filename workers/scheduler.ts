// Applying watch targets: the stored set becomes exactly the file's, and each enabled target with
// a schedule has exactly one BullMQ job scheduler (upserted, so repeated applies and restarts
// never duplicate one); schedulers of removed, disabled or unscheduled targets are removed.
import { randomBytes } from 'node:crypto';
import type { Job, RepeatOptions } from 'bullmq';
import type { Logger, WatchTarget } from '../config/index.ts';
import { RUN_JOB_OPTIONS, sanitizeId, type Queues, type RunJobData } from './queues.ts';
import type { TargetStore } from './target-store.ts';

const SCHEDULER_PREFIX = 'target-';

export function schedulerIdOf(targetId: string): string {
  return `${SCHEDULER_PREFIX}${targetId}`;
}

export interface ApplyResult {
  stored: string[];
  scheduled: string[];
  unscheduled: string[];
  removedTargets: string[];
}

export async function applyTargets(
  targets: readonly WatchTarget[],
  deps: { queues: Queues; targets: TargetStore; logger: Logger },
): Promise<ApplyResult> {
  const { removed } = await deps.targets.replaceAll(targets);
  const scheduled: string[] = [];
  for (const target of targets) {
    // Schedulers of unscheduled targets are removed below, where they are counted.
    if (repeatOf(target) === null) continue;
    await upsertSchedule(target, deps.queues);
    scheduled.push(target.id);
  }

  const wanted = new Set(scheduled.map(schedulerIdOf));
  const unscheduled: string[] = [];
  for (const scheduler of await deps.queues.runs.getJobSchedulers(0, -1)) {
    if (scheduler.key.startsWith(SCHEDULER_PREFIX) && !wanted.has(scheduler.key)) {
      const targetId = scheduler.key.slice(SCHEDULER_PREFIX.length);
      await removeSchedule(targetId, deps.queues);
      unscheduled.push(targetId);
    }
  }
  deps.logger.info({ scheduled, unscheduled, removedTargets: removed }, 'targets applied');
  return { stored: targets.map((t) => t.id), scheduled, unscheduled, removedTargets: removed };
}

export async function listSchedules(queues: Queues): Promise<Map<string, { next: number | null }>> {
  const schedules = new Map<string, { next: number | null }>();
  for (const scheduler of await queues.runs.getJobSchedulers(0, -1)) {
    if (scheduler.key.startsWith(SCHEDULER_PREFIX)) {
      schedules.set(scheduler.key.slice(SCHEDULER_PREFIX.length), { next: scheduler.next ?? null });
    }
  }
  return schedules;
}

/** The BullMQ repeat options of a target that runs on a schedule; null for a disabled or on-demand one. */
function repeatOf(target: WatchTarget): RepeatOptions | null {
  if (!target.enabled || !target.schedule) return null;
  return 'intervalSecs' in target.schedule
    ? { every: target.schedule.intervalSecs * 1000 }
    : { pattern: target.schedule.cron, tz: target.schedule.timezone };
}

/**
 * Gives one target the scheduler its config asks for: upserted when it is enabled and has a
 * schedule, removed otherwise (a disabled target, which is how the desk pauses one). True when
 * the target is scheduled afterwards.
 */
export async function upsertSchedule(target: WatchTarget, queues: Queues): Promise<boolean> {
  const repeat = repeatOf(target);
  if (repeat === null) {
    await removeSchedule(target.id, queues);
    return false;
  }
  await queues.runs.upsertJobScheduler(schedulerIdOf(target.id), repeat, {
    name: 'run',
    data: { targetId: target.id },
    opts: RUN_JOB_OPTIONS,
  });
  return true;
}

/**
 * Removes a target's scheduler and the runs it had queued that no worker has started: BullMQ
 * removes the delayed next one, but one already due (or an interval's first, queued at once)
 * waits in the queue and would still run. False when there was no scheduler.
 */
export async function removeSchedule(targetId: string, queues: Queues): Promise<boolean> {
  const schedulerId = schedulerIdOf(targetId);
  const removed = await queues.runs.removeJobScheduler(schedulerId);
  const due = (await queues.runs.getJobs(['waiting', 'prioritized', 'delayed'])).filter((job) => job.repeatJobKey === schedulerId);
  // A job a worker takes meanwhile is locked and cannot be removed: that run goes ahead.
  await Promise.all(due.map((job) => job.remove().catch(() => undefined)));
  return removed;
}

/**
 * Queues a run of a stored target now, as its scheduler would (the run job reads the target from
 * the store when it starts); the run id names the target and is unique.
 */
export async function enqueueRunNow(targetId: string, queues: Queues, now: Date): Promise<{ runId: string }> {
  const runId = sanitizeId(`${targetId}-now-${now.getTime()}-${randomBytes(3).toString('hex')}`);
  await queues.runs.add('run', { targetId, runId }, { jobId: runId });
  return { runId };
}

/** On-demand runs of a stored target that no worker has started yet (ad-hoc `vigie crawl` runs excluded). */
export async function queuedRunsNow(targetId: string, queues: Queues): Promise<Job<RunJobData>[]> {
  const jobs = await queues.runs.getJobs(['waiting', 'prioritized', 'paused']);
  return jobs.filter((job) => job.data.targetId === targetId && job.data.runId !== undefined && job.data.target === undefined);
}

// Applying watch targets: the stored set becomes exactly the file's, and each enabled target with
// a schedule has exactly one BullMQ job scheduler (upserted, so repeated applies and restarts
// never duplicate one); schedulers of removed, disabled or unscheduled targets are removed.
import type { Logger, WatchTarget } from '../config/index.ts';
import { RUN_JOB_OPTIONS, type Queues } from './queues.ts';
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
    if (!target.enabled || !target.schedule) continue;
    const repeat = 'intervalSecs' in target.schedule
      ? { every: target.schedule.intervalSecs * 1000 }
      : { pattern: target.schedule.cron, tz: target.schedule.timezone };
    await deps.queues.runs.upsertJobScheduler(schedulerIdOf(target.id), repeat, {
      name: 'run',
      data: { targetId: target.id },
      opts: RUN_JOB_OPTIONS,
    });
    scheduled.push(target.id);
  }

  const wanted = new Set(scheduled.map(schedulerIdOf));
  const unscheduled: string[] = [];
  for (const scheduler of await deps.queues.runs.getJobSchedulers(0, -1)) {
    if (scheduler.key.startsWith(SCHEDULER_PREFIX) && !wanted.has(scheduler.key)) {
      await deps.queues.runs.removeJobScheduler(scheduler.key);
      unscheduled.push(scheduler.key.slice(SCHEDULER_PREFIX.length));
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

export { createWorkerDeps, startWorkers, type CoreClients, type RunningWorkers, type WorkerOptions } from './start-workers.ts';
export type { WorkerDeps } from './deps.ts';
export { createRedis, pingRedis } from './redis-connection.ts';
export { applyTargets, enqueueRunNow, listSchedules, queuedRunsNow, removeSchedule, upsertSchedule, type ApplyResult } from './scheduler.ts';
export { RunStore, type RunSummary } from './run-store.ts';
export { TargetStore } from './target-store.ts';
export { createQueues, QUEUE_NAMES, type Queues, type RunJobData, type PageJobData } from './queues.ts';
export { redisKeys } from './redis-keys.ts';

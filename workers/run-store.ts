// Crawl runs in Redis: the target snapshot a run works with (so a target edited mid-run does not
// change it), and its counters (pending, pages, errors by code, alerts, entities).
import type { Redis } from 'ioredis';
import { targetSchema, type WatchTarget } from '../config/index.ts';
import { RUN_TTL_SECS, type RedisKeys } from './redis-keys.ts';

export interface RunSummary {
  runId: string;
  targetId: string;
  status: 'running' | 'finished';
  startedAt: string;
  finishedAt: string | null;
  pending: number;
  /** Documents fetched, parsed and indexed. */
  pages: number;
  /** URLs that ended in an error (see errorsByCode). */
  errors: number;
  errorsByCode: Record<string, number>;
  /** Alerts created or updated by this run. */
  alerts: number;
  alertsNew: number;
  entities: number;
  /** URLs skipped on purpose (robots.txt), not errors. */
  skipped: number;
  /** Link discoveries not followed because the run had reached maxPagesPerRun (one per discovery, not per distinct URL). */
  capped: number;
  /** Link discoveries cut by the other caps, by cap: `host`, `query-variants`, `depth`. */
  cappedBy: Record<string, number>;
  /** Pages rendered in Chromium (among `pages`). */
  rendered: number;
  /** Pages crawled before whose content had not changed (304 Not Modified, or the same main text): nothing new raised. */
  unchanged: number;
  /** Pages crawled before whose content had changed: re-analysed, a new version kept. */
  changed: number;
  /** Pages whose text nearly duplicates earlier content: their alerts are that content's. */
  nearDuplicates: number;
  /** Sitemaps and feeds: the counters of source-discovery.ts without their `sources:` prefix. */
  sources: Record<string, number>;
  /** Page images and files (workers/page-media.ts): hashed, matches, errors, error:<code>, capped. */
  media: Record<string, number>;
}

export class RunStore {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;

  constructor(redis: Redis, keys: RedisKeys) {
    this.redis = redis;
    this.keys = keys;
  }

  /** Creates the run if it does not exist yet (a retried run job finds it and changes nothing). */
  async create(runId: string, target: WatchTarget, startedAt: Date): Promise<boolean> {
    const runKey = this.keys.run(runId);
    const created = await this.redis.hsetnx(runKey, 'startedAt', startedAt.toISOString());
    if (created === 1) {
      await this.redis
        .multi()
        .hset(runKey, { runId, targetId: target.id, status: 'running', pending: 0 })
        .expire(runKey, RUN_TTL_SECS)
        .set(this.keys.runTarget(runId), JSON.stringify(target), 'EX', RUN_TTL_SECS)
        .zadd(this.keys.runs(), startedAt.getTime(), runId)
        // The index of runs forgets runs whose bookkeeping has expired.
        .zremrangebyscore(this.keys.runs(), '-inf', startedAt.getTime() - RUN_TTL_SECS * 1000)
        .exec();
    }
    return created === 1;
  }

  /** Ends a run that has nothing pending (e.g. every seed was invalid or already claimed). */
  async finishIfIdle(runId: string, finishedAt: Date): Promise<void> {
    const runKey = this.keys.run(runId);
    const pending = Number((await this.redis.hget(runKey, 'pending')) ?? 0);
    if (pending <= 0) await this.redis.hset(runKey, { status: 'finished', finishedAt: finishedAt.toISOString() });
  }

  async target(runId: string): Promise<WatchTarget | null> {
    const json = await this.redis.get(this.keys.runTarget(runId));
    return json ? targetSchema.parse(JSON.parse(json)) : null;
  }

  async summary(runId: string): Promise<RunSummary | null> {
    const fields = await this.redis.hgetall(this.keys.run(runId));
    if (!fields.startedAt) return null;
    const count = (name: string) => Number(fields[name] ?? 0);
    const errorsByCode = countersWithPrefix(fields, 'error:');
    return {
      runId,
      targetId: fields.targetId ?? '',
      status: fields.status === 'finished' ? 'finished' : 'running',
      startedAt: fields.startedAt,
      finishedAt: fields.finishedAt ?? null,
      pending: count('pending'),
      pages: count('pages'),
      errors: count('errors'),
      errorsByCode,
      alerts: count('alerts'),
      alertsNew: count('alertsNew'),
      entities: count('entities'),
      skipped: count('skipped'),
      capped: count('capped'),
      cappedBy: countersWithPrefix(fields, 'capped:'),
      rendered: count('rendered'),
      unchanged: count('unchanged'),
      changed: count('changed'),
      nearDuplicates: count('nearDuplicates'),
      sources: countersWithPrefix(fields, 'sources:'),
      media: countersWithPrefix(fields, 'media:'),
    };
  }

  /** Most recent runs first. */
  async recent(limit = 20): Promise<RunSummary[]> {
    const ids = await this.redis.zrevrange(this.keys.runs(), 0, limit - 1);
    const summaries = await Promise.all(ids.map((id) => this.summary(id)));
    return summaries.filter((s): s is RunSummary => s !== null);
  }

  async recordLatency(runId: string, latencyMs: number): Promise<void> {
    const key = this.keys.runLatencies(runId);
    await this.redis.multi().rpush(key, String(Math.round(latencyMs))).expire(key, RUN_TTL_SECS).exec();
  }

  async latencies(runId: string): Promise<number[]> {
    return (await this.redis.lrange(this.keys.runLatencies(runId), 0, -1)).map(Number);
  }
}

function countersWithPrefix(fields: Record<string, string>, prefix: string): Record<string, number> {
  const counters: Record<string, number> = {};
  for (const [field, value] of Object.entries(fields)) {
    if (field.startsWith(prefix)) counters[field.slice(prefix.length)] = Number(value);
  }
  return counters;
}

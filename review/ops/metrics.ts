// Prometheus /metrics, for a scraper's API token (or a session) with metrics:read. The registry is
// this server's own (no global default registry: two servers in one process, as in tests, do not
// mix). Queue, page and alert figures are read from Redis and the index at scrape time, so every
// worker process sharing them is counted and nothing is kept in this process.
import type { FastifyInstance } from 'fastify';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ALERT_STATUSES } from '../../indexer/types.ts';
import { QUEUE_NAMES } from '../../workers/index.ts';
import type { DeskContext } from '../http/context.ts';
import { admitted } from './ops-access.ts';

export const METRICS_PATH = '/metrics';

/** BullMQ job states reported per queue. */
const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused', 'completed', 'failed'] as const;

export function registerMetrics(app: FastifyInstance, ctx: DeskContext): void {
  const register = new Registry();
  collectDefaultMetrics({ register, prefix: 'vigie_' });
  const log = ctx.pipeline.logger.child({ component: 'metrics' });
  // A figure that cannot be read is left out of the scrape (logged), rather than failing all of it.
  const readOrSkip = async (gauge: Gauge<string>, what: string, read: () => Promise<void>) => {
    try {
      gauge.reset();
      await read();
    } catch (err) {
      gauge.reset();
      log.warn({ err }, `metrics: ${what} not read`);
    }
  };

  new Gauge({
    name: 'vigie_queue_jobs',
    help: 'Jobs per BullMQ queue and state, read at scrape time',
    labelNames: ['queue', 'state'],
    registers: [register],
    async collect() {
      await readOrSkip(this, 'queue job counts', async () => {
        const queues = [[QUEUE_NAMES.runs, ctx.pipeline.queues.runs], [QUEUE_NAMES.pages, ctx.pipeline.queues.pages]] as const;
        for (const [name, queue] of queues) {
          const counts = await queue.getJobCounts(...JOB_STATES);
          for (const state of JOB_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
        }
      });
    },
  });

  new Gauge({
    name: 'vigie_pages_indexed',
    help: 'Pages in the index',
    registers: [register],
    async collect() {
      await readOrSkip(this, 'page count', async () => this.set(await ctx.pipeline.index.countPages()));
    },
  });

  new Gauge({
    name: 'vigie_alerts',
    help: 'Alerts in the index by status',
    labelNames: ['status'],
    registers: [register],
    async collect() {
      await readOrSkip(this, 'alert counts', async () => {
        const counts = await Promise.all(ALERT_STATUSES.map((status) => ctx.pipeline.index.countAlerts({ status })));
        ALERT_STATUSES.forEach((status, k) => this.set({ status }, counts[k] ?? 0));
      });
    },
  });

  const requests = new Histogram({
    name: 'vigie_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [register],
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route's pattern (/api/v1/alerts/:id), never the raw URL: ids would make a series each.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.get(METRICS_PATH, async (request, reply) => {
    if ((await admitted(request, reply, ctx, 'metrics:read')) === null) return reply;
    const text = await register.metrics();
    return reply.header('content-type', register.contentType).header('cache-control', 'no-store').send(text);
  });
}

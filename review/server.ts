// The HTTP server of `vigie start`: health and readiness, and a read-only JSON API over alerts,
// pages, search, runs and targets. Accounts, roles and every state-changing route come with the
// review desk (issue 5); until then the server binds to 127.0.0.1 by default and changes nothing.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from '../config/index.ts';
import type { SearchIndex } from '../indexer/types.ts';
import type { RunStore, TargetStore } from '../workers/index.ts';
import { registerApiRoutes } from './api-routes.ts';

export interface ReviewServerDeps {
  logger: Logger;
  index: SearchIndex;
  redis: Redis;
  runs: RunStore;
  targets: TargetStore;
}

const READY_CHECK_TIMEOUT_MS = 1000;

/** A check that does not answer in time is a failed check (Redis commands queue while it is down). */
async function withTimeout(check: Promise<boolean>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([check.catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function buildServer(deps: ReviewServerDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    disableRequestLogging: true,
    // Errors Fastify raises before routing (a malformed URL, a bad body) get the API's shape too.
    frameworkErrors: (err, _request, reply) => {
      void (reply as FastifyReply).code(400).send({ error: { code: 'bad-request', message: err.message } });
    },
  });

  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) request.log.error({ err }, 'request failed');
    void reply.status(status).send({ error: { code: status >= 500 ? 'internal-error' : (err.code ?? 'bad-request').toLowerCase(), message: status >= 500 ? 'internal error' : err.message } });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: 'not-found', message: `no route ${request.method} ${request.url}` } });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const checks = { redis: false, index: false };
    checks.redis = await withTimeout(deps.redis.ping().then((r) => r === 'PONG'), READY_CHECK_TIMEOUT_MS);
    checks.index = await withTimeout(deps.index.countPages().then(() => true), READY_CHECK_TIMEOUT_MS);
    const ready = checks.redis && checks.index;
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
  });
  registerApiRoutes(app, deps);
  return app;
}

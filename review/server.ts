// The HTTP server of `vigie start`: the review desk's JSON API under /api/v1 (every route declared
// with review/http/route.ts), its OpenAPI document, the web app, health and readiness, metrics.
// Binds to 127.0.0.1 unless configured otherwise.
import cookie from '@fastify/cookie';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { registerOidcRoutes } from './auth/oidc.ts';
import { registerSessionRoutes } from './auth/sign-in.ts';
import type { DeskContext } from './http/context.ts';
import { HttpError, errorBody, type ErrorCode } from './http/errors.ts';
import { openApiDocument } from './http/openapi.ts';
import { registerBullBoard } from './ops/bull-board.ts';
import { registerMetrics } from './ops/metrics.ts';
import { registerAlertRoutes } from './routes/alert-routes.ts';
import { registerAuditRoutes } from './routes/audit-routes.ts';
import { registerEntityRoutes } from './routes/entity-routes.ts';
import { registerEvidenceRoutes } from './routes/evidence-routes.ts';
import { registerReferralRoutes } from './routes/referral-routes.ts';
import { registerSavedSearchRoutes } from './routes/saved-search-routes.ts';
import { registerSearchRoutes } from './routes/search-routes.ts';
import { registerStatsRoutes } from './routes/stats-routes.ts';
import { registerTargetRoutes } from './routes/target-routes.ts';
import { registerUserRoutes } from './routes/user-routes.ts';
import { registerWebApp } from './http/web-app.ts';

const READY_CHECK_TIMEOUT_MS = 1000;
/** Request bodies above this are refused (a YAML import of many targets fits easily). */
const BODY_LIMIT_BYTES = 2 * 1024 * 1024;

/** Every route file registers its routes here; one line each. */
const ROUTE_FILES: ReadonlyArray<(app: FastifyInstance, ctx: DeskContext) => void> = [
  registerSessionRoutes,
  registerUserRoutes,
  registerAuditRoutes,
  registerStatsRoutes,
  registerAlertRoutes,
  registerEvidenceRoutes,
  registerReferralRoutes,
  registerOidcRoutes,
  registerTargetRoutes,
  registerMetrics,
  registerBullBoard,
  registerSearchRoutes,
  registerEntityRoutes,
  registerSavedSearchRoutes,
  registerWebApp,
];

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

const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'bad-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'bad-request',
  429: 'rate-limited',
  503: 'unavailable',
};

export function buildServer(ctx: DeskContext): FastifyInstance {
  const app = Fastify({
    loggerInstance: ctx.pipeline.logger.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    // Behind a reverse proxy, the client's address (audit log, sign-in limits) is in X-Forwarded-For.
    trustProxy: ctx.pipeline.settings.httpTrustProxy,
    // Errors Fastify raises before routing (a malformed URL, a bad body) get the API's shape too.
    frameworkErrors: (err, _request, reply) => {
      void (reply as FastifyReply).code(400).send(errorBody('bad-request', err.message));
    },
  });
  void app.register(cookie);

  app.addHook('onSend', async (request, reply) => {
    // Defaults every answer carries; a route serving a page or a capture sets its own CSP first.
    if (!reply.hasHeader('content-security-policy')) {
      void reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
    }
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
  });

  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) request.log.error({ err }, 'request failed');
    const code = err instanceof HttpError ? err.code : (CODE_BY_STATUS[status] ?? 'internal-error');
    void reply.status(status).send(errorBody(code, status >= 500 && !(err instanceof HttpError) ? 'internal error' : err.message));
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(errorBody('not-found', `no route ${request.method} ${request.url.split('?')[0]}`));
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const checks = { redis: false, index: false, desk: false };
    checks.redis = await withTimeout(ctx.pipeline.redis.ping().then((r) => r === 'PONG'), READY_CHECK_TIMEOUT_MS);
    checks.index = await withTimeout(ctx.pipeline.index.countPages().then(() => true), READY_CHECK_TIMEOUT_MS);
    checks.desk = await withTimeout(ctx.desk.listAudit({ limit: 1 }).then(() => true), READY_CHECK_TIMEOUT_MS);
    const ready = checks.redis && checks.index && checks.desk;
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
  });
  for (const register of ROUTE_FILES) register(app, ctx);
  app.get('/api/docs/openapi.json', async () => openApiDocument(ctx.api, '1'));
  return app;
}

// Read-only JSON API under /api/v1. Query strings are validated with zod; a bad one is a 400
// with a stable code and the field at fault.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { redactTarget } from '../config/index.ts';
import { parseEntityQuery, type EntityQuery } from '../extractors/entity-query.ts';
import { CATEGORIES } from '../extractors/types.ts';
import { ALERT_STATUSES } from '../indexer/types.ts';
import { alertView } from './alert-view.ts';
import type { ReviewServerDeps } from './server.ts';

const paging = {
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

/** A date (2026-01-31) or a date-time with offset, as ISO UTC: what the CLI accepts too. */
const isoTime = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((value) => new Date(value).toISOString());

const alertsQuery = z.strictObject({
  status: z.enum(ALERT_STATUSES).optional(),
  category: z.enum(CATEGORIES).optional(),
  target: z.string().max(100).optional(),
  ...paging,
});

const searchQuery = z.strictObject({
  q: z.string().max(1000).optional(),
  entity: z.string().max(500).optional(),
  category: z.enum(CATEGORIES).optional(),
  target: z.string().max(100).optional(),
  language: z.string().max(10).optional(),
  domain: z.string().max(255).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  ...paging,
});

function badRequest(reply: FastifyReply, error: z.ZodError) {
  const first = error.issues[0];
  return reply.status(400).send({
    error: { code: 'bad-request', message: first ? `${first.path.join('.') || 'query'}: ${first.message}` : 'invalid request' },
  });
}

export function registerApiRoutes(app: FastifyInstance, deps: ReviewServerDeps): void {
  app.get('/api/v1/alerts', async (request, reply) => {
    const query = alertsQuery.safeParse(request.query);
    if (!query.success) return badRequest(reply, query.error);
    const { target, ...rest } = query.data;
    return { alerts: (await deps.index.listAlerts({ ...rest, targetId: target })).map(alertView) };
  });

  app.get<{ Params: { id: string } }>('/api/v1/alerts/:id', async (request, reply) => {
    const alert = await deps.index.getAlert(request.params.id);
    if (alert === null) return reply.status(404).send({ error: { code: 'not-found', message: 'no such alert' } });
    return { ...alertView(alert), history: await deps.index.alertHistory(alert.id) };
  });

  app.get<{ Params: { id: string } }>('/api/v1/pages/:id', async (request, reply) => {
    const page = await deps.index.getPage(request.params.id);
    return page ?? reply.status(404).send({ error: { code: 'not-found', message: 'no such page' } });
  });

  app.get('/api/v1/search', async (request, reply) => {
    const query = searchQuery.safeParse(request.query);
    if (!query.success) return badRequest(reply, query.error);
    const { q, entity, target, ...rest } = query.data;
    let entityFilter: EntityQuery | undefined;
    if (entity) {
      const parsed = parseEntityQuery(entity);
      if (!parsed.ok) return reply.status(400).send({ error: { code: 'bad-entity', message: parsed.message } });
      entityFilter = parsed.query;
    }
    return deps.index.search({ ...rest, text: q, entity: entityFilter, targetId: target });
  });

  app.get('/api/v1/runs', async () => ({ runs: await deps.runs.recent(50) }));
  app.get('/api/v1/targets', async () => ({ targets: (await deps.targets.list()).map(redactTarget) }));
}

// Saved searches: an investigator's query that the workers run on every new page version, raising
// an alert (rule id saved-search:<id>) under the category the investigator chose. They are shared
// by the team: anyone who may write saved searches may pause or delete any of them, and every
// change is audited under its author's name. A retro-run lists what already matches.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NonRetryableError } from '../../config/index.ts';
import { CATEGORIES } from '../../extractors/types.ts';
import { MAX_QUERY_CHARS } from '../../indexer/search-syntax.ts';
import { savedSearchName } from '../../workers/saved-searches.ts';
import type { DeskContext } from '../http/context.ts';
import { conflict, notFound } from '../http/errors.ts';
import { defineRoute, idParam } from '../http/route.ts';
import { RESULT_WINDOW_MESSAGE, asHttpError, pagingFields, withIndexErrors, withinResultWindow } from './search-params.ts';

const newSavedSearch = z.strictObject({
  name: savedSearchName,
  query: z.string().min(1).max(MAX_QUERY_CHARS),
  category: z.enum(CATEGORIES),
});
const savedSearchChange = z.strictObject({ enabled: z.boolean() });

export function registerSavedSearchRoutes(app: FastifyInstance, ctx: DeskContext): void {
  const store = ctx.pipeline.savedSearches;

  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/saved-searches',
    tag: 'saved-searches',
    summary: 'Every saved search, oldest first',
    access: 'search:read',
    handler: async () => ({ savedSearches: await store.list() }),
  });

  defineRoute(app, ctx, {
    method: 'POST',
    url: '/api/v1/saved-searches',
    tag: 'saved-searches',
    summary: 'Save a search that raises an alert in `category` on every new page it matches (bad syntax is 400 bad-query)',
    access: 'saved-searches:write',
    body: newSavedSearch,
    handler: async ({ body, principal, reply, audit }) => {
      const search = await store.create({ ...body, owner: principal!.username }, ctx.clock()).catch((err: unknown) => {
        throw err instanceof NonRetryableError && err.code === 'saved-searches-full' ? conflict(err.message) : asHttpError(err);
      });
      await audit('saved-search.create', search.id, { name: search.name, query: search.query, category: search.category });
      return reply.status(201).send({ savedSearch: search });
    },
  });

  defineRoute(app, ctx, {
    method: 'PATCH',
    url: '/api/v1/saved-searches/:id',
    tag: 'saved-searches',
    summary: 'Pause or resume a saved search ({enabled})',
    access: 'saved-searches:write',
    params: idParam,
    body: savedSearchChange,
    handler: async ({ params, body, audit }) => {
      const search = await store.setEnabled(params.id, body.enabled);
      if (search === null) throw notFound('saved search');
      await audit('saved-search.update', search.id, { name: search.name, enabled: search.enabled });
      return { savedSearch: search };
    },
  });

  defineRoute(app, ctx, {
    method: 'DELETE',
    url: '/api/v1/saved-searches/:id',
    tag: 'saved-searches',
    summary: 'Delete a saved search (the alerts it raised stay)',
    access: 'saved-searches:write',
    params: idParam,
    handler: async ({ params, audit }) => {
      const search = await store.get(params.id);
      if (search === null || !(await store.remove(params.id))) throw notFound('saved search');
      await audit('saved-search.delete', search.id, { name: search.name, query: search.query, category: search.category });
      return { deleted: search.id };
    },
  });

  defineRoute(app, ctx, {
    method: 'POST',
    url: '/api/v1/saved-searches/:id/run',
    tag: 'saved-searches',
    summary: 'Retro-run: the pages already indexed that the saved search matches (no alert is raised)',
    access: 'search:read',
    params: idParam,
    query: z.strictObject(pagingFields).refine(withinResultWindow, RESULT_WINDOW_MESSAGE),
    handler: async ({ params, query }) => {
      const search = await store.get(params.id);
      if (search === null) throw notFound('saved search');
      const result = await withIndexErrors(() => ctx.pipeline.index.search({ text: search.query, limit: query.limit, offset: query.offset }));
      return { savedSearch: search, ...result, limit: query.limit, offset: query.offset };
    },
  });
}

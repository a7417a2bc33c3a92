// Full-text search over every indexed page (the query language of indexer/search-syntax.ts, the
// filters, facets and a date histogram), and its export as CSV or JSON for the investigation file.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MAX_EXPORT_ROWS, exportChunks, planExport } from '../export/search-export.ts';
import type { DeskContext } from '../http/context.ts';
import { defineRoute } from '../http/route.ts';
import {
  RESULT_WINDOW_MESSAGE,
  describeFilters,
  flagParam,
  pagingFields,
  searchFilterFields,
  toSearchQuery,
  withIndexErrors,
  withinResultWindow,
} from './search-params.ts';

const searchQuery = z
  .strictObject({
    ...searchFilterFields,
    ...pagingFields,
    facets: flagParam.optional(),
    histogram: z.enum(['day', 'week', 'month']).optional(),
  })
  .refine(withinResultWindow, RESULT_WINDOW_MESSAGE);

const exportQuery = z.strictObject({
  ...searchFilterFields,
  format: z.enum(['csv', 'json']).default('csv'),
});

const MEDIA_TYPES = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' } as const;

/** `20261202T052900Z`: sortable, and safe in a file name on every system. */
function fileStamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}/u, '').replace(/[-:]/gu, '');
}

export function registerSearchRoutes(app: FastifyInstance, ctx: DeskContext): void {
  const index = ctx.pipeline.index;

  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/search',
    tag: 'search',
    summary: 'Search the indexed pages (query language, filters, facets=1, histogram=day|week|month); bad syntax is 400 bad-query',
    access: 'search:read',
    query: searchQuery,
    handler: async ({ query }) => {
      const { limit, offset, facets, histogram, ...filters } = query;
      const result = await withIndexErrors(() =>
        index.search({ ...toSearchQuery(filters), limit, offset, facets: facets === true, ...(histogram ? { histogram } : {}) }),
      );
      return { ...result, limit, offset };
    },
  });

  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/search/export',
    tag: 'search',
    summary: `Export every matching page as CSV or JSON (at most ${MAX_EXPORT_ROWS} rows; x-vigie-export-* headers say how many and whether it was cut); audited`,
    access: 'search:export',
    query: exportQuery,
    produces: 'text/csv',
    handler: async ({ query, reply, audit }) => {
      const { format, ...filters } = query;
      // The first batch runs here, so a bad query is a 400 before any byte of the file is sent.
      const plan = await withIndexErrors(() => planExport((q) => index.search(q), toSearchQuery(filters)));
      const asked = describeFilters(filters);
      await audit('search.export', undefined, { query: asked, format, total: plan.total, rows: plan.rows, truncated: plan.truncated });
      const now = ctx.clock();
      const head = { exportedAt: now.toISOString(), query: asked, total: plan.total, rows: plan.rows, truncated: plan.truncated, maxRows: MAX_EXPORT_ROWS };
      const stream = Readable.from(exportChunks(format, head, plan.hits), { objectMode: false });
      stream.on('error', (err) => reply.log.error({ err }, 'search export stopped'));
      void reply
        .header('content-type', MEDIA_TYPES[format])
        .header('content-disposition', `attachment; filename="vigie-search-${fileStamp(now)}.${format}"`)
        .header('x-vigie-export-total', String(plan.total))
        .header('x-vigie-export-rows', String(plan.rows))
        .header('x-vigie-export-limit', String(MAX_EXPORT_ROWS))
        .header('x-vigie-export-truncated', String(plan.truncated));
      return stream;
    },
  });
}

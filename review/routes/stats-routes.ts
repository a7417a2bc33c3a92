// The measurement the European cybercrime evaluation asks of a reporting platform: alerts per
// category per week in the standard classification, decisions, referrals per service and the
// time from alert to decision. JSON for the stats page and for export (CSV of the weekly counts).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CATEGORY_INFO } from '../../extractors/categories.ts';
import type { AlertStats } from '../../indexer/types.ts';
import type { DeskContext } from '../http/context.ts';
import { defineRoute } from '../http/route.ts';
import { csvRow } from '../export/csv.ts';
import { isoTime } from './search-params.ts';

const statsQuery = z
  .strictObject({ from: isoTime.optional(), to: isoTime.optional(), format: z.enum(['json', 'csv']).default('json') })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), 'from must not be after to');

export function registerStatsRoutes(app: FastifyInstance, ctx: DeskContext): void {
  const services = ctx.referralServices;
  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/stats',
    tag: 'stats',
    summary: 'Alerts per category per week, decisions, referrals per service and time to decision (format=csv: the weekly counts)',
    access: 'stats:read',
    query: statsQuery,
    handler: async ({ query, reply }) => {
      const range = { from: query.from, to: query.to };
      const [alerts, referrals] = await Promise.all([ctx.pipeline.index.alertStats(range), ctx.desk.referralCountsByService(range)]);
      if (query.format === 'csv') {
        void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="vigie-stats.csv"');
        return weeklyCsv(alerts);
      }
      return {
        range,
        perCategoryWeek: alerts.perCategoryWeek,
        categories: Object.values(CATEGORY_INFO).map((info) => ({ category: info.category, label: { fr: info.labelFr, en: info.labelEn } })),
        decisions: alerts.decisions,
        timeToDecision: alerts.timeToDecision,
        referralsByService: referrals.map((row) => {
          const service = services.get(row.service);
          return { ...row, label: service ? { fr: service.label.fr, en: service.label.en } : { fr: row.service, en: row.service } };
        }),
      };
    },
  });
}

function weeklyCsv(stats: AlertStats): string {
  return [csvRow(['week', 'category', 'alerts']), ...stats.perCategoryWeek.map((row) => csvRow([row.week, row.category, row.alerts]))].join('');
}

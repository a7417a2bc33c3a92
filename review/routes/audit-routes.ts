// The audit log, read-only: no route changes or removes a line (the store refuses it too).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { DeskContext } from '../http/context.ts';
import { defineRoute } from '../http/route.ts';

const auditQuery = z.strictObject({
  actor: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
  subject: z.string().max(300).optional(),
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export function registerAuditRoutes(app: FastifyInstance, ctx: DeskContext): void {
  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/audit',
    tag: 'audit',
    summary: 'The audit log, newest first (page with `before` = the last seq seen)',
    access: 'audit:read',
    query: auditQuery,
    handler: async ({ query }) => {
      const entries = await ctx.desk.listAudit(query);
      const last = entries.at(-1);
      return { entries, next: entries.length === query.limit && last ? last.seq : null };
    },
  });
}

// Bull Board over the pipeline's queues at /ops/queues, for ops and admins (queues:admin). Its
// actions (retry, clean, pause a queue...) change the crawl, so each one is audited.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { redactTarget, type WatchTarget } from '../../config/index.ts';
import { errorBody } from '../http/errors.ts';
import type { Principal } from '../auth/principal.ts';
import type { DeskContext } from '../http/context.ts';
import { appendAudit } from '../http/route.ts';
import { admitted } from './ops-access.ts';

export const QUEUES_PATH = '/ops/queues';

/**
 * Bull Board's page is a React app built with inline style attributes and a <style> element, so
 * it needs 'unsafe-inline' styles; its scripts are files of this origin (no inline script, no
 * eval). Its Google Fonts link is refused on purpose: the ops console calls no third party.
 */
export const QUEUES_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Board actions that write a job's data: a run job may carry a whole target (`vigie crawl`), which
 * the worker trusts, so adding or editing one would start a crawl that no target validation, pause
 * or network-guard setting ever saw. Targets change through the targets API; these are refused.
 */
const REFUSED_ACTIONS = [/\/api\/queues\/[^/]+\/add$/, /\/api\/queues\/[^/]+\/[^/]+\/update-data$/];

/** Job data as the board shows it: an ad-hoc run's target without its header values and proxy credentials. */
function redactedJobData(data: unknown): unknown {
  if (data === null || typeof data !== 'object' || !('target' in data) || typeof data.target !== 'object' || data.target === null) return data;
  return { ...data, target: redactTarget(data.target as WatchTarget) };
}

export function registerBullBoard(app: FastifyInstance, ctx: DeskContext): void {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUES_PATH);
  const adapters = [new BullMQAdapter(ctx.pipeline.queues.runs), new BullMQAdapter(ctx.pipeline.queues.pages)];
  for (const adapter of adapters) adapter.setFormatter('data', redactedJobData);
  createBullBoard({
    queues: adapters,
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Vigie queues' } },
  });
  // Who is using the board, once admitted, for the audit line of an action.
  const principals = new WeakMap<FastifyRequest, Principal>();
  void app.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      const principal = await admitted(request, reply, ctx, 'queues:admin');
      if (principal === null) return reply;
      const path = request.url.split('?')[0]!;
      if (request.method !== 'GET' && REFUSED_ACTIONS.some((pattern) => pattern.test(path))) {
        await appendAudit(ctx, request, principal, { action: 'access.denied', subject: `${request.method} ${path}`, detail: { reason: 'job data is written through the targets API only' }, outcome: 'denied' });
        return reply.status(403).send(errorBody('forbidden', 'adding jobs or editing job data is not allowed here: change the target instead'));
      }
      principals.set(request, principal);
      return undefined;
    });
    scope.addHook('onSend', async (_request, reply) => {
      void reply.header('content-security-policy', QUEUES_CSP);
    });
    scope.addHook('onResponse', async (request, reply) => {
      const principal = principals.get(request);
      if (request.method === 'GET' || request.method === 'HEAD' || principal === undefined) return;
      await appendAudit(ctx, request, principal, {
        action: 'queues.action',
        subject: `${request.method} ${request.url.split('?')[0]}`,
        detail: { status: reply.statusCode },
        outcome: reply.statusCode < 400 ? 'ok' : 'failed',
      });
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUES_PATH });
  });
}

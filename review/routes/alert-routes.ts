// The analysts' queue and alerts: list (filtered, paged, optionally one row per content), one
// alert with everything about it, decisions (one alert or many) and comments. Decisions go through
// review/decisions.ts, as `vigie alerts decide` does, so the rules are recalibrated the same way.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NonRetryableError } from '../../config/errors.ts';
import { CATEGORIES } from '../../extractors/types.ts';
import { MAX_COMMENT_CHARS } from '../../indexer/decisions.ts';
import { ALERT_STATUSES, DISMISS_REASONS, OPEN_ALERT_STATUSES, type Alert, type AlertFilter, type AlertStatus, type PageDocument } from '../../indexer/types.ts';
import { alertView } from '../alert-view.ts';
import { can } from '../auth/capabilities.ts';
import { decideAlerts, rulePriors } from '../decisions.ts';
import { screenshotState } from '../evidence/index.ts';
import type { DeskContext } from '../http/context.ts';
import { HttpError, badRequest, notFound } from '../http/errors.ts';
import { defineRoute, idParam, type HandlerContext } from '../http/route.ts';
import { isoTime } from './search-params.ts';

/** Most alerts one bulk decision takes. */
export const MAX_BULK_DECISION = 500;
export const MAX_ALERT_COMMENT_CHARS = 5000;
const SUMMARY_TEXT_CHARS = 400;

const statusList = z
  .string()
  .max(200)
  .transform((value, ctx) => {
    const statuses = value.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = statuses.find((s) => !(ALERT_STATUSES as readonly string[]).includes(s));
    if (unknown !== undefined || statuses.length === 0) {
      ctx.addIssue({ code: 'custom', message: `comma-separated statuses among ${ALERT_STATUSES.join(', ')}` });
      return z.NEVER;
    }
    return statuses as AlertStatus[];
  });

const alertsQuery = z.strictObject({
  /** `open`: the analysts' queue (new, assigned, escalated); `all` (default): any status. */
  queue: z.enum(['open', 'all']).default('all'),
  status: z.enum(ALERT_STATUSES).optional(),
  statuses: statusList.optional(),
  category: z.enum(CATEGORIES).optional(),
  target: z.string().min(1).max(200).optional(),
  assignee: z.string().min(1).max(100).optional(),
  /** On lastSeen, inclusive. */
  from: isoTime.optional(),
  to: isoTime.optional(),
  /** `1`: decided alerts seen again after their latest decision (content back on a new URL). */
  seenSinceDecision: z.enum(['0', '1']).optional(),
  /** `content`: one row per content (the same text on several URLs or in several categories). */
  group: z.enum(['content']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

const decisionFields = {
  // 'referred' is accepted so that the refusal can say where referrals are made.
  status: z.enum(ALERT_STATUSES),
  reason: z.enum(DISMISS_REASONS).optional(),
  comment: z.string().max(MAX_COMMENT_CHARS).optional(),
  assignee: z.string().min(1).max(100).optional(),
};
const decisionBody = z.strictObject(decisionFields);
const bulkDecisionBody = z.strictObject({ ids: z.array(z.string().min(1).max(200)).min(1).max(MAX_BULK_DECISION), ...decisionFields });
const commentBody = z.strictObject({ text: z.string().max(MAX_ALERT_COMMENT_CHARS) });

type DecisionBody = z.output<typeof decisionBody>;

export function registerAlertRoutes(app: FastifyInstance, ctx: DeskContext): void {
  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/alerts',
    tag: 'alerts',
    summary: 'The alerts queue: filtered, ranked by calibrated score, paged; group=content gives one row per content',
    access: 'alerts:read',
    query: alertsQuery,
    handler: async ({ query }) => {
      const filter: AlertFilter = { limit: query.limit, offset: query.offset };
      if (query.queue === 'open') filter.statuses = [...OPEN_ALERT_STATUSES];
      if (query.statuses) filter.statuses = filter.statuses ? filter.statuses.filter((s) => query.statuses!.includes(s)) : query.statuses;
      if (filter.statuses?.length === 0) return { alerts: [], total: 0, limit: query.limit, offset: query.offset };
      if (query.status) filter.status = query.status;
      if (query.category) filter.category = query.category;
      if (query.target) filter.targetId = query.target;
      if (query.assignee) filter.assignee = query.assignee;
      if (query.from) filter.from = query.from;
      if (query.to) filter.to = query.to;
      if (query.seenSinceDecision === '1') filter.seenSinceDecision = true;
      return withIndexErrors(async () => {
        const index = ctx.pipeline.index;
        if (query.group === 'content') {
          const [groups, total] = await Promise.all([index.listAlertGroups(filter), index.countAlertGroups(filter)]);
          return { groups: groups.map((group) => ({ ...group, top: alertView(group.top) })), total, limit: query.limit, offset: query.offset };
        }
        const [alerts, total] = await Promise.all([index.listAlerts(filter), index.countAlerts(filter)]);
        return { alerts: alerts.map(alertView), total, limit: query.limit, offset: query.offset };
      });
    },
  });

  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/alerts/:id',
    tag: 'alerts',
    summary: 'One alert: its category facts, decision history, comments, referrals and the page that raised it',
    access: 'alerts:read',
    params: idParam,
    handler: async ({ params }) => {
      const alert = await ctx.pipeline.index.getAlert(params.id);
      if (alert === null) throw notFound('alert');
      const [history, comments, referrals, page] = await Promise.all([
        ctx.pipeline.index.alertHistory(alert.id),
        ctx.desk.listComments(alert.id),
        ctx.desk.listReferrals({ alertId: alert.id, limit: 100 }),
        ctx.pipeline.index.getPage(alert.pageId),
      ]);
      return { ...alertView(alert), history, comments, referrals, page: page === null ? null : pageSummary(page, alert) };
    },
  });

  defineRoute(app, ctx, {
    method: 'POST',
    url: '/api/v1/alerts/:id/decisions',
    tag: 'alerts',
    summary: 'Decide an alert: confirm, dismiss (with a reason), escalate, assign or put back to new',
    access: 'alerts:decide',
    params: idParam,
    body: decisionBody,
    handler: async ({ params, body, principal, audit }) => {
      const [alert] = await decide(ctx, [params.id], body, principal!.username, audit);
      return { alert: alertView(alert!.alert), alertsRecalibrated: alert!.recalibrated };
    },
  });

  defineRoute(app, ctx, {
    method: 'POST',
    url: '/api/v1/alerts/decisions',
    tag: 'alerts',
    summary: `One decision applied to several alerts (at most ${MAX_BULK_DECISION}); an unknown id decides none`,
    access: 'alerts:decide',
    body: bulkDecisionBody,
    handler: async ({ body, principal, audit }) => {
      const { ids, ...decision } = body;
      const decided = await decide(ctx, ids, decision, principal!.username, audit);
      return { alerts: decided.map((d) => alertView(d.alert)), alertsRecalibrated: decided[0]?.recalibrated ?? 0 };
    },
  });

  defineRoute(app, ctx, {
    method: 'POST',
    url: '/api/v1/alerts/:id/comments',
    tag: 'alerts',
    summary: 'Comment on an alert',
    access: 'alerts:decide',
    params: idParam,
    body: commentBody,
    handler: async ({ params, body, principal, reply, audit }) => {
      const text = body.text.trim();
      if (text === '') throw badRequest('text: a comment cannot be empty');
      if ((await ctx.pipeline.index.getAlert(params.id)) === null) throw notFound('alert');
      const comment = await ctx.desk.addComment({ alertId: params.id, author: principal!.username, at: ctx.clock().toISOString(), text });
      await audit('alert.comment', params.id, { commentId: comment.id, chars: text.length });
      return reply.status(201).send({ comment });
    },
  });
}

/** Validates, decides through decideAlerts, and appends one `alert.decide` audit line per alert. */
async function decide(
  ctx: DeskContext,
  ids: readonly string[],
  body: DecisionBody,
  actor: string,
  audit: HandlerContext<unknown, unknown, unknown>['audit'],
): Promise<{ alert: Alert; recalibrated: number }[]> {
  if (body.status === 'referred') {
    throw badRequest('status: an alert is referred by creating a referral (POST /api/v1/alerts/:id/referrals), which builds the evidence package');
  }
  if (body.assignee !== undefined) await checkAssignee(ctx, body.assignee);
  const deps = { index: ctx.pipeline.index, priors: rulePriors(ctx.pipeline.rules.current()), clock: ctx.clock };
  let result;
  try {
    result = await decideAlerts(deps, ids, { ...body, actor });
  } catch (err) {
    if (err instanceof NonRetryableError && err.code === 'alert-not-found') throw new HttpError(404, 'not-found', `${err.message}: nothing was decided`);
    if (err instanceof NonRetryableError && err.code === 'invalid-decision') throw badRequest(err.message);
    throw err;
  }
  const detail: Record<string, unknown> = { status: body.status };
  if (body.reason) detail.reason = body.reason;
  if (body.assignee) detail.assignee = body.assignee;
  if (ids.length > 1) detail.bulk = result.alerts.length;
  for (const alert of result.alerts) await audit('alert.decide', alert.id, detail);
  return result.alerts.map((alert) => ({ alert, recalibrated: result.alertsRecalibrated }));
}

/** An alert is handed to an active account that may decide alerts, never to a typo. */
async function checkAssignee(ctx: DeskContext, username: string): Promise<void> {
  const user = await ctx.desk.getUser(username.trim());
  if (user === null || user.disabled) throw badRequest(`assignee: no active account named ${username}`);
  if (!can(user.role, 'alerts:decide')) throw badRequest(`assignee: ${username} is ${user.role} and may not decide alerts`);
}

/** What the alert page shows of the page that raised the alert, before the analyst opens the evidence. */
function pageSummary(page: PageDocument, alert: Alert) {
  const flag = page.flags.find((f) => f.category === alert.category) ?? null;
  return {
    id: page.id,
    url: page.url,
    finalUrl: page.finalUrl,
    title: page.title,
    fetchedAt: page.fetchedAt,
    httpStatus: page.httpStatus,
    contentType: page.contentType,
    language: page.language,
    targetId: page.targetId,
    rendered: page.rendered === true,
    excerpt: page.text.slice(0, SUMMARY_TEXT_CHARS),
    /** Why this page raised the alert: the flag of the alert's category (rules, terms, score). */
    flag,
    entityCount: page.entities.length,
    evidence: {
      stored: page.evidence !== undefined,
      manifestSha256: page.evidence?.manifestSha256 ?? null,
      screenshot: screenshotState(page),
    },
  };
}

/** The index's refusal of a filter value (a bad time, an impossible filter) is the caller's 400. */
async function withIndexErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof NonRetryableError && (err.code === 'invalid-alert-filter' || err.code.startsWith('index-invalid'))) throw badRequest(err.message);
    throw err;
  }
}

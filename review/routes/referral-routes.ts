// Referrals: the configured services, referring an alert (which builds, signs and stores the
// evidence package before anything is recorded), the referrals made, their package (a ZIP
// download, audited as an export) and their status as the service handles them.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { REFERRAL_STATUSES, type ReferralFilter } from '../desk/types.ts';
import { rulePriors } from '../decisions.ts';
import type { DeskContext } from '../http/context.ts';
import { HttpError, badRequest, notFound } from '../http/errors.ts';
import { defineRoute, idParam } from '../http/route.ts';
import { createReferral, oneAtATime, readStoredPackage, ReferralUnavailableError, PACKAGE_MEDIA_TYPE } from '../referrals/create-referral.ts';

export const MAX_QUALIFICATION_CHARS = 5000;
export const MAX_REFERRAL_COMMENT_CHARS = 5000;

const createBody = z.strictObject({
  service: z.string().min(1).max(100),
  qualification: z.string().max(MAX_QUALIFICATION_CHARS),
  comment: z.string().max(MAX_REFERRAL_COMMENT_CHARS).optional(),
});

const listQuery = z.strictObject({
  status: z.enum(REFERRAL_STATUSES).optional(),
  service: z.string().min(1).max(100).optional(),
  alert: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

const statusBody = z.strictObject({ status: z.enum(REFERRAL_STATUSES) });

export function registerReferralRoutes(app: FastifyInstance, ctx: DeskContext): void {
  const services = ctx.referralServices;
  const serialize = oneAtATime();

  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/referral-services',
    tag: 'referrals',
    summary: 'The services alerts can be referred to, with the categories each is suggested for',
    access: 'alerts:read',
    handler: async () => ({ services: services.services }),
  });

  defineRoute(app, ctx, {
    method: 'POST',
    url: '/api/v1/alerts/:id/referrals',
    tag: 'referrals',
    summary: 'Refer an alert to a service: builds, signs and stores the evidence package, records the referral and the decision',
    access: 'referrals:write',
    params: idParam,
    body: createBody,
    handler: async ({ params, body, principal, reply, request, audit }) => {
      const service = services.get(body.service);
      if (!service) throw badRequest(`service: no referral service "${body.service}" (GET /api/v1/referral-services lists them)`);
      const qualification = body.qualification.trim();
      if (qualification === '') throw badRequest('qualification: the legal qualification cannot be empty');
      const comment = body.comment?.trim() || undefined;
      const alert = await ctx.pipeline.index.getAlert(params.id);
      if (alert === null) throw notFound('alert');
      let referral;
      try {
        referral = await createReferral(
          {
            index: ctx.pipeline.index,
            desk: ctx.desk,
            evidence: ctx.pipeline.evidence,
            priors: rulePriors(ctx.pipeline.rules.current()),
            clock: ctx.clock,
            chromiumPath: ctx.pipeline.settings.chromiumPath,
            serialize,
          },
          { alert, service, qualification, comment, analyst: principal!.username },
        );
      } catch (err) {
        if (!(err instanceof ReferralUnavailableError)) throw err;
        request.log.error({ err }, 'referral package failed');
        await audit('referral.create', alert.id, { service: service.id, error: err.code }, 'failed');
        throw new HttpError(503, 'unavailable', `the referral package could not be built (${err.code}); nothing was recorded, try again`);
      }
      await audit('referral.create', alert.id, { referralId: referral.id, service: service.id, packageSha256: referral.packageSha256 });
      return reply.status(201).send({ referral });
    },
  });

  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/referrals',
    tag: 'referrals',
    summary: 'Referrals, newest first, by status, service or alert',
    access: 'referrals:write',
    query: listQuery,
    handler: async ({ query }) => {
      const filter: ReferralFilter = { limit: query.limit, offset: query.offset };
      if (query.status) filter.status = query.status;
      if (query.service) filter.service = query.service;
      if (query.alert) filter.alertId = query.alert;
      return { referrals: await ctx.desk.listReferrals(filter), limit: query.limit, offset: query.offset };
    },
  });

  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/referrals/:id',
    tag: 'referrals',
    summary: 'One referral and its status history',
    access: 'referrals:write',
    params: idParam,
    handler: async ({ params }) => {
      const referral = await ctx.desk.getReferral(params.id);
      if (referral === null) throw notFound('referral');
      return { referral, statusHistory: await ctx.desk.referralStatusHistory(referral.id) };
    },
  });

  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/referrals/:id/package',
    tag: 'referrals',
    summary: 'The referral package (ZIP), as stored when the referral was made',
    access: 'referrals:write',
    params: idParam,
    produces: PACKAGE_MEDIA_TYPE,
    handler: async ({ params, reply, audit }) => {
      const referral = await ctx.desk.getReferral(params.id);
      if (referral === null) throw notFound('referral');
      const bytes = await readStoredPackage(ctx.pipeline.evidence, referral).catch((err: unknown) => {
        // The store's own message may name paths or buckets: it goes to the log, not to the caller.
        ctx.pipeline.logger.error({ err, referralId: referral.id }, 'stored referral package unreadable');
        throw new HttpError(503, 'unavailable', 'the stored package cannot be read (see the server log)');
      });
      if (bytes === null) throw new HttpError(503, 'unavailable', `package ${referral.packageSha256} is not in the evidence store`);
      await audit('referral.export', referral.id, { alertId: referral.alertId, packageSha256: referral.packageSha256 });
      return reply
        .header('content-type', PACKAGE_MEDIA_TYPE)
        .header('content-disposition', `attachment; filename="referral-${referral.id.replace(/[^A-Za-z0-9_-]/g, '_')}.zip"`)
        .header('x-content-sha256', referral.packageSha256)
        .send(bytes);
    },
  });

  defineRoute(app, ctx, {
    method: 'POST',
    url: '/api/v1/referrals/:id/status',
    tag: 'referrals',
    summary: 'Record where the referral stands: prepared, sent, acknowledged, closed',
    access: 'referrals:write',
    params: idParam,
    body: statusBody,
    handler: async ({ params, body, principal, audit }) => {
      const before = await ctx.desk.getReferral(params.id);
      if (before === null) throw notFound('referral');
      const referral = await ctx.desk.setReferralStatus(params.id, body.status, principal!.username, ctx.clock().toISOString());
      if (referral === null) throw notFound('referral');
      await audit('referral.status', referral.id, { alertId: referral.alertId, from: before.status, to: referral.status });
      return { referral };
    },
  });
}

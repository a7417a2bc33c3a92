// One declaration per API route: who may call it (a capability), what it accepts (zod schemas for
// params, query and body), what it appends to the audit log, and its OpenAPI entry. Every
// /api/v1 route goes through defineRoute, so no route can forget the access check, the CSRF
// check on a state change made by a browser session, or input validation.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z, type ZodType } from 'zod';
import { can, type Capability } from '../auth/capabilities.ts';
import { resolvePrincipal, type Principal } from '../auth/principal.ts';
import { sameSecret } from '../auth/tokens.ts';
import type { AuditOutcome } from '../desk/types.ts';
import type { DeskContext } from './context.ts';
import { HttpError } from './errors.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A capability, anyone (sign-in, health), or any signed-in user. */
export type Access = Capability | 'public' | 'signed-in';

export interface HandlerContext<P, Q, B> {
  request: FastifyRequest;
  reply: FastifyReply;
  params: P;
  query: Q;
  body: B;
  /** Null only on public routes. */
  principal: Principal | null;
  /** Appends an audit line as the caller (views, exports, changes with a detail). */
  audit(action: string, subject?: string, detail?: Record<string, unknown>, outcome?: AuditOutcome): Promise<void>;
}

export interface RouteSpec<P, Q, B> {
  method: Method;
  /** Fastify path, e.g. /api/v1/alerts/:id */
  url: string;
  /** OpenAPI grouping. */
  tag: string;
  summary: string;
  access: Access;
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  /** Audit action appended when the handler succeeds; its subject is the route's first param. */
  audit?: string;
  /** Media type of a non-JSON answer, for the OpenAPI document (text/csv, application/zip...). */
  produces?: string;
  /** Media type of a non-JSON request body (text/yaml), for the OpenAPI document. */
  consumes?: string;
  handler(ctx: HandlerContext<P, Q, B>): Promise<unknown>;
}

/** What the OpenAPI document is built from. */
export interface RouteDoc {
  method: Method;
  url: string;
  tag: string;
  summary: string;
  access: Access;
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
  produces?: string;
  consumes?: string;
}

/** Methods that change nothing: no CSRF check, no audit of an action. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  app: FastifyInstance,
  ctx: DeskContext,
  spec: RouteSpec<P, Q, B>,
): void {
  ctx.api.push({
    method: spec.method,
    url: spec.url,
    tag: spec.tag,
    summary: spec.summary,
    access: spec.access,
    params: spec.params,
    query: spec.query,
    body: spec.body,
    produces: spec.produces,
    consumes: spec.consumes,
  });
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (request, reply) => {
      const principal = await resolvePrincipal(request, ctx);
      const audit = (action: string, subject?: string, detail?: Record<string, unknown>, outcome: AuditOutcome = 'ok') =>
        appendAudit(ctx, request, principal, { action, subject, detail, outcome });
      await checkAccess(spec, request, principal, audit);
      const params = parse(spec.params, request.params, 'params') as P;
      const query = parse(spec.query, request.query, 'query') as Q;
      const body = parse(spec.body, request.body, 'body') as B;
      const result = await spec.handler({ request, reply, params, query, body, principal, audit });
      if (spec.audit) await audit(spec.audit, firstParam(params));
      return result;
    },
  });
}

async function checkAccess<P, Q, B>(
  spec: RouteSpec<P, Q, B>,
  request: FastifyRequest,
  principal: Principal | null,
  audit: HandlerContext<P, Q, B>['audit'],
): Promise<void> {
  if (spec.access === 'public') return;
  if (principal === null) throw new HttpError(401, 'unauthenticated', 'sign in first (session cookie or bearer token)');
  if (spec.access !== 'signed-in' && !can(principal.role, spec.access)) {
    await audit('access.denied', `${spec.method} ${spec.url}`, { capability: spec.access }, 'denied');
    throw new HttpError(403, 'forbidden', `the ${principal.role} role may not do this (${spec.access})`);
  }
  // A browser sends the session cookie on its own; only the page's script knows the CSRF token.
  if (principal.via === 'session' && !SAFE_METHODS.has(request.method)) {
    const sent = request.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !principal.csrfToken || !sameSecret(sent, principal.csrfToken)) {
      await audit('access.csrf-failed', `${spec.method} ${spec.url}`, undefined, 'denied');
      throw new HttpError(403, 'csrf-failed', 'missing or wrong x-csrf-token header');
    }
  }
}

/** Problems listed in one 400 at most: enough to fix a form, bounded for a hostile body. */
const MAX_LISTED_ISSUES = 10;

function parse(schema: ZodType | undefined, value: unknown, where: string): unknown {
  if (schema === undefined) return value;
  const result = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (result.success) return result.data;
  // Every problem, each led by its field ("seeds.0: Invalid URL; schedule: ..."), the first first.
  const problems = result.error.issues.slice(0, MAX_LISTED_ISSUES).map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : where}: ${issue.message}`);
  throw new HttpError(400, 'bad-request', problems.length > 0 ? problems.join('; ') : `invalid ${where}`);
}

function firstParam(params: unknown): string | undefined {
  if (params === null || typeof params !== 'object') return undefined;
  const first = Object.values(params as Record<string, unknown>)[0];
  return typeof first === 'string' ? first : undefined;
}

export async function appendAudit(
  ctx: DeskContext,
  request: FastifyRequest,
  principal: Principal | null,
  entry: { action: string; subject?: string; detail?: Record<string, unknown>; outcome: AuditOutcome; actor?: string },
): Promise<void> {
  await ctx.desk.appendAudit({
    at: ctx.clock().toISOString(),
    actor: entry.actor ?? principal?.username ?? 'anonymous',
    action: entry.action,
    subject: entry.subject,
    outcome: entry.outcome,
    ip: request.ip,
    detail: principal?.via === 'token' ? { ...entry.detail, via: 'token' } : entry.detail,
  });
}

/** Zod helpers shared by route files. */
export const idParam = z.strictObject({ id: z.string().min(1).max(200) });

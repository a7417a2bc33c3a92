// Access to the ops pages outside /api/v1 (/metrics, /ops/queues), which defineRoute does not
// declare: the same principals (session cookie or bearer token) and capabilities, the same error
// shape, and denials audited as the API's are.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { can, type Capability } from '../auth/capabilities.ts';
import { resolvePrincipal, type Principal } from '../auth/principal.ts';
import type { DeskContext } from '../http/context.ts';
import { errorBody } from '../http/errors.ts';
import { appendAudit, SAFE_METHODS } from '../http/route.ts';


/**
 * The caller when it holds `capability`; otherwise answers 401 or 403 itself and returns null.
 * A browser session's state change must come from a page of this origin: Bull Board's own
 * script cannot send the x-csrf-token header, but the browser sends Origin (or Sec-Fetch-Site).
 */
export async function admitted(request: FastifyRequest, reply: FastifyReply, ctx: DeskContext, capability: Capability): Promise<Principal | null> {
  const principal = await resolvePrincipal(request, ctx);
  const where = `${request.method} ${request.url.split('?')[0]}`;
  if (principal === null) {
    await reply.status(401).send(errorBody('unauthenticated', 'sign in first (session cookie or bearer token)'));
    return null;
  }
  if (!can(principal.role, capability)) {
    await appendAudit(ctx, request, principal, { action: 'access.denied', subject: where, detail: { capability }, outcome: 'denied' });
    await reply.status(403).send(errorBody('forbidden', `the ${principal.role} role may not do this (${capability})`));
    return null;
  }
  if (principal.via === 'session' && !SAFE_METHODS.has(request.method) && !sameOrigin(request)) {
    await appendAudit(ctx, request, principal, { action: 'access.csrf-failed', subject: where, outcome: 'denied' });
    await reply.status(403).send(errorBody('csrf-failed', 'a state change with a session must come from a page of this site'));
    return null;
  }
  return principal;
}

function sameOrigin(request: FastifyRequest): boolean {
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite !== undefined) return fetchSite === 'same-origin';
  const origin = request.headers.origin;
  if (typeof origin !== 'string') return false;
  try {
    return new URL(origin).host === request.host;
  } catch {
    return false;
  }
}

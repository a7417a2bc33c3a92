// Who is making a request: a browser session (cookie) or an automation token (bearer). Expired
// sessions and tokens of disabled accounts resolve to nobody.
import type {} from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import type { Role } from '../desk/types.ts';
import type { DeskContext } from '../http/context.ts';
import { API_TOKEN_PREFIX, secretHash } from './tokens.ts';

export const SESSION_COOKIE = 'vigie_session';

/** lastSeen/lastUsed are written at most this often: a busy session does not write on every click. */
const TOUCH_INTERVAL_MS = 60_000;

export interface Principal {
  username: string;
  role: Role;
  via: 'session' | 'token';
  /** The session's id (hash) and CSRF token, for session principals. */
  sessionId?: string;
  csrfToken?: string;
}

export async function resolvePrincipal(request: FastifyRequest, ctx: DeskContext): Promise<Principal | null> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) return tokenPrincipal(authorization, ctx);
  const cookie = request.cookies[SESSION_COOKIE];
  return cookie ? sessionPrincipal(cookie, ctx) : null;
}

async function tokenPrincipal(authorization: string, ctx: DeskContext): Promise<Principal | null> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match || !match[1]!.startsWith(API_TOKEN_PREFIX)) return null;
  const token = await ctx.desk.findApiToken(secretHash(match[1]!));
  if (token === null) return null;
  const user = await ctx.desk.getUser(token.username);
  if (user === null || user.disabled) return null;
  const now = ctx.clock();
  if (!token.lastUsedAt || now.getTime() - Date.parse(token.lastUsedAt) > TOUCH_INTERVAL_MS) {
    await ctx.desk.touchApiToken(token.id, now.toISOString());
  }
  return { username: user.username, role: user.role, via: 'token' };
}

async function sessionPrincipal(cookie: string, ctx: DeskContext): Promise<Principal | null> {
  const id = secretHash(cookie);
  const session = await ctx.desk.getSession(id);
  if (session === null) return null;
  const now = ctx.clock().getTime();
  const idle = now - Date.parse(session.lastSeenAt);
  const age = now - Date.parse(session.createdAt);
  if (idle > ctx.sessions.idleMs || age > ctx.sessions.maxAgeMs) {
    await ctx.desk.deleteSession(id);
    return null;
  }
  const user = await ctx.desk.getUser(session.username);
  if (user === null || user.disabled) return null;
  if (idle > TOUCH_INTERVAL_MS) await ctx.desk.touchSession(id, new Date(now).toISOString());
  return { username: user.username, role: user.role, via: 'session', sessionId: id, csrfToken: session.csrfToken };
}

// Signing in and out. A session is a random token in an httpOnly, SameSite=Strict cookie; the
// desk keeps only its hash. Failed attempts are counted per account and per client address in
// Redis (shared by every desk process) and refused for a while past a threshold. Whether the
// account exists or not, a failure costs the same argon2 time and gives the same answer.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { redisKeys } from '../../workers/index.ts';
import type { User } from '../desk/types.ts';
import type { DeskContext } from '../http/context.ts';
import { HttpError } from '../http/errors.ts';
import { appendAudit, defineRoute } from '../http/route.ts';
import { capabilitiesOf } from './capabilities.ts';
import { dummyVerify, verifyPassword } from './passwords.ts';
import { SESSION_COOKIE, type Principal } from './principal.ts';
import { newSecret, secretHash } from './tokens.ts';

export const SIGN_IN_LIMITS = { perUser: 5, perAddress: 20, windowSeconds: 15 * 60 };

const credentials = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});

export function registerSessionRoutes(app: FastifyInstance, ctx: DeskContext): void {
  defineRoute(app, ctx, {
    method: 'POST',
    url: '/api/v1/session',
    tag: 'session',
    summary: 'Sign in with a user name and password; sets the session cookie',
    access: 'public',
    body: credentials,
    handler: async ({ request, reply, body }) => {
      const username = body.username.toLowerCase();
      const user = await checkPassword(ctx, request, username, body.password);
      const session = await openSession(ctx, request, reply, user);
      return { user: publicUser(user), csrfToken: session.csrfToken, capabilities: capabilitiesOf(user.role) };
    },
  });

  defineRoute(app, ctx, {
    method: 'DELETE',
    url: '/api/v1/session',
    tag: 'session',
    summary: 'Sign out (ends this session)',
    access: 'signed-in',
    audit: 'session.sign-out',
    handler: async ({ principal, reply }) => {
      if (principal?.sessionId) await ctx.desk.deleteSession(principal.sessionId);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { signedOut: true };
    },
  });

  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/me',
    tag: 'session',
    summary: 'The signed-in user, its capabilities and the CSRF token of its session',
    access: 'signed-in',
    handler: async ({ principal }) => meView(principal!),
  });
}

export function meView(principal: Principal) {
  return {
    user: { username: principal.username, role: principal.role },
    capabilities: capabilitiesOf(principal.role),
    csrfToken: principal.csrfToken ?? null,
  };
}

export function publicUser(user: User): User {
  const { username, role, disabled, source, createdAt, lastSignInAt } = user;
  return { username, role, disabled, source, createdAt, lastSignInAt };
}

async function checkPassword(ctx: DeskContext, request: FastifyRequest, username: string, password: string): Promise<User> {
  const keys = redisKeys(ctx.pipeline.settings.redisPrefix);
  const userKey = keys.signInFailures('user', username);
  const addressKey = keys.signInFailures('ip', request.ip);
  const fail = async (outcome: 'failed' | 'denied', reason: string) =>
    appendAudit(ctx, request, null, { action: 'session.sign-in', subject: username, outcome, detail: { reason } });
  // Every attempt is counted before its password is checked, in one atomic step: guesses sent all
  // at once cannot slip in before the first failure is counted. A success takes its attempt back.
  const counts = await ctx.pipeline.redis
    .multi()
    .incr(userKey)
    .expire(userKey, SIGN_IN_LIMITS.windowSeconds, 'NX')
    .incr(addressKey)
    .expire(addressKey, SIGN_IN_LIMITS.windowSeconds, 'NX')
    .exec();
  const userAttempts = Number(counts?.[0]?.[1] ?? 0);
  const addressAttempts = Number(counts?.[2]?.[1] ?? 0);
  if (userAttempts > SIGN_IN_LIMITS.perUser || addressAttempts > SIGN_IN_LIMITS.perAddress) {
    await fail('denied', 'rate-limited');
    throw new HttpError(429, 'rate-limited', 'too many failed sign-ins; try again in a few minutes');
  }
  const user = await ctx.desk.getUser(username);
  const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, password) : (await dummyVerify(password), false);
  if (!ok || user === null || user.disabled) {
    await fail('failed', ok && user?.disabled ? 'account-disabled' : 'bad-credentials');
    throw new HttpError(401, 'unauthenticated', 'wrong user name or password');
  }
  await ctx.pipeline.redis.multi().del(userKey).decr(addressKey).exec();
  return user;
}

async function openSession(ctx: DeskContext, request: FastifyRequest, reply: FastifyReply, user: User, via: 'password' | 'oidc' = 'password') {
  const token = newSecret(32);
  const now = ctx.clock().toISOString();
  const session = { id: secretHash(token), username: user.username, csrfToken: newSecret(24), createdAt: now, lastSeenAt: now };
  await ctx.desk.createSession(session);
  // Sessions nobody signed out of would pile up; each sign-in sweeps the expired ones.
  const nowMs = Date.parse(now);
  await ctx.desk.deleteExpiredSessions({
    idleBefore: new Date(nowMs - ctx.sessions.idleMs).toISOString(),
    createdBefore: new Date(nowMs - ctx.sessions.maxAgeMs).toISOString(),
  });
  await ctx.desk.recordSignIn(user.username, now);
  await appendAudit(ctx, request, null, { action: 'session.sign-in', subject: user.username, outcome: 'ok', actor: user.username, detail: { via } });
  void reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: request.protocol === 'https',
    maxAge: Math.floor(ctx.sessions.maxAgeMs / 1000),
  });
  return session;
}

/** Opens a session for a user the caller has already authenticated (OpenID Connect). */
export { openSession };

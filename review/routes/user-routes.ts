// Accounts, for admins: list, create, change role, disable (which ends the user's sessions), and
// API tokens for automation (shown once at creation; only their hash is kept).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { hashPassword, passwordProblem } from '../auth/passwords.ts';
import { publicUser } from '../auth/sign-in.ts';
import { apiTokenPrefix, newApiToken, secretHash } from '../auth/tokens.ts';
import { DeskConflictError, ROLES, USERNAME_PATTERN, type DeskStore } from '../desk/types.ts';
import type { DeskContext } from '../http/context.ts';
import { HttpError, badRequest, conflict, notFound } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';

export const USERNAME = z.string().regex(USERNAME_PATTERN, 'lowercase letters, digits, . _ - (2 to 63)');
const usernameParam = z.strictObject({ username: USERNAME });

const newUserBody = z.strictObject({
  username: USERNAME,
  role: z.enum(ROLES),
  /** Absent for accounts that sign in through OpenID Connect only. */
  password: z.string().max(1024).optional(),
});

const userChange = z
  .strictObject({ role: z.enum(ROLES).optional(), disabled: z.boolean().optional(), password: z.string().max(1024).optional() })
  .refine((change) => Object.keys(change).length > 0, 'nothing to change');

export function registerUserRoutes(app: FastifyInstance, ctx: DeskContext): void {
  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/users',
    tag: 'users',
    summary: 'Every account',
    access: 'users:admin',
    handler: async () => ({ users: await ctx.desk.listUsers() }),
  });

  defineRoute(app, ctx, {
    method: 'POST',
    url: '/api/v1/users',
    tag: 'users',
    summary: 'Create an account',
    access: 'users:admin',
    body: newUserBody,
    handler: async ({ body, reply, audit }) => {
      const passwordHash = body.password === undefined ? null : await checkedHash(body.password);
      try {
        const user = await ctx.desk.createUser({
          username: body.username,
          role: body.role,
          source: passwordHash === null ? 'oidc' : 'local',
          passwordHash,
          createdAt: ctx.clock().toISOString(),
        });
        await audit('user.create', user.username, { role: user.role });
        return reply.status(201).send({ user: publicUser(user) });
      } catch (err) {
        if (err instanceof DeskConflictError) throw conflict(`user ${body.username} exists`);
        throw err;
      }
    },
  });

  defineRoute(app, ctx, {
    method: 'PATCH',
    url: '/api/v1/users/:username',
    tag: 'users',
    summary: 'Change an account: role, disabled, password (a change of role or disabling ends its sessions)',
    access: 'users:admin',
    params: usernameParam,
    body: userChange,
    handler: async ({ params, body, audit }) => {
      const existing = await ctx.desk.getUser(params.username);
      if (existing === null) throw notFound('user');
      const losesAdmin = existing.role === 'admin' && !existing.disabled && (body.disabled === true || (body.role !== undefined && body.role !== 'admin'));
      if (losesAdmin && (await activeAdmins(ctx.desk)) <= 1) throw conflict('the last active admin cannot be disabled or demoted');
      const passwordHash = body.password === undefined ? undefined : await checkedHash(body.password);
      const user = await ctx.desk.updateUser(params.username, { role: body.role, disabled: body.disabled, passwordHash });
      if (user === null) throw notFound('user');
      if (body.disabled === true || (body.role !== undefined && body.role !== existing.role) || passwordHash !== undefined) {
        await ctx.desk.deleteUserSessions(user.username);
      }
      await audit('user.update', user.username, { role: body.role, disabled: body.disabled, passwordChanged: passwordHash !== undefined });
      return { user: publicUser(user) };
    },
  });

  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/users/:username/tokens',
    tag: 'users',
    summary: "An account's API tokens (never the secrets)",
    access: 'users:admin',
    params: usernameParam,
    handler: async ({ params }) => ({ tokens: await ctx.desk.listApiTokens(params.username) }),
  });

  defineRoute(app, ctx, {
    method: 'POST',
    url: '/api/v1/users/:username/tokens',
    tag: 'users',
    summary: 'Create an API token for an account; the answer is the only time the token is shown',
    access: 'users:admin',
    params: usernameParam,
    body: z.strictObject({ name: z.string().min(1).max(100) }),
    handler: async ({ params, body, reply, audit }) => {
      const user = await ctx.desk.getUser(params.username);
      if (user === null) throw notFound('user');
      if (user.disabled) throw badRequest('the account is disabled');
      const token = newApiToken();
      const record = await ctx.desk.createApiToken({
        id: randomUUID(),
        username: user.username,
        name: body.name,
        prefix: apiTokenPrefix(token),
        tokenHash: secretHash(token),
        createdAt: ctx.clock().toISOString(),
      });
      await audit('token.create', user.username, { tokenId: record.id, name: record.name });
      return reply.status(201).send({ token, record });
    },
  });

  defineRoute(app, ctx, {
    method: 'DELETE',
    url: '/api/v1/tokens/:id',
    tag: 'users',
    summary: 'Revoke an API token',
    access: 'users:admin',
    params: z.strictObject({ id: z.string().min(1).max(100) }),
    audit: 'token.revoke',
    handler: async ({ params }) => {
      const record = await ctx.desk.revokeApiToken(params.id, ctx.clock().toISOString());
      if (record === null) throw notFound('token');
      return { token: record };
    },
  });
}

async function checkedHash(password: string): Promise<string> {
  const problem = passwordProblem(password);
  if (problem !== null) throw new HttpError(400, 'bad-request', `password: ${problem}`);
  return hashPassword(password);
}

async function activeAdmins(desk: DeskStore): Promise<number> {
  return (await desk.listUsers()).filter((user) => user.role === 'admin' && !user.disabled).length;
}

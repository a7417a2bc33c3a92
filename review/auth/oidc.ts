// Sign-in through an OpenID Connect provider (authorization code flow with PKCE, state and nonce,
// by openid-client). The provider vouches for a user name (VIGIE_OIDC_USERNAME_CLAIM); Vigie keeps
// the accounts and their roles: only an existing, enabled account created for OIDC (`source:
// oidc`, no password) signs in this way, so a provider account can never take over a local admin.
// The first OIDC sign-in binds the account to the provider's issuer and subject (`iss`, `sub`: the
// identity OIDC guarantees stable and unique; a user name claim is neither, and some providers let
// users edit theirs); a later sign-in whose name matches but whose subject does not is refused.
// The flow's secrets (PKCE verifier, nonce) stay in Redis for ten minutes under the state; the
// browser holds the state in a Lax cookie (the provider's redirect back is a cross-site GET).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import { z } from 'zod';
import type { OidcSettings } from '../../config/index.ts';
import type { DeskContext } from '../http/context.ts';
import { HttpError } from '../http/errors.ts';
import { appendAudit, defineRoute } from '../http/route.ts';
import { openSession } from './sign-in.ts';
import { sameSecret } from './tokens.ts';

export const OIDC_STATE_COOKIE = 'vigie_oidc_state';
const FLOW_TTL_SECONDS = 600;

interface PendingFlow {
  verifier: string;
  nonce: string;
}

export function registerOidcRoutes(app: FastifyInstance, ctx: DeskContext): void {
  const settings = ctx.pipeline.settings.oidc;
  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/auth-methods',
    tag: 'session',
    summary: 'How one can sign in here: password, and OpenID Connect when configured',
    access: 'public',
    handler: async () => ({ password: true, oidc: settings ? { label: settings.label, loginUrl: '/api/v1/oidc/login' } : null }),
  });
  if (settings === undefined) return;

  let configuration: Promise<oidc.Configuration> | undefined;
  // Discovered on first use (the provider may start after the desk), again after a failure.
  const provider = () => {
    configuration ??= discover(settings).catch((err: unknown) => {
      configuration = undefined;
      throw err;
    });
    return configuration;
  };
  const flowKey = (state: string) => `${ctx.pipeline.settings.redisPrefix}:desk:oidc-flow:${state}`;

  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/oidc/login',
    tag: 'session',
    summary: "Starts OpenID Connect sign-in: redirects to the provider",
    access: 'public',
    handler: async ({ reply }) => {
      const config = await provider().catch((err: unknown) => {
        ctx.pipeline.logger.warn({ err, issuer: settings.issuer }, 'OpenID Connect discovery failed');
        throw new HttpError(503, 'unavailable', 'the OpenID Connect provider cannot be reached');
      });
      const state = oidc.randomState();
      const flow: PendingFlow = { verifier: oidc.randomPKCECodeVerifier(), nonce: oidc.randomNonce() };
      await ctx.pipeline.redis.set(flowKey(state), JSON.stringify(flow), 'EX', FLOW_TTL_SECONDS);
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUrl,
        scope: 'openid profile email',
        state,
        nonce: flow.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
        code_challenge_method: 'S256',
      });
      void reply.setCookie(OIDC_STATE_COOKIE, state, {
        httpOnly: true,
        sameSite: 'lax',
        path: '/api/v1/oidc/',
        secure: new URL(settings.redirectUrl).protocol === 'https:',
        maxAge: FLOW_TTL_SECONDS,
      });
      return reply.redirect(url.href, 302);
    },
  });

  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/oidc/callback',
    tag: 'session',
    summary: 'Where the provider sends the browser back; opens a session and redirects to the desk',
    access: 'public',
    query: z.looseObject({ state: z.string().max(200).optional() }),
    handler: async ({ request, reply, query }) => {
      void reply.clearCookie(OIDC_STATE_COOKIE, { path: '/api/v1/oidc/' });
      try {
        const { username, identity } = await completeFlow(request, query.state);
        const user = await ctx.desk.getUser(username);
        if (user === null || user.disabled || user.source !== 'oidc') {
          return failure(request, reply, username, user === null ? 'no-such-account' : user.disabled ? 'account-disabled' : 'not-an-oidc-account');
        }
        const bound = user.oidcIdentity;
        const sameIdentity = bound ? bound.issuer === identity.issuer && bound.subject === identity.subject : await ctx.desk.bindOidcIdentity(username, identity);
        if (!sameIdentity) return failure(request, reply, username, 'identity-mismatch');
        await openSession(ctx, request, reply, user, 'oidc');
        return reply.redirect('/queue', 302);
      } catch (err) {
        ctx.pipeline.logger.warn({ err }, 'OpenID Connect sign-in failed');
        return failure(request, reply, 'anonymous', err instanceof FlowError ? err.reason : 'provider-error');
      }
    },
  });

  async function completeFlow(request: FastifyRequest, state: string | undefined): Promise<{ username: string; identity: { issuer: string; subject: string } }> {
    const cookieState = request.cookies[OIDC_STATE_COOKIE];
    if (!state || !cookieState || !sameSecret(state, cookieState)) throw new FlowError('state-mismatch');
    const stored = await ctx.pipeline.redis.getdel(flowKey(state));
    if (stored === null) throw new FlowError('flow-expired');
    const flow = JSON.parse(stored) as PendingFlow;
    const config = await provider();
    // The callback URL as registered, with the provider's query: never the Host header's idea of it.
    const current = new URL(settings!.redirectUrl);
    current.search = new URL(request.url, 'http://placeholder').search;
    const tokens = await oidc.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: flow.verifier,
      expectedState: state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims();
    if (idToken === undefined) throw new FlowError('no-id-token');
    // Providers may keep profile claims out of the ID token and give them at the UserInfo endpoint.
    let claim = idToken[settings!.usernameClaim];
    if (claim === undefined) claim = (await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub))[settings!.usernameClaim];
    if (typeof claim !== 'string' || claim === '') throw new FlowError('no-username-claim');
    return { username: claim.toLowerCase(), identity: { issuer: idToken.iss, subject: idToken.sub } };
  }

  async function failure(request: FastifyRequest, reply: FastifyReply, username: string, reason: string) {
    await appendAudit(ctx, request, null, { action: 'session.sign-in', subject: username, outcome: 'failed', detail: { via: 'oidc', reason } });
    return reply.redirect(`/sign-in?error=${encodeURIComponent(`oidc-${reason}`)}`, 302);
  }
}

class FlowError extends Error {
  readonly reason: string;

  constructor(reason: string) {
    super(reason);
    this.reason = reason;
  }
}

async function discover(settings: OidcSettings): Promise<oidc.Configuration> {
  const secret = settings.clientSecret?.reveal();
  return oidc.discovery(
    new URL(settings.issuer),
    settings.clientId,
    secret === undefined ? { token_endpoint_auth_method: 'none' } : secret,
    secret === undefined ? oidc.None() : oidc.ClientSecretPost(secret),
    settings.allowHttp ? { execute: [oidc.allowInsecureRequests] } : undefined,
  );
}

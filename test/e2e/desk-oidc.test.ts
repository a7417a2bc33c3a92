// OpenID Connect sign-in against a real provider (panva's oidc-provider on loopback, its own
// login and consent pages) driven by real Chromium: the code flow with PKCE, state and nonce
// ends in a desk session for an OIDC account, and every way it can go wrong ends at the sign-in
// page with a reason, audited, without a session.
import { createServer, type Server } from 'node:http';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../review/auth/passwords.ts';
import { launchDeskBrowser, type DeskBrowser } from '../helpers/desk-browser.ts';
import { startTestDesk, TEST_PASSWORD, type TestDesk } from '../helpers/desk.ts';
import { freePort } from '../helpers/net.ts';

let desk: TestDesk;
let providerServer: Server;
let browser: DeskBrowser;

beforeAll(async () => {
  const [providerPort, deskPort] = [await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${providerPort}`;
  const redirectUrl = `http://127.0.0.1:${deskPort}/api/v1/oidc/callback`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'vigie-desk',
        client_secret: 'a-client-secret-for-tests-only',
        redirect_uris: [redirectUrl],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: { openid: ['sub'], profile: ['preferred_username'] },
    // The dev login page accepts any login; the subject is what was typed and the user name claim
    // drops a `+suffix`, so `olivia+other` is another person claiming olivia's name.
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub, preferred_username: sub.split('+')[0] }) }),
    cookies: { keys: ['cookie-key-for-tests-only'] },
    pkce: { required: () => true },
  });
  providerServer = createServer(provider.callback());
  await new Promise<void>((resolve) => providerServer.listen(providerPort, '127.0.0.1', resolve));
  desk = await startTestDesk('desk-oidc', {
    port: deskPort,
    env: {
      VIGIE_OIDC_ISSUER: issuer,
      VIGIE_OIDC_CLIENT_ID: 'vigie-desk',
      VIGIE_OIDC_CLIENT_SECRET: 'a-client-secret-for-tests-only',
      VIGIE_OIDC_REDIRECT_URL: redirectUrl,
      VIGIE_OIDC_LABEL: 'Annuaire',
      VIGIE_OIDC_ALLOW_HTTP: '1',
    },
  });
  await desk.desk.createUser({ username: 'olivia', role: 'investigator', source: 'oidc', passwordHash: null, createdAt: new Date().toISOString() });
  await desk.desk.createUser({ username: 'local-admin', role: 'admin', source: 'local', passwordHash: await hashPassword(TEST_PASSWORD), createdAt: new Date().toISOString() });
  browser = await launchDeskBrowser(desk);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await desk?.close();
  await new Promise((resolve) => providerServer?.close(resolve));
});

/** Through the provider's own login and consent pages, as a person would. */
async function signInAtProvider(login: string): Promise<URL> {
  const page = browser.page;
  await browser.context.clearCookies();
  await page.goto('/api/v1/oidc/login');
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('anything');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((url) => url.port === new URL(desk.baseUrl).port && !url.pathname.startsWith('/api/'));
  return new URL(page.url());
}

describe('OpenID Connect sign-in', () => {
  it('advertises the provider to the sign-in page', async () => {
    const methods = await desk.anonymous().get('/api/v1/auth-methods');
    expect(methods.body).toEqual({ password: true, oidc: { label: 'Annuaire', loginUrl: '/api/v1/oidc/login' } });
  });

  it('opens a desk session for an OIDC account, with the role Vigie gave it', async () => {
    const landed = await signInAtProvider('olivia');
    expect(landed.pathname).toBe('/queue');
    const me = await browser.page.request.get('/api/v1/me');
    expect(me.status()).toBe(200);
    expect(await me.json()).toMatchObject({ user: { username: 'olivia', role: 'investigator' } });
    const audit = await desk.desk.listAudit({ action: 'session.sign-in', subject: 'olivia', limit: 5 });
    expect(audit[0]).toMatchObject({ outcome: 'ok', detail: { via: 'oidc' } });
  }, 60_000);

  it('refuses a name with no account, and a local account the provider also knows', async () => {
    for (const [login, reason] of [
      ['mallory', 'oidc-no-such-account'],
      ['local-admin', 'oidc-not-an-oidc-account'],
    ] as const) {
      const landed = await signInAtProvider(login);
      expect(landed.pathname).toBe('/sign-in');
      expect(landed.searchParams.get('error')).toBe(reason);
      expect((await browser.page.request.get('/api/v1/me')).status()).toBe(401);
    }
    const failures = await desk.desk.listAudit({ action: 'session.sign-in', limit: 10 });
    expect(failures.filter((e) => e.outcome === 'failed').map((e) => e.subject)).toEqual(expect.arrayContaining(['mallory', 'local-admin']));
  }, 60_000);

  it('binds the account to the first subject: another person claiming the same name is refused', async () => {
    expect((await desk.desk.getUser('olivia'))!.oidcIdentity).toEqual({ issuer: expect.stringMatching(/^http:\/\/127\.0\.0\.1:/), subject: 'olivia' });
    const landed = await signInAtProvider('olivia+other');
    expect(landed.pathname).toBe('/sign-in');
    expect(landed.searchParams.get('error')).toBe('oidc-identity-mismatch');
    expect((await browser.page.request.get('/api/v1/me')).status()).toBe(401);
    expect((await signInAtProvider('olivia')).pathname).toBe('/queue');
  }, 60_000);

  it('refuses a callback whose state is not the one this browser started with (login CSRF)', async () => {
    const response = await fetch(`${desk.baseUrl}/api/v1/oidc/callback?code=forged&state=forged`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/sign-in?error=oidc-state-mismatch');
    expect(response.headers.getSetCookie().some((c) => c.startsWith('vigie_session='))).toBe(false);
  });
});

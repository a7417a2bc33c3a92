// Accounts, sessions, CSRF, tokens and the audit log on the real desk server (real Redis, the
// desk's SQLite store, argon2 hashes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGN_IN_LIMITS } from '../../review/auth/sign-in.ts';
import { startTestDesk, TEST_PASSWORD, type TestDesk } from '../helpers/desk.ts';

let now = Date.parse('2026-06-01T08:00:00Z');
let desk: TestDesk;

beforeAll(async () => {
  desk = await startTestDesk('desk-auth', { clock: () => new Date(now), sessions: { idleMs: 30 * 60_000, maxAgeMs: 12 * 3600_000 } });
}, 60_000);
afterAll(async () => desk?.close());

async function signInRaw(username: string, password: string, ip?: string) {
  return fetch(`${desk.baseUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(ip ? { 'x-forwarded-for': ip } : {}) },
    body: JSON.stringify({ username, password }),
  });
}

describe('sign-in and sessions', () => {
  it('signs in with the right password: an httpOnly SameSite=Strict cookie, the CSRF token and capabilities', async () => {
    await desk.addUser('alice', 'analyst');
    const response = await signInRaw('alice', TEST_PASSWORD);
    expect(response.status).toBe(200);
    const cookie = response.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^vigie_session=[A-Za-z0-9_-]{40,};/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const body = (await response.json()) as { user: { username: string; role: string }; csrfToken: string; capabilities: string[] };
    expect(body.user).toMatchObject({ username: 'alice', role: 'analyst' });
    expect(body.csrfToken.length).toBeGreaterThan(20);
    expect(body.capabilities).toContain('alerts:decide');
    expect(body.capabilities).not.toContain('targets:write');
    expect(JSON.stringify(body)).not.toContain('argon2');
  });

  it('refuses a wrong password and an unknown user with the same answer, and audits both', async () => {
    const wrong = await signInRaw('alice', 'not the password at all');
    const unknown = await signInRaw('nobody-here', 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
    const failures = await desk.desk.listAudit({ action: 'session.sign-in', limit: 10 });
    expect(failures.filter((e) => e.outcome === 'failed').map((e) => e.subject)).toEqual(expect.arrayContaining(['alice', 'nobody-here']));
    // The name typed is the subject; the actor of a failed sign-in is nobody yet.
    expect(failures.filter((e) => e.outcome === 'failed').every((e) => e.actor === 'anonymous')).toBe(true);
  });

  it('rate-limits sign-in per account: past the limit even the right password is refused for a while', async () => {
    await desk.addUser('bob', 'analyst');
    for (let i = 0; i < SIGN_IN_LIMITS.perUser; i++) expect((await signInRaw('bob', 'wrong password number ' + i)).status).toBe(401);
    const limited = await signInRaw('bob', TEST_PASSWORD);
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate-limited');
    // The window is in Redis: clearing it (as its expiry would) lets the right password in again.
    const keys = await desk.pipeline.deps.redis.keys(`${desk.pipeline.deps.settings.redisPrefix}:desk:sign-in-failures:*`);
    await desk.pipeline.deps.redis.del(...keys);
    expect((await signInRaw('bob', TEST_PASSWORD)).status).toBe(200);
  });

  it('counts guesses sent all at once: no more than the limit reach the password check', async () => {
    await desk.addUser('zed', 'analyst');
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => signInRaw('zed', `parallel wrong guess ${i}`)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(SIGN_IN_LIMITS.perUser);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(30 - SIGN_IN_LIMITS.perUser);
    const keys = await desk.pipeline.deps.redis.keys(`${desk.pipeline.deps.settings.redisPrefix}:desk:sign-in-failures:*`);
    await desk.pipeline.deps.redis.del(...keys);
  });

  it('requires the CSRF header on a state change made with the session cookie', async () => {
    const admin = await desk.signIn('root-admin', 'admin');
    const withoutToken = await admin.request('POST', '/api/v1/users', { username: 'carol', role: 'analyst', password: TEST_PASSWORD }, { 'x-csrf-token': '' });
    expect(withoutToken.status).toBe(403);
    expect(withoutToken.body.error.code).toBe('csrf-failed');
    const wrongToken = await admin.request('POST', '/api/v1/users', { username: 'carol', role: 'analyst', password: TEST_PASSWORD }, { 'x-csrf-token': 'x'.repeat(32) });
    expect(wrongToken.body.error.code).toBe('csrf-failed');
    expect(await desk.desk.getUser('carol')).toBeNull();
    const ok = await admin.post('/api/v1/users', { username: 'carol', role: 'analyst', password: TEST_PASSWORD });
    expect(ok.status).toBe(201);
    expect(ok.body.user).toMatchObject({ username: 'carol', role: 'analyst', source: 'local' });
  });

  it('ends a session after the idle time and after the maximum age', async () => {
    const dave = await desk.signIn('dave', 'investigator');
    expect((await dave.get('/api/v1/me')).status).toBe(200);
    now += 29 * 60_000;
    expect((await dave.get('/api/v1/me')).status).toBe(200);
    now += 31 * 60_000;
    const idle = await dave.get('/api/v1/me');
    expect(idle.status).toBe(401);
    expect(idle.body.error.code).toBe('unauthenticated');

    const erin = await desk.signIn('erin', 'investigator');
    // Busy all day (a request every 20 minutes): the session still ends 12 hours after sign-in.
    for (let minutes = 20; minutes < 12 * 60; minutes += 20) {
      now += 20 * 60_000;
      expect((await erin.get('/api/v1/me')).status).toBe(200);
    }
    now += 25 * 60_000;
    expect((await erin.get('/api/v1/me')).status).toBe(401);
  });

  it('signs out: the cookie no longer opens anything', async () => {
    const frank = await desk.signIn('frank', 'ops');
    expect((await frank.request('DELETE', '/api/v1/session')).status).toBe(200);
    expect((await frank.get('/api/v1/me')).status).toBe(401);
  });

  it('a disabled account loses its sessions and its tokens at once', async () => {
    const admin = await desk.signIn('root-admin', 'admin');
    const gina = await desk.signIn('gina', 'analyst');
    const ginaToken = await desk.tokenClient('gina');
    expect((await ginaToken.get('/api/v1/me')).status).toBe(200);
    expect((await admin.request('PATCH', '/api/v1/users/gina', { disabled: true })).status).toBe(200);
    expect((await gina.get('/api/v1/me')).status).toBe(401);
    expect((await ginaToken.get('/api/v1/me')).status).toBe(401);
    expect((await signInRaw('gina', TEST_PASSWORD)).status).toBe(401);
  });
});

describe('API tokens', () => {
  it('are created by an admin, shown once, work without CSRF, and stop working when revoked', async () => {
    const admin = await desk.signIn('root-admin', 'admin');
    await desk.addUser('robot', 'investigator');
    const created = await admin.post('/api/v1/users/robot/tokens', { name: 'nightly export' });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^vgt_/);
    const listed = await admin.get('/api/v1/users/robot/tokens');
    expect(JSON.stringify(listed.body)).not.toContain(token);
    const call = await fetch(`${desk.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await call.json()) as { user: { username: string } }).user.username).toBe('robot');
    expect((await admin.request('DELETE', `/api/v1/tokens/${created.body.record.id}`)).status).toBe(200);
    expect((await fetch(`${desk.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it('an unknown or malformed bearer token is unauthenticated', async () => {
    for (const value of ['Bearer vgt_nope', 'Bearer ', 'Basic abc', 'Bearer ' + 'a'.repeat(5000)]) {
      const response = await fetch(`${desk.baseUrl}/api/v1/me`, { headers: { authorization: value } });
      expect(response.status).toBe(401);
    }
  });
});

describe('role boundaries on accounts and the audit log', () => {
  it('only admins manage users and read the audit log', async () => {
    for (const role of ['analyst', 'investigator', 'ops'] as const) {
      const user = await desk.signIn(`${role}-1`, role);
      expect((await user.get('/api/v1/users')).body.error.code).toBe('forbidden');
      expect((await user.post('/api/v1/users', { username: `made-by-${role}`, role: 'admin', password: TEST_PASSWORD })).status).toBe(403);
      expect((await user.request('PATCH', `/api/v1/users/${role}-1`, { role: 'admin' })).status).toBe(403);
      expect((await user.get('/api/v1/audit')).status).toBe(403);
    }
    const denied = await desk.desk.listAudit({ action: 'access.denied', limit: 50 });
    expect(denied.map((e) => e.actor)).toEqual(expect.arrayContaining(['analyst-1', 'investigator-1', 'ops-1']));
  });

  it('nobody edits or deletes the audit log: there is no such route, even for an admin', async () => {
    const admin = await desk.signIn('root-admin', 'admin');
    const log = await admin.get('/api/v1/audit?limit=5');
    expect(log.status).toBe(200);
    const seq = log.body.entries[0].seq as number;
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
      const path = method === 'POST' ? '/api/v1/audit' : `/api/v1/audit/${seq}`;
      const response = await admin.request(method, path, method === 'DELETE' ? undefined : { action: 'forged' });
      expect(response.status).toBe(404);
    }
    const after = await admin.get('/api/v1/audit?limit=1000');
    expect(after.body.entries.some((e: { action: string }) => e.action === 'forged')).toBe(false);
  });

  it('the last active admin cannot be disabled or demoted', async () => {
    const admin = await desk.signIn('root-admin', 'admin');
    const response = await admin.request('PATCH', '/api/v1/users/root-admin', { role: 'analyst' });
    expect(response.status).toBe(409);
  });

  it('validates input with a stable code and the field at fault', async () => {
    const admin = await desk.signIn('root-admin', 'admin');
    const bad = await admin.post('/api/v1/users', { username: 'Bad Name', role: 'analyst', password: TEST_PASSWORD });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'bad-request' });
    expect(bad.body.error.message).toMatch(/^username:/);
    const weak = await admin.post('/api/v1/users', { username: 'weak', role: 'analyst', password: 'short' });
    expect(weak.body.error.message).toMatch(/^password:/);
    const role = await admin.post('/api/v1/users', { username: 'x-role', role: 'superuser', password: TEST_PASSWORD });
    expect(role.body.error.message).toMatch(/^role:/);
  });
});

describe('the OpenAPI document', () => {
  it('lists the declared routes with the capability each needs', async () => {
    const response = await fetch(`${desk.baseUrl}/api/docs/openapi.json`);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { 'x-vigie-access': string }>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/v1/users']!.post!['x-vigie-access']).toBe('users:admin');
    expect(doc.paths['/api/v1/users/{username}']!.patch).toBeDefined();
  });
});

// Every API route, every role: a route answers 403 `forbidden` exactly when the caller's role
// lacks the capability the route declares, whoever calls (session or token). The routes come from
// the server's own registry, so a route added later is covered without touching this test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, type Capability } from '../../review/auth/capabilities.ts';
import { ROLES, type Role } from '../../review/desk/types.ts';
import { startTestDesk, type DeskClient, type TestDesk } from '../helpers/desk.ts';

let desk: TestDesk;
const sessions = new Map<Role, DeskClient>();
const tokens = new Map<Role, DeskClient>();

beforeAll(async () => {
  desk = await startTestDesk('desk-roles');
  for (const role of ROLES) {
    sessions.set(role, await desk.signIn(`${role}-user`, role));
    tokens.set(role, await desk.tokenClient(`${role}-bot`, role));
  }
}, 120_000);
afterAll(async () => desk?.close());

/** A concrete path for a route pattern: every parameter gets a harmless value no record has. */
function concrete(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, (_m, name: string) => (name === 'type' ? 'email' : name === 'value' ? 'nobody@example.org' : `no-such-${name.toLowerCase()}`));
}

describe('role boundaries on every API route', () => {
  it('covers the routes the desk declares', () => {
    const capabilities = new Set(desk.ctx.api.map((route) => route.access));
    for (const needed of ['alerts:decide', 'targets:write', 'users:admin', 'audit:read', 'search:export', 'referrals:write'] as const) {
      expect(capabilities.has(needed)).toBe(true);
    }
  });

  for (const via of ['session', 'token'] as const) {
    it(`refuses exactly the routes a role may not use (${via})`, async () => {
      const clients = via === 'session' ? sessions : tokens;
      const routes = desk.ctx.api.filter((route) => route.access !== 'public' && route.access !== 'signed-in');
      const wrong: string[] = [];
      for (const route of routes) {
        for (const role of ROLES) {
          const client = clients.get(role)!;
          const response = await client.request(route.method, concrete(route.url), route.method === 'GET' || route.method === 'DELETE' ? undefined : {});
          const forbidden = response.status === 403 && response.body?.error?.code === 'forbidden';
          const allowed = can(role, route.access as Capability);
          if (forbidden === allowed) wrong.push(`${role} ${route.method} ${route.url}: ${response.status} ${JSON.stringify(response.body?.error ?? '')}`);
        }
      }
      expect(wrong).toEqual([]);
    }, 180_000);
  }

  it('the boundaries the issue names: analysts change no target or user, investigators decide nothing', async () => {
    const analyst = sessions.get('analyst')!;
    expect((await analyst.request('PUT', '/api/v1/targets/new-one', { id: 'new-one', name: 'x', seeds: ['https://example.org/'] })).status).toBe(403);
    expect((await analyst.post('/api/v1/targets/import', 'targets: []')).status).toBe(403);
    expect((await analyst.post('/api/v1/users', { username: 'sneaky', role: 'admin', password: 'a long enough password' })).status).toBe(403);
    expect((await analyst.request('PATCH', '/api/v1/users/analyst-user', { role: 'admin' })).status).toBe(403);
    const investigator = sessions.get('investigator')!;
    expect((await investigator.post('/api/v1/alerts/decisions', { ids: ['x'], status: 'confirmed' })).status).toBe(403);
    expect((await investigator.post('/api/v1/alerts/x/decisions', { status: 'confirmed' })).status).toBe(403);
    expect(await desk.desk.getUser('sneaky')).toBeNull();
    expect(await desk.pipeline.deps.targets.get('new-one')).toBeNull();
  });

  it('the refusals are in the audit log, the allowed calls are not refused there', async () => {
    const denied = await desk.desk.listAudit({ action: 'access.denied', limit: 1000 });
    expect(denied.length).toBeGreaterThan(0);
    for (const entry of denied) {
      const role = (await desk.desk.getUser(entry.actor))!.role;
      expect(can(role, entry.detail!.capability as Capability)).toBe(false);
    }
  });
});

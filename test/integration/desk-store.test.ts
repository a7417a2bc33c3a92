// The desk store on a real SQLite file: every method, the conflicts the API turns into 409, and
// the append-only audit log and referral history proven by raw SQL that the triggers refuse.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DESK_SCHEMA_VERSION, DeskConflictError, openDeskStore, type ReferralRecord, type SqliteDeskStore } from '../../review/desk/index.ts';

let dataDir: string;
let store: SqliteDeskStore;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'vigie-desk-'));
  store = await openDeskStore(dataDir);
});
afterEach(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 10, minute)).toISOString();

async function addUser(username: string, role: 'analyst' | 'admin' = 'analyst') {
  return store.createUser({ username, role, source: 'local', passwordHash: `hash-of-${username}`, createdAt: at(0) });
}

function rawDb(): Database.Database {
  return new Database(store.filePath);
}

function referral(id: string, overrides: Partial<ReferralRecord> = {}): ReferralRecord {
  return {
    id, alertId: 'alert-1', service: 'pharos', qualification: 'Code pénal, art. 421-2-5', createdBy: 'ana',
    createdAt: at(0), status: 'prepared', statusAt: at(0), packageSha256: 'a'.repeat(64), packageBytes: 1234, ...overrides,
  };
}

describe('SqliteDeskStore: the file', () => {
  it('creates desk.sqlite in WAL mode at the current schema version, and reopens it', async () => {
    const db = rawDb();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({ value: String(DESK_SCHEMA_VERSION) });
    db.close();
    await addUser('ana');
    await store.close();
    store = await openDeskStore(dataDir);
    expect((await store.listUsers()).map((u) => u.username)).toEqual(['ana']);
  });

  it('refuses a file written by a newer Vigie, and use after close', async () => {
    const db = rawDb();
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(DESK_SCHEMA_VERSION + 1));
    db.close();
    await expect(openDeskStore(dataDir)).rejects.toMatchObject({ code: 'desk-schema-too-new' });
    await store.close();
    await expect(store.listUsers()).rejects.toMatchObject({ code: 'desk-closed' });
  });

  it('sees what a second process (the CLI beside the server) wrote', async () => {
    const other = await openDeskStore(dataDir);
    try {
      await other.createUser({ username: 'from-cli', role: 'ops', source: 'local', passwordHash: 'h', createdAt: at(1) });
      expect(await store.getUser('from-cli')).toMatchObject({ role: 'ops' });
    } finally {
      await other.close();
    }
  });
});

describe('SqliteDeskStore: users', () => {
  it('creates, reads (with the hash), lists by name, and refuses a taken name', async () => {
    const created = await addUser('zoe', 'admin');
    expect(created).toEqual({ username: 'zoe', role: 'admin', disabled: false, source: 'local', createdAt: at(0) });
    await store.createUser({ username: 'bob', role: 'analyst', source: 'oidc', passwordHash: null, createdAt: at(2) });
    expect(await store.getUser('zoe')).toEqual({ ...created, passwordHash: 'hash-of-zoe' });
    expect(await store.getUser('bob')).toMatchObject({ source: 'oidc', passwordHash: null });
    expect(await store.getUser('nobody')).toBeNull();
    const list = await store.listUsers();
    expect(list.map((u) => u.username)).toEqual(['bob', 'zoe']);
    expect(list[0]).not.toHaveProperty('passwordHash');
    const taken = await addUser('zoe').catch((err: unknown) => err);
    expect(taken).toBeInstanceOf(DeskConflictError);
    expect(taken).toMatchObject({ code: 'conflict', message: expect.stringMatching(/zoe is taken/) });
    expect(await store.getUser('zoe')).toMatchObject({ role: 'admin', passwordHash: 'hash-of-zoe' });
  });

  it('changes role, disabled and password independently, and records sign-ins', async () => {
    await addUser('ana');
    expect(await store.updateUser('ana', { role: 'admin' })).toMatchObject({ role: 'admin', disabled: false });
    expect(await store.updateUser('ana', { disabled: true })).toMatchObject({ role: 'admin', disabled: true });
    expect(await store.getUser('ana')).toMatchObject({ passwordHash: 'hash-of-ana' });
    expect(await store.updateUser('ana', { passwordHash: 'new-hash', disabled: false })).toMatchObject({ role: 'admin', disabled: false });
    expect(await store.getUser('ana')).toMatchObject({ passwordHash: 'new-hash' });
    expect(await store.updateUser('nobody', { disabled: true })).toBeNull();
    await store.recordSignIn('ana', at(5));
    expect(await store.getUser('ana')).toMatchObject({ lastSignInAt: at(5) });
  });
});

describe('SqliteDeskStore: sessions', () => {
  const session = (id: string, username = 'ana') => ({ id, username, csrfToken: `csrf-${id}`, createdAt: at(0), lastSeenAt: at(0) });

  it('creates, reads, touches and deletes; signs a user out everywhere', async () => {
    await addUser('ana');
    await addUser('bob');
    await store.createSession(session('s1'));
    await store.createSession(session('s2'));
    await store.createSession(session('s3', 'bob'));
    expect(await store.getSession('s1')).toEqual(session('s1'));
    await store.touchSession('s1', at(9));
    expect(await store.getSession('s1')).toMatchObject({ lastSeenAt: at(9), createdAt: at(0) });
    await store.deleteSession('s1');
    expect(await store.getSession('s1')).toBeNull();
    expect(await store.deleteUserSessions('ana')).toBe(1);
    expect(await store.getSession('s2')).toBeNull();
    expect(await store.getSession('s3')).not.toBeNull();
    expect(await store.deleteUserSessions('ana')).toBe(0);
  });

  it('purges idle and too-old sessions', async () => {
    await addUser('ana');
    await store.createSession({ ...session('old'), createdAt: at(0), lastSeenAt: at(50) });
    await store.createSession({ ...session('idle'), createdAt: at(20), lastSeenAt: at(21) });
    await store.createSession({ ...session('live'), createdAt: at(20), lastSeenAt: at(50) });
    expect(await store.deleteExpiredSessions({ idleBefore: at(30), createdBefore: at(10) })).toBe(2);
    expect(await store.getSession('live')).not.toBeNull();
    expect(await store.getSession('old')).toBeNull();
    expect(await store.getSession('idle')).toBeNull();
  });

  it('hides the sessions of a disabled account and refuses one for an unknown user', async () => {
    await addUser('ana');
    await store.createSession(session('s1'));
    await store.updateUser('ana', { disabled: true });
    expect(await store.getSession('s1')).toBeNull();
    await store.updateUser('ana', { disabled: false });
    expect(await store.getSession('s1')).not.toBeNull();
    await expect(store.createSession(session('s9', 'ghost'))).rejects.toMatchObject({ code: 'desk-unknown-user' });
  });
});

describe('SqliteDeskStore: API tokens', () => {
  const token = (id: string, username = 'ana') => ({ id, username, name: `job ${id}`, prefix: `vgt_${id}`, tokenHash: `sha-${id}`, createdAt: at(0) });

  it('creates, finds by hash, lists, touches, and revokes (revoked tokens are not found)', async () => {
    await addUser('ana');
    await addUser('bob');
    expect(await store.createApiToken(token('t1'))).toEqual({ id: 't1', username: 'ana', name: 'job t1', prefix: 'vgt_t1', createdAt: at(0) });
    await store.createApiToken(token('t2', 'bob'));
    expect(await store.findApiToken('sha-t1')).toMatchObject({ id: 't1', username: 'ana' });
    expect(await store.findApiToken('sha-nope')).toBeNull();
    expect((await store.listApiTokens()).map((t) => t.id)).toEqual(['t1', 't2']);
    expect((await store.listApiTokens('bob')).map((t) => t.id)).toEqual(['t2']);
    await store.touchApiToken('t1', at(3));
    expect(await store.findApiToken('sha-t1')).toMatchObject({ lastUsedAt: at(3) });

    expect(await store.revokeApiToken('t1', at(4))).toMatchObject({ id: 't1', revokedAt: at(4) });
    expect(await store.findApiToken('sha-t1')).toBeNull();
    // A second revocation keeps the first time.
    expect(await store.revokeApiToken('t1', at(8))).toMatchObject({ revokedAt: at(4) });
    expect(await store.revokeApiToken('nope', at(8))).toBeNull();
    expect(await store.findApiToken('sha-t2')).not.toBeNull();
  });

  it('hides the tokens of a disabled account; refuses a reused hash and an unknown owner', async () => {
    await addUser('ana');
    await store.createApiToken(token('t1'));
    await store.updateUser('ana', { disabled: true });
    expect(await store.findApiToken('sha-t1')).toBeNull();
    await expect(store.createApiToken({ ...token('t2'), tokenHash: 'sha-t1' })).rejects.toBeInstanceOf(DeskConflictError);
    await expect(store.createApiToken(token('t3', 'ghost'))).rejects.toMatchObject({ code: 'desk-unknown-user' });
  });
});

describe('SqliteDeskStore: audit log', () => {
  it('numbers lines from 1, lists newest first with filters and paging, and redacts secret keys', async () => {
    const first = await store.appendAudit({ at: at(1), actor: 'anonymous', action: 'session.sign-in', subject: 'ana', outcome: 'failed', ip: '10.0.0.1' });
    expect(first).toEqual({ seq: 1, at: at(1), actor: 'anonymous', action: 'session.sign-in', subject: 'ana', outcome: 'failed', ip: '10.0.0.1' });
    await store.appendAudit({ at: at(2), actor: 'ana', action: 'session.sign-in', subject: 'ana', outcome: 'ok' });
    await store.appendAudit({ at: at(3), actor: 'ana', action: 'alert.decide', subject: 'alert-7', outcome: 'ok', detail: { status: 'confirmed' } });
    const withSecret = await store.appendAudit({ at: at(4), actor: 'ana', action: 'token.create', subject: 'ana', outcome: 'ok', detail: { tokenId: 't1', token: 'vgt_secret', password: 'hunter2hunter2' } });
    expect(withSecret.detail).toEqual({ tokenId: 't1', token: '[redacted]', password: '[redacted]' });

    const all = await store.listAudit({ limit: 10 });
    expect(all.map((e) => e.seq)).toEqual([4, 3, 2, 1]);
    expect(all[1]).toEqual({ seq: 3, at: at(3), actor: 'ana', action: 'alert.decide', subject: 'alert-7', outcome: 'ok', detail: { status: 'confirmed' } });
    expect(JSON.stringify(all)).not.toMatch(/vgt_secret|hunter2/);
    expect((await store.listAudit({ actor: 'ana', limit: 10 })).map((e) => e.seq)).toEqual([4, 3, 2]);
    expect((await store.listAudit({ action: 'session.sign-in', limit: 10 })).map((e) => e.seq)).toEqual([2, 1]);
    expect((await store.listAudit({ subject: 'alert-7', limit: 10 })).map((e) => e.seq)).toEqual([3]);
    expect((await store.listAudit({ before: 3, limit: 1 })).map((e) => e.seq)).toEqual([2]);
    expect((await store.listAudit({ actor: 'ana', action: 'session.sign-in', before: 2, limit: 5 }))).toEqual([]);
  });

  it('is append-only in the file itself: raw UPDATE and DELETE are refused and change nothing', async () => {
    await store.appendAudit({ at: at(1), actor: 'ana', action: 'alert.decide', subject: 'alert-1', outcome: 'ok' });
    await store.appendAudit({ at: at(2), actor: 'ana', action: 'alert.decide', subject: 'alert-2', outcome: 'ok' });
    const db = rawDb();
    try {
      expect(() => db.prepare("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 1").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
    expect((await store.listAudit({ limit: 10 })).map((e) => [e.seq, e.actor])).toEqual([[2, 'ana'], [1, 'ana']]);
    // Numbers are never reused: the next line is 3 whatever happened before.
    expect((await store.appendAudit({ at: at(3), actor: 'ana', action: 'x.y', outcome: 'denied' })).seq).toBe(3);
  });
});

describe('SqliteDeskStore: comments', () => {
  it('adds comments and lists an alert\'s comments oldest first', async () => {
    const c1 = await store.addComment({ alertId: 'a1', author: 'ana', at: at(1), text: 'vu' });
    await store.addComment({ alertId: 'a2', author: 'bob', at: at(2), text: 'autre' });
    const c3 = await store.addComment({ alertId: 'a1', author: 'bob', at: at(3), text: 'confirmé <b>html</b> gardé tel quel' });
    expect(c1).toEqual({ id: c1.id, alertId: 'a1', author: 'ana', at: at(1), text: 'vu' });
    expect(await store.listComments('a1')).toEqual([c1, c3]);
    expect(await store.listComments('none')).toEqual([]);
  });
});

describe('SqliteDeskStore: referrals', () => {
  it('creates a referral with its first history line, refuses a duplicate id, reads it back', async () => {
    const created = await store.createReferral(referral('r1', { comment: 'urgent' }));
    expect(created).toEqual(referral('r1', { comment: 'urgent' }));
    expect(await store.getReferral('r1')).toEqual(created);
    expect(await store.getReferral('nope')).toBeNull();
    expect(await store.referralStatusHistory('r1')).toEqual([{ status: 'prepared', actor: 'ana', at: at(0) }]);
    await expect(store.createReferral(referral('r1'))).rejects.toBeInstanceOf(DeskConflictError);
    expect(await store.referralStatusHistory('r1')).toHaveLength(1);
    await expect(store.createReferral(referral('r2', { createdAt: 'yesterday' }))).rejects.toMatchObject({ code: 'index-invalid-time' });
  });

  it('lists newest first with filters and paging', async () => {
    await store.createReferral(referral('r1', { createdAt: at(1) }));
    await store.createReferral(referral('r2', { createdAt: at(2), service: 'ofmin', alertId: 'alert-2' }));
    await store.createReferral(referral('r3', { createdAt: at(3) }));
    await store.setReferralStatus('r3', 'sent', 'bob', at(4));
    expect((await store.listReferrals({ limit: 10 })).map((r) => r.id)).toEqual(['r3', 'r2', 'r1']);
    expect((await store.listReferrals({ limit: 1, offset: 1 })).map((r) => r.id)).toEqual(['r2']);
    expect((await store.listReferrals({ service: 'pharos', limit: 10 })).map((r) => r.id)).toEqual(['r3', 'r1']);
    expect((await store.listReferrals({ status: 'sent', limit: 10 })).map((r) => r.id)).toEqual(['r3']);
    expect((await store.listReferrals({ alertId: 'alert-2', limit: 10 })).map((r) => r.id)).toEqual(['r2']);
    expect(await store.listReferrals({ service: 'pharos', status: 'closed', limit: 10 })).toEqual([]);
  });

  it('keeps every status change in an append-only history', async () => {
    await store.createReferral(referral('r1'));
    expect(await store.setReferralStatus('r1', 'sent', 'bob', at(5))).toMatchObject({ status: 'sent', statusAt: at(5), createdAt: at(0) });
    await store.setReferralStatus('r1', 'acknowledged', 'ana', at(9));
    expect(await store.setReferralStatus('nope', 'sent', 'bob', at(9))).toBeNull();
    const history = [
      { status: 'prepared', actor: 'ana', at: at(0) },
      { status: 'sent', actor: 'bob', at: at(5) },
      { status: 'acknowledged', actor: 'ana', at: at(9) },
    ];
    expect(await store.referralStatusHistory('r1')).toEqual(history);
    const db = rawDb();
    try {
      expect(() => db.prepare("UPDATE referral_status_history SET actor = 'x'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM referral_status_history').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
    expect(await store.referralStatusHistory('r1')).toEqual(history);
  });

  it('counts referrals per service in a time range (bounds included)', async () => {
    await store.createReferral(referral('r1', { createdAt: at(1) }));
    await store.createReferral(referral('r2', { createdAt: at(2), service: 'ofmin' }));
    await store.createReferral(referral('r3', { createdAt: at(3) }));
    await store.createReferral(referral('r4', { createdAt: at(30), service: 'europol' }));
    expect(await store.referralCountsByService({})).toEqual([
      { service: 'pharos', count: 2 },
      { service: 'europol', count: 1 },
      { service: 'ofmin', count: 1 },
    ]);
    expect(await store.referralCountsByService({ from: at(2), to: at(3) })).toEqual([
      { service: 'ofmin', count: 1 },
      { service: 'pharos', count: 1 },
    ]);
    // A date-only bound means midnight UTC; a bound in another ISO form compares by instant.
    expect(await store.referralCountsByService({ from: '2026-03-01T11:00:00+01:00' })).toEqual([
      { service: 'pharos', count: 2 },
      { service: 'europol', count: 1 },
      { service: 'ofmin', count: 1 },
    ]);
    expect(await store.referralCountsByService({ from: '2026-03-01T10:10:00Z' })).toEqual([{ service: 'europol', count: 1 }]);
    expect(await store.referralCountsByService({ to: '2026-03-01' })).toEqual([]);
    await expect(store.referralCountsByService({ from: 'last week' })).rejects.toMatchObject({ code: 'index-invalid-time' });
  });
});

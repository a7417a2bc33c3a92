// `vigie users` as an operator runs it: the real command in a child process, the password fed on
// standard input, and the desk store read back to check what was written (and what was not).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../review/auth/passwords.ts';
import { secretHash } from '../../review/auth/tokens.ts';
import { openDeskStore, type User } from '../../review/desk/index.ts';
import { lastJson, runVigie } from '../helpers/cli.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'vigie-users-'));
const args = ['--data-dir', dataDir];
const PASSWORD = 'une phrase de passe assez longue';
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function withStore<T>(use: (store: Awaited<ReturnType<typeof openDeskStore>>) => Promise<T>): Promise<T> {
  const store = await openDeskStore(dataDir);
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

describe('vigie users', () => {
  it('creates an account from a password on stdin, never echoing it, and audits it', { timeout: 300_000 }, async () => {
    const added = await runVigie(['users', 'add', '--username', 'chef.ops', '--role', 'admin', '--password-stdin', ...args], { input: `${PASSWORD}\n` });
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/user chef\.ops created \(admin, local\)/);
    expect(added.stdout + added.stderr).not.toContain(PASSWORD);

    await withStore(async (store) => {
      const user = await store.getUser('chef.ops');
      expect(user).toMatchObject({ role: 'admin', disabled: false, source: 'local' });
      // The trailing newline of `echo` is not part of the password.
      expect(await verifyPassword(user!.passwordHash!, PASSWORD)).toBe(true);
      expect(await store.listAudit({ limit: 10 })).toEqual([
        expect.objectContaining({ seq: 1, actor: `cli:${userInfo().username}`, action: 'user.create', subject: 'chef.ops', outcome: 'ok', detail: { role: 'admin', source: 'local' } }),
      ]);
    });
  });

  it('sets a new password, ending the account\'s sessions', { timeout: 300_000 }, async () => {
    const now = new Date().toISOString();
    await withStore((store) => store.createSession({ id: secretHash('cookie-1'), username: 'chef.ops', csrfToken: 'c', createdAt: now, lastSeenAt: now }));
    const changed = await runVigie(['users', 'password', '--username', 'chef.ops', '--password-stdin', ...args], { input: `nouvelle ${PASSWORD}\r\n` });
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toMatch(/password of chef\.ops changed; 1 session\(s\) ended/);
    await withStore(async (store) => {
      const hash = (await store.getUser('chef.ops'))!.passwordHash!;
      expect(await verifyPassword(hash, `nouvelle ${PASSWORD}`)).toBe(true);
      expect(await verifyPassword(hash, PASSWORD)).toBe(false);
      expect(await store.getSession(secretHash('cookie-1'))).toBeNull();
      expect((await store.listAudit({ limit: 1 }))[0]).toMatchObject({ action: 'user.update', detail: { passwordChanged: true, sessionsEnded: 1 } });
    });
  });

  it('refuses a taken name, a weak password, a bad name and a missing password source, changing nothing', { timeout: 300_000 }, async () => {
    const taken = await runVigie(['users', 'add', '--username', 'chef.ops', '--role', 'analyst', '--password-stdin', ...args], { input: `${PASSWORD}\n` });
    expect(taken.code).toBe(65);
    expect(taken.stderr).toMatch(/user chef\.ops exists already/);
    const weak = await runVigie(['users', 'add', '--username', 'ana', '--role', 'analyst', '--password-stdin', ...args], { input: 'trop court\n' });
    expect(weak.code).toBe(65);
    expect(weak.stderr).toMatch(/at least 12 characters long \(it has 10\)/);
    const badName = await runVigie(['users', 'add', '--username', 'Ana', '--role', 'analyst', '--password-stdin', ...args], { input: `${PASSWORD}\n` });
    expect(badName.code).toBe(64);
    expect(badName.stderr).toMatch(/lowercase letters, digits/);
    // No --password-stdin and no terminal: an error, not a hang and not an empty password.
    const noTty = await runVigie(['users', 'add', '--username', 'ana', '--role', 'analyst', ...args]);
    expect(noTty.code).toBe(64);
    expect(noTty.stderr).toMatch(/--password-stdin/);

    await withStore(async (store) => {
      expect((await store.listUsers()).map((u) => [u.username, u.role])).toEqual([['chef.ops', 'admin']]);
      expect(await store.listAudit({ limit: 10 })).toHaveLength(2);
    });
  });

  it('prints an API token once, keeps only its hash; disable ends sessions and stops the token; enable restores', { timeout: 300_000 }, async () => {
    const issued = await runVigie(['users', 'token', '--username', 'chef.ops', '--name', 'export nocturne', ...args]);
    expect(issued.code, issued.stderr).toBe(0);
    const token = issued.stdout.trim();
    expect(token).toMatch(/^vgt_[A-Za-z0-9_-]{43}$/);
    expect(issued.stderr).toMatch(/shown only now/);

    const sessionId = secretHash('a-session-cookie');
    await withStore(async (store) => {
      const record = await store.findApiToken(secretHash(token));
      expect(record).toMatchObject({ username: 'chef.ops', name: 'export nocturne', prefix: token.slice(0, 10) });
      const raw = JSON.stringify(await store.listApiTokens());
      expect(raw).not.toContain(token);
      const at = new Date().toISOString();
      await store.createSession({ id: sessionId, username: 'chef.ops', csrfToken: 'csrf', createdAt: at, lastSeenAt: at });
    });

    const disabled = await runVigie(['users', 'disable', '--username', 'chef.ops', ...args]);
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(disabled.stdout).toMatch(/chef\.ops disabled; 1 session\(s\) ended/);
    const listed = lastJson<User[]>((await runVigie(['users', 'list', '--json', ...args])).stdout);
    expect(listed).toEqual([expect.objectContaining({ username: 'chef.ops', disabled: true })]);
    await withStore(async (store) => {
      expect(await store.getSession(sessionId)).toBeNull();
      expect(await store.deleteUserSessions('chef.ops')).toBe(0);
      expect(await store.findApiToken(secretHash(token))).toBeNull();
    });

    const enabled = await runVigie(['users', 'enable', '--username', 'chef.ops', ...args]);
    expect(enabled.code, enabled.stderr).toBe(0);
    const table = await runVigie(['users', 'list', ...args]);
    expect(table.stdout).toMatch(/^username\s+role\s+source\s+status/);
    expect(table.stdout).toMatch(/chef\.ops\s+admin\s+local\s+active/);
    const ghost = await runVigie(['users', 'disable', '--username', 'ghost', ...args]);
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toMatch(/no user ghost/);

    await withStore(async (store) => {
      expect(await store.findApiToken(secretHash(token))).not.toBeNull();
      const actions = (await store.listAudit({ limit: 10 })).map((e) => [e.action, e.detail]);
      expect(actions).toEqual([
        ['user.update', { disabled: false }],
        ['user.update', { disabled: true, sessionsEnded: 1 }],
        ['token.create', { tokenId: expect.any(String), name: 'export nocturne' }],
        ['user.update', { passwordChanged: true, sessionsEnded: 1 }],
        ['user.create', { role: 'admin', source: 'local' }],
      ]);
      expect(JSON.stringify(await store.listAudit({ limit: 10 }))).not.toContain(token);
    });
  });
});

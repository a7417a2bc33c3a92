// `vigie start` as ops run it: one process with scheduler, workers and the HTTP server; health,
// readiness, the desk's first admin account, the API behind sign-in; SIGTERM shuts it down cleanly.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { VIGIE_BIN } from '../helpers/cli.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../helpers/redis.ts';
import { freePort } from '../helpers/net.ts';


describe('vigie start', () => {
  const prefix = uniquePrefix('start');
  const dir = mkdtempSync(join(tmpdir(), 'vigie-start-'));
  afterAll(async () => {
    const redis = testRedis();
    await deletePrefix(redis, prefix);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves health, readiness and the API, applies --targets, and stops on SIGTERM', async () => {
    const port = await freePort();
    const targets = join(dir, 'targets.yaml');
    writeFileSync(targets, 'targets:\n  - id: watched\n    name: Watched\n    seeds: [https://watched.example/]\n    headers: { Authorization: Bearer s3cret }\n    proxy: http://proxyuser:pr0xypass@proxy.example:3128\n    schedule: { intervalSecs: 3600 }\n');
    let stderr = '';
    const child = spawn(process.execPath, [VIGIE_BIN, 'start', '--port', String(port), '--targets', targets, '--data-dir', join(dir, 'data')], {
      env: { ...process.env, VIGIE_REDIS_PREFIX: prefix, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const base = `http://127.0.0.1:${port}`;
    try {
      let healthy = false;
      for (let i = 0; i < 300 && !healthy; i++) {
        healthy = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
        if (!healthy) await sleep(100);
      }
      expect(healthy, stderr).toBe(true);
      expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready', checks: { redis: true, index: true, desk: true } });
      // Nothing but health and the sign-in page without an account.
      expect((await fetch(`${base}/api/v1/alerts`)).status).toBe(401);
      expect((await fetch(`${base}/`)).headers.get('content-type')).toMatch(/^text\/html/);
      // The first start made an admin whose password is in an owner-only file, and said where (never what).
      const passwordFile = join(dir, 'data', 'initial-admin-password');
      expect(stderr).toContain(passwordFile);
      expect(statSync(passwordFile).mode & 0o077).toBe(0);
      const password = readFileSync(passwordFile, 'utf8').trim();
      expect(stderr).not.toContain(password);
      const signIn = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
      expect(signIn.status).toBe(200);
      const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
      const get = (path: string) => fetch(`${base}${path}`, { headers: { cookie } });
      expect(((await (await get('/api/v1/alerts')).json()) as { alerts: unknown[] }).alerts).toEqual([]);
      const targetsBody = (await (await get('/api/v1/targets')).json()) as { targets: Array<{ id: string; headers: Record<string, string> }> };
      expect(targetsBody.targets.map((t) => t.id)).toEqual(['watched']);
      // Header names are shown, credentials never.
      expect(targetsBody.targets[0]!.headers).toEqual({ Authorization: '[redacted]' });
      expect(JSON.stringify(targetsBody)).not.toMatch(/s3cret|pr0xypass/);

      // An editor-style save (write a new file, rename it over the old one) is picked up.
      writeFileSync(`${targets}.tmp`, 'targets:\n  - id: renamed\n    name: Renamed\n    seeds: [https://renamed.example/]\n');
      renameSync(`${targets}.tmp`, targets);
      let ids: string[] = [];
      for (let i = 0; i < 100 && ids[0] !== 'renamed'; i++) {
        await sleep(200);
        ids = ((await (await get('/api/v1/targets')).json()) as { targets: Array<{ id: string }> }).targets.map((t) => t.id);
      }
      expect(ids).toEqual(['renamed']);

      const badUrl = await get('/api/v1/alerts/%E0%A4%A');
      expect(badUrl.status).toBe(400);
      expect(await badUrl.json()).toMatchObject({ error: { code: 'bad-request' } });
      const dated = await get('/api/v1/search?from=2026-01-31');
      expect(dated.status).toBe(200);
      const bad = await get('/api/v1/search?q=' + encodeURIComponent('(unbalanced'));
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('bad-query');
      const badQuery = await get('/api/v1/alerts?status=bogus');
      expect(badQuery.status).toBe(400);
      const missing = await fetch(`${base}/nope`);
      expect(await missing.json()).toMatchObject({ error: { code: 'not-found' } });
    } finally {
      child.kill('SIGTERM');
    }
    const code = await Promise.race([new Promise((resolve) => child.once('close', resolve)), sleep(20_000, 'timeout')]);
    expect(code, stderr).toBe(0);
  }, 60_000);
});

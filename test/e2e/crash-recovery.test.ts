// "A crash loses nothing, a retry duplicates nothing": a `vigie crawl` process is killed (SIGKILL)
// mid-crawl; a separate `vigie worker` process sharing Redis and the data directory finishes the
// run. Every page ends indexed once, every alert once, and the run's counts are exact.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createIndex } from '../../indexer/index.ts';
import { redisKeys } from '../../workers/redis-keys.ts';
import { VIGIE_BIN } from '../helpers/cli.ts';
import { startHttpServer, type TestServer } from '../helpers/hostile-server.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../helpers/redis.ts';

const PAGES = 40;
const page = (i: number) => {
  const links = [1, 2, 3].map((k) => `<a href="/p/${(i + k) % PAGES}">next</a>`).join(' ');
  const planted = i % 10 === 5 ? ' Vente de cocaïne et de méphédrone, livraison discrète, paiement en bitcoin uniquement.' : '';
  return `<!doctype html><html><head><meta charset="utf-8"><title>Page ${i}</title></head><body><main><p>Message numéro ${i} du forum, sujet ${i * 7}.${planted}</p>${links}</main></body></html>`;
};

describe('crash recovery', () => {
  const redis = testRedis();
  const prefix = uniquePrefix('crash');
  const dir = mkdtempSync(join(tmpdir(), 'vigie-crash-'));
  let site: TestServer;

  afterAll(async () => {
    await site?.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes a killed crawl in another process without losing or duplicating anything', async () => {
    site = await startHttpServer((req, res) => {
      const i = Number(/^\/p\/(\d+)$/.exec(req.url ?? '')?.[1] ?? -1);
      if (i < 0 || i >= PAGES) return void res.writeHead(404).end();
      // Slow pages so that the kill lands mid-crawl with jobs in flight.
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(i)), 250);
    });
    const env = { ...process.env, VIGIE_REDIS_PREFIX: prefix, LOG_LEVEL: 'warn' };
    const dataDir = join(dir, 'data');
    const crawl = spawn(process.execPath, [VIGIE_BIN, 'crawl', site.url('/p/0'), '--max-pages', '100', '--depth', '50',
      '--concurrency', '3', '--delay-ms', '0', '--allow-private', '--json', '--data-dir', dataDir], { env, stdio: 'ignore' });

    const keys = redisKeys(prefix);
    let runId: string | undefined;
    for (let i = 0; i < 600 && !runId; i++) {
      [runId] = await redis.zrange(keys.runs(), 0, 0);
      if (!runId) await sleep(100);
    }
    expect(runId).toBeDefined();
    while (Number(await redis.hget(keys.run(runId!), 'pages')) < 8) await sleep(50);
    crawl.kill('SIGKILL');
    await new Promise((resolve) => crawl.once('close', resolve));
    const pagesAtKill = Number(await redis.hget(keys.run(runId!), 'pages'));
    expect(pagesAtKill).toBeLessThan(PAGES);

    const worker = spawn(process.execPath, [VIGIE_BIN, 'worker', '--concurrency', '3', '--data-dir', dataDir], { env, stdio: 'ignore' });
    try {
      // Jobs held by the dead process come back when their locks expire (BullMQ stalled-job check).
      for (let i = 0; i < 1200; i++) {
        if ((await redis.hget(keys.run(runId!), 'status')) === 'finished') break;
        await sleep(100);
      }
      expect(await redis.hget(keys.run(runId!), 'status')).toBe('finished');
    } finally {
      worker.kill('SIGTERM');
      const code = await new Promise((resolve) => worker.once('close', resolve));
      expect(code).toBe(0);
    }

    const run = await redis.hgetall(keys.run(runId!));
    expect(Number(run.pages)).toBe(PAGES);
    expect(Number(run.errors ?? 0)).toBe(0);
    expect(Number(run.pending)).toBe(0);

    const index = createIndex({ dataDir });
    await index.init();
    try {
      expect(await index.countPages()).toBe(PAGES);
      const alerts = await index.listAlerts({ limit: 100 });
      expect(alerts).toHaveLength(PAGES / 10);
      for (const alert of alerts) expect(alert.pageCount).toBe(1);
    } finally {
      await index.close();
    }
  }, 180_000);
});

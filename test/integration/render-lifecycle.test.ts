// The browser's life and death: a crashed or hung Chromium is killed and replaced, close() leaves
// no Chromium process, and neither does the owner process dying by SIGKILL. Processes are found
// by their process group and runtime directory, so other Chromiums on the machine are left alone.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryableError, VigieError } from '../../config/errors.ts';
import { browserSchema } from '../../config/target-schema.ts';
import type { BrowserOptions } from '../../config/target-schema.ts';
import { createNetworkGuard } from '../../crawler/network-guard.ts';
import type { NetworkGuard } from '../../crawler/network-guard.ts';
import { browserProcesses } from '../../crawler/render/browser-process.ts';
import { BrowserPool } from '../../crawler/render/index.ts';
import type { BrowserPoolStats, RenderRequest } from '../../crawler/render/index.ts';
import { routes, startHttpServer } from '../helpers/hostile-server.ts';
import type { TestServer } from '../helpers/hostile-server.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const logger = pino({ level: 'silent' });
let site: TestServer;
let guard: NetworkGuard;
let hangRequests = 0;

const options = (overrides: Partial<BrowserOptions> = {}): BrowserOptions =>
  browserSchema.parse({ screenshot: false, scroll: { maxSteps: 0, stepDelayMs: 0 }, ...overrides });
const request = (pathname: string, overrides: Partial<BrowserOptions> = {}): RenderRequest => ({ url: site.url(pathname), guard, options: options(overrides) });

beforeAll(async () => {
  site = await startHttpServer(routes({
    '/page': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<title>ok</title><p>page body</p>'),
    '/hang': (_req, res) => {
      hangRequests++;
      res.writeHead(200, { 'content-type': 'text/html' }).write('<title>hang</title><p>never ends');
    },
    '/spin': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<title>spin</title><p>spins</p><script>setTimeout(() => { for (;;) {} }, 0);</script>'),
  }));
  guard = createNetworkGuard({ allowPrivateOrigins: [site.hostPort] });
});

afterAll(async () => {
  await guard?.close();
  await site?.close();
});

function running(stats: BrowserPoolStats): { pid: number; runtimeDir: string } {
  expect(stats.browserPid).toEqual(expect.any(Number));
  expect(stats.browserRuntimeDir).toEqual(expect.any(String));
  return { pid: stats.browserPid as number, runtimeDir: stats.browserRuntimeDir as string };
}

async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

async function rejection(promise: Promise<unknown>): Promise<VigieError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(VigieError);
  return err as VigieError;
}

describe('a lost browser is replaced', () => {
  let pool: BrowserPool;
  beforeAll(() => {
    pool = new BrowserPool({ maxContexts: 2, logger, hangMarginMs: 1000, closeTimeoutMs: 2000 });
  });
  afterAll(async () => {
    await pool?.close();
  });

  it('relaunches after the browser is killed between pages', async () => {
    await pool.render(request('/page'));
    const first = running(pool.stats());
    process.kill(first.pid, 'SIGKILL');
    expect(await waitFor(() => pool.stats().browserPid === null, 10_000)).toBe(true);
    const result = await pool.render(request('/page'));
    expect(result.html).toContain('page body');
    const second = running(pool.stats());
    expect(second.pid).not.toBe(first.pid);
    expect(pool.stats()).toMatchObject({ launches: 2, replacedBrowsers: 1 });
    expect(await waitFor(async () => (await browserProcesses(first)).length === 0, 10_000)).toBe(true);
  });

  it('fails the renders in flight with browser-crashed when the browser dies', async () => {
    await pool.render(request('/page'));
    const { pid } = running(pool.stats());
    const before = hangRequests;
    const inFlight = pool.render(request('/hang', { timeoutMs: 30_000 }));
    expect(await waitFor(() => hangRequests > before, 20_000)).toBe(true);
    process.kill(pid, 'SIGKILL');
    const err = await rejection(inFlight);
    expect(err).toBeInstanceOf(RetryableError);
    expect(err.code).toBe('browser-crashed');
    expect((await pool.render(request('/page'))).title).toBe('ok');
  });

  it('kills a hung browser (stopped with SIGSTOP) and renders the next page with a new one', async () => {
    await pool.render(request('/page'));
    const hung = running(pool.stats());
    const replaced = pool.stats().replacedBrowsers;
    process.kill(hung.pid, 'SIGSTOP');
    const err = await rejection(pool.render(request('/page', { timeoutMs: 1500 })));
    expect(err.code).toBe('browser-crashed');
    expect(pool.stats().replacedBrowsers).toBe(replaced + 1);
    expect((await pool.render(request('/page'))).title).toBe('ok');
    expect(running(pool.stats()).pid).not.toBe(hung.pid);
    expect(await waitFor(async () => (await browserProcesses(hung)).length === 0, 10_000)).toBe(true);
  });

  it('gives up on a page whose script never yields, without losing the browser', async () => {
    const { pid } = running(pool.stats());
    const err = await rejection(pool.render(request('/spin', { timeoutMs: 2000 })));
    expect(err.code).toBe('render-timeout');
    expect((await pool.render(request('/page'))).title).toBe('ok');
    expect(running(pool.stats()).pid).toBe(pid);
  });
});

describe('no Chromium outlives its owner', () => {
  it('close() returns once every process of the browser is gone', async () => {
    const pool = new BrowserPool({ maxContexts: 1, logger });
    await pool.render(request('/page'));
    const browser = running(pool.stats());
    expect((await browserProcesses(browser)).length).toBeGreaterThan(1);
    await pool.close();
    expect(await browserProcesses(browser)).toEqual([]);
    expect(existsSync(browser.runtimeDir)).toBe(false);
    await expect(pool.render(request('/page'))).rejects.toMatchObject({ code: 'render-pool-closed' });
  });

  it('close() kills a browser that no longer answers', async () => {
    const pool = new BrowserPool({ maxContexts: 1, logger, closeTimeoutMs: 1000 });
    await pool.render(request('/page'));
    const browser = running(pool.stats());
    process.kill(browser.pid, 'SIGSTOP');
    await pool.close();
    expect(await browserProcesses(browser)).toEqual([]);
  });

  it('Chromium exits when the owner process is SIGKILLed', async () => {
    const code = `
      import { pino } from 'pino';
      import { browserSchema } from ${JSON.stringify(path.join(repoRoot, 'config/target-schema.ts'))};
      import { createNetworkGuard } from ${JSON.stringify(path.join(repoRoot, 'crawler/network-guard.ts'))};
      import { BrowserPool } from ${JSON.stringify(path.join(repoRoot, 'crawler/render/index.ts'))};
      const pool = new BrowserPool({ maxContexts: 2, logger: pino({ level: 'silent' }) });
      const guard = createNetworkGuard();
      const render = (scroll) => pool.render({
        url: 'http://192.0.2.1/', guard,
        options: browserSchema.parse({ screenshot: false, timeoutMs: 60000, scroll }),
        document: { status: 200, headers: { 'content-type': 'text/html' }, body: '<p style="height: 90000px">child page</p>' },
      });
      await render({ maxSteps: 0, stepDelayMs: 0 });
      // A page still open when the owner dies.
      render({ maxSteps: 100, stepDelayMs: 2000 }).catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 1000));
      process.stdout.write(JSON.stringify(pool.stats()) + '\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.split('\n', 1)[0] ?? '');
      });
      child.once('exit', (exitCode) => reject(new Error(`child exited (${exitCode}): ${stderr}`)));
    });
    const browser = running(JSON.parse(line) as BrowserPoolStats);
    const profileDir = await userDataDir(browser.pid);
    try {
      expect((await browserProcesses(browser)).length).toBeGreaterThan(1);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      expect(await waitFor(async () => (await browserProcesses(browser)).length === 0, 10_000)).toBe(true);
    } finally {
      // The dead owner could not clean up after itself; these are its temporary directories.
      for (const pid of await browserProcesses(browser)) process.kill(pid, 'SIGKILL');
      await rm(browser.runtimeDir, { recursive: true, force: true });
      if (profileDir) await rm(profileDir, { recursive: true, force: true });
    }
  });
});

async function userDataDir(pid: number): Promise<string | null> {
  const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
  const dir = args.find((arg) => arg.startsWith('--user-data-dir='))?.slice('--user-data-dir='.length);
  return dir && path.basename(dir).startsWith('playwright_chromiumdev_profile-') ? dir : null;
}

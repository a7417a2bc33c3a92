// The ops pages outside /api/v1 on the real server: Prometheus /metrics (real BullMQ counts, the
// index's counts, HTTP requests by route pattern) and Bull Board at /ops/queues, each for its
// capability only, with Bull Board's page loaded in real Chromium under its CSP.
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES_CSP } from '../../review/ops/bull-board.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/desk-browser.ts';
import { startTestDesk, TEST_PASSWORD, type DeskClient, type TestDesk } from '../helpers/desk.ts';

let desk: TestDesk;
let opsToken: DeskClient;

beforeAll(async () => {
  desk = await startTestDesk('desk-ops');
  opsToken = await desk.tokenClient('prometheus', 'ops');
}, 60_000);
afterAll(async () => desk?.close());

describe('/metrics', () => {
  it('is refused without a token (401) and to an analyst (403, audited)', async () => {
    const anonymous = await desk.anonymous().get('/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
    const analyst = await desk.tokenClient('ana', 'analyst');
    const refused = await analyst.get('/metrics');
    expect(refused.status).toBe(403);
    expect(refused.text).not.toContain('vigie_');
    const denied = await desk.desk.listAudit({ action: 'access.denied', actor: 'ana', limit: 5 });
    expect(denied[0]).toMatchObject({ subject: 'GET /metrics', outcome: 'denied', detail: { capability: 'metrics:read' } });
  });

  it('gives queue job counts read from BullMQ at scrape time, index counts, process metrics', async () => {
    const { queues } = desk.ctx.pipeline;
    await queues.runs.add('run', { targetId: 'metrics-a', runId: 'metrics-a-1' }, { jobId: 'metrics-a-1' });
    await queues.runs.add('run', { targetId: 'metrics-a', runId: 'metrics-a-2' }, { jobId: 'metrics-a-2' });
    await queues.runs.add('run', { targetId: 'metrics-a', runId: 'metrics-a-3' }, { jobId: 'metrics-a-3', delay: 3_600_000 });
    const response = await opsToken.get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.text).toContain('vigie_queue_jobs{queue="crawl-runs",state="waiting"} 2');
    expect(response.text).toContain('vigie_queue_jobs{queue="crawl-runs",state="delayed"} 1');
    expect(response.text).toContain('vigie_queue_jobs{queue="crawl-pages",state="waiting"} 0');
    expect(response.text).toContain('vigie_pages_indexed 0');
    expect(response.text).toContain('vigie_alerts{status="new"} 0');
    expect(response.text).toMatch(/^vigie_process_resident_memory_bytes \d+/m);

    // Read again at the next scrape: a job gone is a count gone.
    await (await queues.runs.getJob('metrics-a-1'))!.remove();
    expect((await opsToken.get('/metrics')).text).toContain('vigie_queue_jobs{queue="crawl-runs",state="waiting"} 1');
  });

  it('counts HTTP requests by route pattern, never by raw URL', async () => {
    await opsToken.get('/api/v1/targets/no-such-target-xyz');
    const text = (await opsToken.get('/metrics')).text;
    expect(text).toMatch(/vigie_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/targets\/:id",status_code="404"\} [1-9]/);
    expect(text).not.toContain('no-such-target-xyz');
  });

  it('also answers a browser session with metrics:read', async () => {
    const ops = await desk.signIn('olga', 'ops');
    expect((await ops.get('/metrics')).status).toBe(200);
  });
});

describe('/ops/queues (Bull Board)', () => {
  it('is 401 without credentials, 403 for an analyst (audited), 200 with its own CSP for ops', async () => {
    expect((await desk.anonymous().get('/ops/queues/')).status).toBe(401);
    const analyst = await desk.signIn('ana-session', 'analyst');
    const refused = await analyst.get('/ops/queues/');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect((await analyst.get('/ops/queues/api/queues')).status).toBe(403);
    const denied = await desk.desk.listAudit({ action: 'access.denied', actor: 'ana-session', limit: 5 });
    expect(denied.map((e) => e.subject)).toEqual(expect.arrayContaining(['GET /ops/queues/', 'GET /ops/queues/api/queues']));

    const ops = await desk.signIn('otto', 'ops');
    const page = await ops.get('/ops/queues/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(QUEUES_CSP);
    const api = await opsToken.get('/ops/queues/api/queues');
    expect(api.status).toBe(200);
    expect(api.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(['crawl-pages', 'crawl-runs']);
  });

  it('audits its actions; a session action from another site is refused (csrf-failed)', async () => {
    const ops = await desk.signIn('otto', 'ops');
    const forged = await ops.request('PUT', '/ops/queues/api/queues/crawl-pages/pause', undefined, { origin: 'https://evil.example' });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('csrf-failed');
    expect(await desk.ctx.pipeline.queues.pages.isPaused()).toBe(false);

    const paused = await opsToken.request('PUT', '/ops/queues/api/queues/crawl-pages/pause');
    expect(paused.status).toBe(200);
    expect(await desk.ctx.pipeline.queues.pages.isPaused()).toBe(true);
    const sameSite = await ops.request('PUT', '/ops/queues/api/queues/crawl-pages/resume', undefined, { origin: desk.baseUrl });
    expect(sameSite.status).toBe(200);
    expect(await desk.ctx.pipeline.queues.pages.isPaused()).toBe(false);
    const actions = await desk.desk.listAudit({ action: 'queues.action', limit: 5 });
    expect(actions.map((e) => `${e.actor} ${e.subject} ${e.outcome}`)).toEqual(
      expect.arrayContaining(['prometheus PUT /ops/queues/api/queues/crawl-pages/pause ok', 'otto PUT /ops/queues/api/queues/crawl-pages/resume ok']),
    );
  });

  it('refuses adding jobs and editing job data, and shows an ad-hoc run target without its secrets', async () => {
    const before = await desk.ctx.pipeline.queues.runs.count();
    const added = await opsToken.post('/ops/queues/api/queues/crawl-runs/add', { name: 'run', data: { targetId: 'x', target: { id: 'x', seeds: ['http://127.0.0.1/'], allowPrivate: true } } });
    expect(added.status).toBe(403);
    expect(await desk.ctx.pipeline.queues.runs.count()).toBe(before);
    const target = { id: 'adhoc', name: 'Ad hoc', seeds: ['https://adhoc.example/'], headers: { Authorization: 'Bearer board-secret' } };
    const job = await desk.ctx.pipeline.queues.runs.add('run', { targetId: 'adhoc', target } as never, { delay: 3_600_000 });
    const edited = await opsToken.request('PATCH', `/ops/queues/api/queues/crawl-runs/${job.id}/update-data`, { data: { targetId: 'adhoc' } });
    expect(edited.status).toBe(403);
    const listed = await opsToken.get('/ops/queues/api/queues?activeQueue=crawl-runs&status=delayed');
    expect(listed.status).toBe(200);
    expect(listed.text).toContain('adhoc.example');
    expect(listed.text).not.toContain('board-secret');
    await job.remove();
  });

  it('loads in Chromium under its CSP and lists the pipeline queues', async () => {
    let browser: Browser | undefined;
    try {
      await desk.addUser('oscar', 'ops');
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
      const context = await browser.newContext({ baseURL: desk.baseUrl });
      const signIn = await context.request.post('/api/v1/session', { data: { username: 'oscar', password: TEST_PASSWORD } });
      expect(signIn.status()).toBe(200);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
      page.on('console', (message) => {
        // Bull Board links Google Fonts; the CSP refuses that on purpose (no third-party calls).
        if (message.type() === 'error' && !message.text().includes('fonts.googleapis.com')) problems.push(message.text());
      });
      const response = await page.goto('/ops/queues/');
      expect(response?.status()).toBe(200);
      await page.getByText('crawl-runs').first().waitFor({ timeout: 30_000 });
      await page.getByText('crawl-pages').first().waitFor({ timeout: 30_000 });
      expect(problems).toEqual([]);
    } finally {
      await browser?.close();
    }
  }, 90_000);
});

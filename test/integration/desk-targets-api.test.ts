// Watch targets through the desk's API on the real server: role boundaries, validation listing
// every problem, the BullMQ schedulers and run queue in real Redis after each change (create,
// pause, resume, run now, delete), health, redaction, YAML export/import, and the targets file
// that `vigie start --targets` follows written back after each edit.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTargetsFile, parseTargetsYaml } from '../../config/index.ts';
import { applyTargets, listSchedules, redisKeys } from '../../workers/index.ts';
import { processRun } from '../../workers/run-processor.ts';
import { startTestDesk, type DeskClient, type TestDesk } from '../helpers/desk.ts';

// Fixed: the next run of a cron schedule is then known (02:00 Paris on 1 June 2026 is 00:00 UTC on the 2nd).
const NOW = new Date('2026-06-01T08:00:00Z');
const FILE_YAML = `# Hand-written watch list: this comment and the short form must survive desk edits.
targets:
  - id: forum-a   # the forum ops care most about
    name: Forum A
    seeds: [https://forum-a.example/]
    schedule: { intervalSecs: 3600 }
  - id: paste-b
    name: Paste B
    seeds: [https://paste-b.example/]
`;

let dir: string;
let targetsFile: string;
let desk: TestDesk;
let ops: DeskClient;

const put = (client: DeskClient, id: string, body: unknown) => client.request('PUT', `/api/v1/targets/${id}`, body);
const schedulerIds = async () => [...(await listSchedules(desk.ctx.pipeline.queues)).keys()].sort();
const storedIds = async () => (await desk.ctx.pipeline.targets.list()).map((t) => t.id);
/** On-demand run jobs waiting in the real run queue, per target. */
const queuedRuns = async () =>
  (await desk.ctx.pipeline.queues.runs.getJobs(['waiting', 'prioritized'])).filter((job) => job.data.runId).map((job) => job.data.targetId);

/** The next run a target's scheduler has queued (its job carries no run id). */
const scheduledRunsOf = async (targetId: string) =>
  (await desk.ctx.pipeline.queues.runs.getJobs(['delayed', 'waiting', 'prioritized'])).filter((job) => !job.data.runId && job.data.targetId === targetId).map((job) => job.id);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-targets-api-'));
  targetsFile = join(dir, 'targets.yaml');
  writeFileSync(targetsFile, FILE_YAML);
  desk = await startTestDesk('desk-targets', { targetsFile, clock: () => NOW });
  // What `vigie start --targets` does at start.
  await applyTargets(await loadTargetsFile(targetsFile), desk.ctx.pipeline);
  ops = await desk.signIn('olga', 'ops');
}, 60_000);
afterAll(async () => {
  await desk?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('who may do what', () => {
  it('refuses anonymous callers (401), analysts and investigators (403, audited); ops read and write', async () => {
    const analyst = await desk.signIn('ana', 'analyst');
    const investigator = await desk.tokenClient('ivan', 'investigator');
    expect((await desk.anonymous().get('/api/v1/targets')).status).toBe(401);
    for (const client of [analyst, investigator]) {
      expect((await client.get('/api/v1/targets')).status).toBe(403);
      const refused = await put(client, 'sneaky', { name: 'Sneaky', seeds: ['https://sneaky.example/'] });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
      expect((await client.request('DELETE', '/api/v1/targets/forum-a')).status).toBe(403);
      expect((await client.post('/api/v1/targets/forum-a/run')).status).toBe(403);
      expect((await client.post('/api/v1/targets/import', 'targets: []')).status).toBe(403);
    }
    expect(await storedIds()).toEqual(['forum-a', 'paste-b']);
    const denied = await desk.desk.listAudit({ action: 'access.denied', limit: 50 });
    expect(denied.map((e) => `${e.actor} ${e.subject}`)).toEqual(expect.arrayContaining(['ana PUT /api/v1/targets/:id', 'ivan DELETE /api/v1/targets/:id']));
    const listed = await ops.get('/api/v1/targets');
    expect(listed.status).toBe(200);
    expect(listed.body.targets.map((t: { id: string }) => t.id)).toEqual(['forum-a', 'paste-b']);
  });
});

describe('create, replace, validate', () => {
  it('lists every problem of a bad target in one 400, and stores nothing', async () => {
    const response = await put(ops, 'broken', { name: '', seeds: [], schedule: { intervalSecs: 5 }, maxDepth: -1, render: 'sometimes' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('bad-request');
    for (const path of ['name:', 'seeds:', 'schedule', 'maxDepth:', 'render:']) expect(response.body.error.message).toContain(path);
    expect(response.body.error.message).toMatch(/^5 problem\(s\): /);
    const wrongId = await put(ops, 'one', { id: 'other', name: 'X', seeds: ['https://x.example/'] });
    expect(wrongId.status).toBe(400);
    expect(wrongId.body.error.message).toContain('id: must be the id in the URL (one)');
    const unknownRule = await put(ops, 'rules', { name: 'X', seeds: ['https://x.example/'], rules: { disable: ['no-such-rule'] } });
    expect(unknownRule.status).toBe(400);
    expect(unknownRule.body.error.message).toContain('rules.disable.0: unknown rule id "no-such-rule"');
    expect(await storedIds()).toEqual(['forum-a', 'paste-b']);
  });

  it('creates a target (201) and schedules it at once; health shows the next run from the cron schedule', async () => {
    const created = await put(ops, 'shop-c', {
      name: 'Shop C',
      seeds: ['https://shop-c.example/'],
      schedule: { cron: '0 2 * * *', timezone: 'Europe/Paris' },
      headers: { Authorization: 'Bearer s3cret-value' },
      proxy: 'http://user:pr0xy-pass@127.0.0.1:3128',
    });
    expect(created.status).toBe(201);
    expect(created.body.target.health).toEqual({ paused: false, scheduled: true, nextRunAt: '2026-06-02T00:00:00.000Z', lastRun: null });
    expect(await schedulerIds()).toEqual(['forum-a', 'shop-c']);
    const scheduler = (await desk.ctx.pipeline.queues.runs.getJobSchedulers(0, -1)).find((s) => s.key === 'target-shop-c');
    expect(scheduler).toMatchObject({ pattern: '0 2 * * *', tz: 'Europe/Paris' });
  });

  it('shows targets redacted, and a redacted target sent back keeps the stored secrets', async () => {
    const shown = await ops.get('/api/v1/targets/shop-c');
    expect(shown.text).not.toContain('s3cret-value');
    expect(shown.text).not.toContain('pr0xy-pass');
    expect(shown.body.target.headers).toEqual({ Authorization: '[redacted]' });
    // Sent back as GET showed it (health included), renamed.
    const edited = { ...shown.body.target, name: 'Shop C (renamed)' };
    const replaced = await put(ops, 'shop-c', edited);
    expect(replaced.status).toBe(200);
    const stored = await desk.ctx.pipeline.targets.get('shop-c');
    expect(stored).toMatchObject({ name: 'Shop C (renamed)', headers: { Authorization: 'Bearer s3cret-value' }, proxy: 'http://user:pr0xy-pass@127.0.0.1:3128' });
    // A placeholder with nothing behind it would store the placeholder: refused.
    const orphan = await put(ops, 'shop-c', { ...edited, headers: { Authorization: '[redacted]', Cookie: '[redacted]' } });
    expect(orphan.status).toBe(400);
    expect(orphan.body.error.message).toContain('headers.Cookie: is "[redacted]" but target shop-c has no stored value');
    const audit = await desk.desk.listAudit({ action: 'target.update', subject: 'shop-c', limit: 10 });
    expect(audit.map((e) => e.detail)).toEqual(expect.arrayContaining([expect.objectContaining({ created: false, changed: ['name'] })]));
    expect(JSON.stringify(audit)).not.toContain('s3cret-value');
    // Pointed at another site, a kept header would carry the secret there: it must be written again.
    const moved = await put(ops, 'shop-c', { ...edited, seeds: ['https://attacker.example/'] });
    expect(moved.status).toBe(400);
    expect(moved.body.error.message).toContain('headers.Authorization: is "[redacted]" but the target\'s seeds, sources or scope changed');
    expect((await desk.ctx.pipeline.targets.get('shop-c'))!.seeds).not.toContain('https://attacker.example/');
  });

  it('leaves the trust switches (allowPrivate, browser.cookiesFile) to admins', async () => {
    const shown = (await ops.get('/api/v1/targets/shop-c')).body.target;
    const opened = await put(ops, 'shop-c', { ...shown, allowPrivate: true, browser: { ...shown.browser, cookiesFile: '/etc/shadow' } });
    expect(opened.status).toBe(400);
    expect(opened.body.error.message).toContain('allowPrivate: only an admin may change it');
    expect(opened.body.error.message).toContain('browser.cookiesFile: only an admin may change it');
    expect((await desk.ctx.pipeline.targets.get('shop-c'))!.allowPrivate).toBe(false);
    const created = await put(ops, 'internal-z', { id: 'internal-z', name: 'Z', seeds: ['http://127.0.0.1/'], allowPrivate: true });
    expect(created.status).toBe(400);
    const admin = await desk.signIn('root', 'admin');
    const byAdmin = await put(admin, 'shop-c', { ...shown, allowPrivate: true });
    expect(byAdmin.status).toBe(200);
    // An ops edit of something else leaves the admin's switch as it is.
    expect((await put(ops, 'shop-c', { ...shown, allowPrivate: true, name: 'Shop C again' })).status).toBe(200);
    expect((await put(admin, 'shop-c', { ...shown, allowPrivate: false })).status).toBe(200);
  });

  it('shows the last run of each target (pages, errors, alerts) from the run store', async () => {
    const target = (await desk.ctx.pipeline.targets.get('forum-a'))!;
    const keys = redisKeys(desk.ctx.pipeline.settings.redisPrefix);
    await desk.ctx.pipeline.runs.create('forum-a-older', target, new Date('2026-06-01T06:00:00Z'));
    await desk.ctx.pipeline.runs.create('forum-a-latest', target, new Date('2026-06-01T07:00:00Z'));
    await desk.ctx.pipeline.redis.hset(keys.run('forum-a-latest'), { pages: 12, unchanged: 5, errors: 2, 'error:http-404': 2, alerts: 3, alertsNew: 1, status: 'finished', finishedAt: '2026-06-01T07:05:00.000Z' });
    const listed = await ops.get('/api/v1/targets');
    const forum = listed.body.targets.find((t: { id: string }) => t.id === 'forum-a');
    expect(forum.health.lastRun).toEqual({
      runId: 'forum-a-latest', status: 'finished', startedAt: '2026-06-01T07:00:00.000Z', finishedAt: '2026-06-01T07:05:00.000Z',
      pages: 12, unchanged: 5, errors: 2, errorsByCode: { 'http-404': 2 }, alerts: 3, alertsNew: 1,
    });
    expect(forum.health.nextRunAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(listed.body.targets.find((t: { id: string }) => t.id === 'paste-b').health).toEqual({ paused: false, scheduled: false, nextRunAt: null, lastRun: null });
  });
  it('documents the target routes in the OpenAPI document', async () => {
    const doc = (await desk.anonymous().get('/api/docs/openapi.json')).body;
    expect(doc.paths['/api/v1/targets/{id}'].put['x-vigie-access']).toBe('targets:write');
    expect(doc.paths['/api/v1/targets/import'].post.requestBody.content['text/yaml']).toBeDefined();
    expect(Object.keys(doc.paths['/api/v1/targets/export'].get.responses['200'].content)).toEqual(['text/yaml']);
  });
});

describe('pause, resume, run now, delete', () => {
  it('runs a target now: one run job like the scheduler queues, a second request while it waits is a 409', async () => {
    const run = await ops.post('/api/v1/targets/paste-b/run');
    expect(run.status).toBe(202);
    expect(run.body.runId).toMatch(/^paste-b-now-/);
    const job = await desk.ctx.pipeline.queues.runs.getJob(run.body.runId);
    expect(job?.data).toEqual({ targetId: 'paste-b', runId: run.body.runId });
    // The run processor takes it as it takes a scheduled run: the target read from the store.
    const started = await processRun(job!, desk.ctx.pipeline);
    expect(started).toMatchObject({ runId: run.body.runId, seeds: 1 });
    expect((await ops.get('/api/v1/targets/paste-b')).body.target.health.lastRun).toMatchObject({ runId: run.body.runId, status: 'running' });
    await job!.remove(); // processed by hand, not by a worker: make room for the next request
    await ops.post('/api/v1/targets/paste-b/run');
    const again = await ops.post('/api/v1/targets/paste-b/run');
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('already queued');
    expect((await ops.post('/api/v1/targets/nope/run')).status).toBe(404);
    expect(await desk.desk.listAudit({ action: 'target.run', limit: 5 })).toEqual(
      expect.arrayContaining([expect.objectContaining({ actor: 'olga', subject: 'paste-b', detail: { runId: run.body.runId } })]),
    );
  });

  it('pauses: the scheduler, its next run and queued runs go, the config stays; a paused target cannot run; resume restores', async () => {
    await ops.post('/api/v1/targets/forum-a/run');
    expect(await queuedRuns()).toEqual(expect.arrayContaining(['forum-a', 'paste-b']));
    expect(await scheduledRunsOf('forum-a')).toHaveLength(1);

    const paused = await ops.post('/api/v1/targets/forum-a/pause');
    expect(paused.status).toBe(200);
    expect(paused.body.target).toMatchObject({ enabled: false, name: 'Forum A', schedule: { intervalSecs: 3600 }, health: { paused: true, scheduled: false, nextRunAt: null } });
    expect(await schedulerIds()).toEqual(['shop-c']);
    expect(await scheduledRunsOf('forum-a')).toEqual([]);
    expect(await queuedRuns()).toEqual(['paste-b']);
    const refused = await ops.post('/api/v1/targets/forum-a/run');
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('paused');

    // A restart (or the file watcher) re-applies the file: the pause is in it, so it holds.
    const fromFile = await loadTargetsFile(targetsFile);
    expect(fromFile.find((t) => t.id === 'forum-a')?.enabled).toBe(false);
    await applyTargets(fromFile, desk.ctx.pipeline);
    expect(await schedulerIds()).toEqual(['shop-c']);

    const resumed = await ops.post('/api/v1/targets/forum-a/resume');
    expect(resumed.body.target.health).toMatchObject({ paused: false, scheduled: true });
    expect(await schedulerIds()).toEqual(['forum-a', 'shop-c']);
    const actions = (await desk.desk.listAudit({ subject: 'forum-a', limit: 20 })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['target.pause', 'target.resume']));
  });

  it('deletes a target and its scheduler; a second delete is a 404', async () => {
    const removed = await ops.request('DELETE', '/api/v1/targets/shop-c');
    expect(removed.status).toBe(200);
    expect(removed.text).not.toContain('pr0xy-pass');
    expect(await storedIds()).toEqual(['forum-a', 'paste-b']);
    expect(await schedulerIds()).toEqual(['forum-a']);
    expect((await ops.request('DELETE', '/api/v1/targets/shop-c')).status).toBe(404);
    expect((await desk.desk.listAudit({ action: 'target.delete', limit: 5 }))[0]).toMatchObject({ subject: 'shop-c', outcome: 'ok' });
  });
});

describe('the targets file and YAML export/import', () => {
  it('wrote every edit back to the targets file: the hand-written parts stay, the set equals the store', async () => {
    const text = readFileSync(targetsFile, 'utf8');
    expect(text).toContain('# Hand-written watch list: this comment and the short form must survive desk edits.');
    expect(text).toContain('  - id: forum-a # the forum ops care most about\n    name: Forum A\n    seeds: [https://forum-a.example/]\n');
    expect(text).not.toContain('shop-c');
    expect(await loadTargetsFile(targetsFile)).toEqual(await desk.ctx.pipeline.targets.list());
  });

  it('exports YAML without secrets that imports back to the same set, secrets kept', async () => {
    await put(ops, 'secret-d', { name: 'Secret D', seeds: ['https://d.example/'], headers: { Cookie: 'session=abc123' }, proxy: 'socks5h://tor:t0r-pass@127.0.0.1:9050' });
    const before = await desk.ctx.pipeline.targets.list();
    const exported = await ops.get('/api/v1/targets/export');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^text\/yaml/);
    expect(exported.text).not.toContain('abc123');
    expect(exported.text).not.toContain('t0r-pass');
    expect(parseTargetsYaml(exported.text).map((t) => t.id)).toEqual(['forum-a', 'paste-b', 'secret-d']);

    const imported = await ops.request('POST', '/api/v1/targets/import?mode=replace', exported.text, { 'content-type': 'text/yaml' });
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ mode: 'replace', added: [], updated: ['forum-a', 'paste-b', 'secret-d'], removed: [] });
    expect(await desk.ctx.pipeline.targets.list()).toEqual(before);
    expect((await desk.desk.listAudit({ action: 'target.export', limit: 5 })).length).toBeGreaterThan(0);
  });

  it('refuses a bad import whole (every problem listed, with its line) and changes nothing: store, schedulers, file', async () => {
    const before = { stored: await desk.ctx.pipeline.targets.list(), schedulers: await schedulerIds(), file: readFileSync(targetsFile, 'utf8') };
    const bad = `targets:
  - id: fine-e
    name: Fine E
    seeds: [https://e.example/]
    schedule: { intervalSecs: 600 }
  - id: Bad Id
    name: Bad
    seeds: []
  - id: fine-e
    name: Duplicate
    seeds: [https://e2.example/]
`;
    const response = await ops.request('POST', '/api/v1/targets/import', bad, { 'content-type': 'application/yaml' });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain('import:6: targets.1.id:');
    expect(response.body.error.message).toContain('targets.1.seeds: at least one seed URL is required');
    expect(response.body.error.message).toContain('targets.2.id: duplicate id "fine-e"');
    const syntax = await ops.request('POST', '/api/v1/targets/import', 'targets: [ {id: x', { 'content-type': 'text/yaml' });
    expect(syntax.status).toBe(400);
    expect(syntax.body.error.message).toContain('YAML syntax');
    const asJson = await ops.post('/api/v1/targets/import', { targets: [] });
    expect(asJson.status).toBe(400);
    expect(asJson.body.error.message).toContain('text/yaml');
    const secretWithoutValue = `targets:\n  - id: new-f\n    name: F\n    seeds: [https://f.example/]\n    headers: { Cookie: '[redacted]' }\n`;
    const orphan = await ops.request('POST', '/api/v1/targets/import', secretWithoutValue, { 'content-type': 'text/yaml' });
    expect(orphan.status).toBe(400);
    expect(orphan.body.error.message).toContain('targets.0.headers.Cookie');
    expect({ stored: await desk.ctx.pipeline.targets.list(), schedulers: await schedulerIds(), file: readFileSync(targetsFile, 'utf8') }).toEqual(before);
  });

  it('merges by default (adds and replaces by id) and replaces the whole set with mode=replace', async () => {
    const merged = await ops.request('POST', '/api/v1/targets/import', `targets:\n  - id: new-g\n    name: G\n    seeds: [https://g.example/]\n    schedule: { intervalSecs: 900 }\n  - id: paste-b\n    name: Paste B v2\n    seeds: [https://paste-b.example/]\n`, { 'content-type': 'text/yaml' });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ mode: 'merge', added: ['new-g'], updated: ['paste-b'], removed: [] });
    expect(await storedIds()).toEqual(['forum-a', 'new-g', 'paste-b', 'secret-d']);
    expect(await schedulerIds()).toEqual(['forum-a', 'new-g']);
    expect((await desk.ctx.pipeline.targets.get('paste-b'))?.name).toBe('Paste B v2');

    const replaced = await ops.request('POST', '/api/v1/targets/import?mode=replace', `targets:\n  - id: only-h\n    name: H\n    seeds: [https://h.example/]\n`, { 'content-type': 'text/yaml' });
    expect(replaced.body).toMatchObject({ mode: 'replace', added: ['only-h'], removed: ['forum-a', 'new-g', 'paste-b', 'secret-d'] });
    expect(await storedIds()).toEqual(['only-h']);
    expect(await schedulerIds()).toEqual([]);
    expect((await loadTargetsFile(targetsFile)).map((t) => t.id)).toEqual(['only-h']);
    expect((await desk.desk.listAudit({ action: 'target.import', limit: 1 }))[0]?.detail).toMatchObject({ mode: 'replace', added: 1, removed: 4 });
  });
});

describe('a targets file that cannot be written', () => {
  it('answers 503 and changes nothing: no target stored, no scheduler', async () => {
    const missingDir = join(dir, 'no-such-dir', 'targets.yaml');
    const other = await startTestDesk('tgt-nofile', { targetsFile: missingDir });
    try {
      const client = await other.tokenClient('oz', 'ops');
      const response = await put(client, 'lost', { name: 'Lost', seeds: ['https://lost.example/'], schedule: { intervalSecs: 600 } });
      expect(response.status).toBe(503);
      expect(response.body.error).toEqual({ code: 'unavailable', message: expect.stringContaining('could not be written (ENOENT): nothing was changed') });
      expect(await other.ctx.pipeline.targets.list()).toEqual([]);
      expect((await other.ctx.pipeline.queues.runs.getJobSchedulers(0, -1)).length).toBe(0);
    } finally {
      await other.close();
    }
  }, 60_000);
});

// The spine end to end, driven by the scheduler: a target applied from YAML gets a job scheduler,
// the scheduler's job starts a run, the run crawls the target's local site, and its pages and
// alerts land in the index, with no `vigie crawl` involved.
import { afterEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseTargetsYaml } from '../../config/index.ts';
import { applyTargets, startWorkers, type RunSummary } from '../../workers/index.ts';
import { routes, startHttpServer, type TestServer } from '../helpers/hostile-server.ts';
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const html = (body: string) => `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>t</title></head><body><main>${body}</main></body></html>`;

describe('scheduled crawl runs', () => {
  it('runs an applied target on its schedule and indexes what it finds', async () => {
    const site: TestServer = await startHttpServer(routes({
      '/': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html('<p>Accueil du forum.</p><a href="/annonce">annonce</a>')),
      '/annonce': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' })
        .end(html('<p>Vends fullz et CVV frais, dumps track2 avec PIN, cashout garanti. Contact: vendeur@example.org</p>')),
    }));
    const pipeline: TestPipeline = await startTestPipeline('scheduled');
    cleanups.push(() => site.close(), () => pipeline.close());
    const [target] = parseTargetsYaml(`targets:
  - id: local-forum
    name: Local forum
    seeds: ['${site.url('/')}']
    allowPrivate: true
    schedule: { intervalSecs: 3600 }
    politeness: { perHostConcurrency: 2, minDelayMs: 0 }
`);
    await applyTargets([target!], pipeline.deps);
    const workers = startWorkers(pipeline.deps, { concurrency: 4 });
    cleanups.push(() => workers.close());

    let run: RunSummary | undefined;
    for (let i = 0; i < 300 && run?.status !== 'finished'; i++) {
      [run] = await pipeline.deps.runs.recent(1);
      if (run?.status !== 'finished') await sleep(100);
    }
    expect(run).toMatchObject({ targetId: 'local-forum', status: 'finished', pages: 2, errors: 0 });
    expect(run!.runId).toMatch(/^local-forum-/);
    const alerts = await pipeline.index.listAlerts({ targetId: 'local-forum' });
    expect(alerts.map((a) => [a.category, a.urls])).toEqual([['carding', [site.url('/annonce')]]]);
    const pivot = await pipeline.index.search({ entity: { type: 'email', value: 'vendeur@example.org' } });
    expect(pivot.hits.map((h) => h.url)).toEqual([site.url('/annonce')]);
  });
});

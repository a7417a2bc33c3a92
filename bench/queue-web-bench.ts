// The analysts' queue screen at scale, in real Chromium: the desk served over an index built by
// `bench/queue-bench.ts --keep DIR` (100,000 alerts), then the time from navigation to the first
// rows for the open queue, deep pages, a category, content groups, and in-app paging and keyboard
// selection. Needs Redis (127.0.0.1:6379) and /usr/bin/chromium. A measurement, not a test.
//
//   node --import tsx bench/queue-bench.ts --keep /tmp/vigie-q100k     (builds once, minutes)
//   node --import tsx bench/queue-web-bench.ts /tmp/vigie-q100k
import { pino } from 'pino';
import { loadSettings } from '../config/index.ts';
import { openEvidenceWriter } from '../crawler/evidence/index.ts';
import { loadRuleSet } from '../extractors/rules/index.ts';
import { createIndex } from '../indexer/index.ts';
import { createWorkerDeps } from '../workers/index.ts';
import { openDeskStore } from '../review/desk/index.ts';
import { buildServer } from '../review/server.ts';
import { createDeskContext } from '../review/http/context.ts';
import { hashPassword } from '../review/auth/passwords.ts';
import { testRedis, uniquePrefix, deletePrefix } from '../test/helpers/redis.ts';
import { launchDeskBrowser } from '../test/helpers/desk-browser.ts';
import { TEST_PASSWORD, type TestDesk } from '../test/helpers/desk.ts';

const dataDir = process.argv[2] ?? '/tmp/vigie-q100k';
const prefix = uniquePrefix('queue-web-bench');
const redis = testRedis();
const settings = loadSettings({ VIGIE_REDIS_PREFIX: prefix }, { dataDir });
const index = createIndex({ dataDir });
await index.init();
const evidence = await openEvidenceWriter(settings);
const deps = createWorkerDeps({ settings, logger: pino({ level: 'silent' }), redis, index, rules: loadRuleSet(settings.rulesDir), evidence });
const desk = await openDeskStore(dataDir);
const app = buildServer(createDeskContext({ pipeline: deps, desk }));
const baseUrl = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
if (!(await desk.getUser('anna'))) await desk.createUser({ username: 'anna', role: 'analyst', source: 'local', passwordHash: await hashPassword(TEST_PASSWORD), createdAt: new Date().toISOString() });
// The browser helper needs only the desk's address here (the account exists).
const ui = await launchDeskBrowser({ baseUrl, addUser: async () => {} } as unknown as TestDesk);
const { page } = ui;
const rows = page.locator('table.queue tbody tr[data-id]');
const time = async (label: string, work: () => Promise<unknown>) => {
  const t0 = performance.now();
  await work();
  console.log(`${label}: ${Math.round(performance.now() - t0)} ms`);
};
try {
  console.log('alerts', await index.countAlerts({}));
  await ui.signIn('anna');
  for (const [label, url] of [
    ['open queue, page 1', '/queue'],
    ['all, page 1', '/queue?status=all'],
    ['all, page 1000', '/queue?status=all&page=1000'],
    ['open, drugs, page 20', '/queue?category=drugs&page=20'],
    ['group by content', '/queue?group=content'],
    ['group by content, page 500', '/queue?group=content&status=all&page=500'],
  ] as const) {
    for (let run = 0; run < 3; run++) {
      await time(`${label} (run ${run + 1})`, async () => {
        await page.goto(`${baseUrl}${url}`);
        await page.locator('nav.pager button').first().waitFor();
        await rows.first().waitFor();
      });
    }
    console.log('  ', await page.locator('caption').textContent(), '|', await page.locator('nav.pager span').textContent());
  }
  await page.goto(`${baseUrl}/queue`);
  await rows.first().waitFor();
  await time('j x 49 (to the last row)', async () => {
    for (let i = 0; i < 49; i++) await page.keyboard.press('j');
    await page.locator('tbody tr[aria-selected="true"]').nth(0).waitFor();
  });
  console.log('selected row index', await rows.evaluateAll((trs) => trs.findIndex((tr) => tr.getAttribute('aria-selected') === 'true')));
  await time('next page (Suivant)', async () => {
    const first = await rows.first().getAttribute('data-id');
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.waitForFunction((id) => document.querySelector('tbody tr[data-id]')?.getAttribute('data-id') !== id, first);
  });
  if (ui.problems.some((p) => !p.includes('401'))) console.log('page problems:', ui.problems);
} finally {
  await ui.close();
  await app.close();
  await desk.close();
  await deps.close();
  await evidence.store.close();
  await index.close();
  await deletePrefix(redis, prefix);
  await redis.quit();
}

// The analysts' queue at scale: about 100,000 alerts (pages flagged in one to three categories,
// one page in ten mirrored on a second URL), 40 % of them decided (assigned to ten analysts,
// escalated, confirmed, dismissed, referred), then the median time of each query the review desk
// makes: queue pages (first and deep), filtered queues, counts, content groups, statistics and
// the alerts of 200 contents.
//
//   node --import tsx bench/queue-bench.ts [--alerts 100000] [--runs 21] [--dir DIR | --keep DIR] [--elasticsearch-url URL]
//
// Without --elasticsearch-url it measures the embedded index in a temporary directory under DIR
// (default the system's; /dev/shm makes building the data set faster, not the queries). With
// --keep DIR the index stays in DIR, and a later run with the same --keep measures it again
// without rebuilding it (building 100,000 alerts takes minutes).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CATEGORIES } from '../extractors/types.ts';
import type { Category } from '../extractors/types.ts';
import { alertId, contentHashOf, createIndex, EmbeddedIndex, pageId } from '../indexer/index.ts';
import type { AlertObservation, PageDocument } from '../indexer/index.ts';
import { OPEN_ALERT_STATUSES } from '../indexer/types.ts';
import type { AlertDecision, AlertFilter, SearchIndex } from '../indexer/types.ts';

const { values } = parseArgs({
  options: {
    alerts: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '21' },
    dir: { type: 'string', default: os.tmpdir() },
    keep: { type: 'string' },
    'elasticsearch-url': { type: 'string' },
  },
});
const ALERTS = Number(values.alerts);
const RUNS = Number(values.runs);
const CONCURRENCY = 32;
const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2024, 0, 1);
const SPAN_DAYS = 180;
const ANALYSTS = Array.from({ length: 10 }, (_, i) => `analyste-${i}`);

function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Page i: 1 to 3 categories, seen at a time spread over SPAN_DAYS; every tenth page has a mirror. */
function makeWrites(i: number): { page: PageDocument; observations: AlertObservation[] }[] {
  const random = prng(i + 1);
  const text = `Annonce ${i} : ${Array.from({ length: 30 }, () => Math.floor(random() * 1e6).toString(36)).join(' ')}.`;
  const contentHash = contentHashOf(text);
  const count = 1 + Math.floor(random() * 3);
  const categories = [...new Set(Array.from({ length: count }, () => CATEGORIES[Math.floor(random() * CATEGORIES.length)]!))] as Category[];
  const scores = categories.map(() => Math.round(random() * 1000) / 1000);
  const seenMs = START_MS + Math.floor(random() * SPAN_DAYS * DAY_MS);
  const urls = [`https://forum-${i % 97}.example.org/t/${i}`, ...(i % 10 === 0 ? [`https://mirror-${i % 13}.example.net/${i}`] : [])];
  return urls.map((url, k) => {
    const fetchedAt = new Date(seenMs + k * 3_600_000).toISOString();
    const page: PageDocument = {
      id: pageId(url, contentHash), url, finalUrl: url, targetId: `target-${i % 20}`, runId: 'bench', fetchedAt, httpStatus: 200,
      contentType: 'text/html', title: `Sujet ${i}`, text, language: 'fr', contentHash, entities: [], depth: 1,
      flags: categories.map((category, c) => ({ category, score: scores[c]!, tags: [], rules: [{ ruleId: `${category}-r${i % 7}`, weight: scores[c]!, terms: [] }] })),
    };
    const observations = categories.map((category, c) => ({
      id: alertId(contentHash, category), category, score: scores[c]!, tags: [], ruleIds: [`${category}-r${i % 7}`],
      ruleWeights: { [`${category}-r${i % 7}`]: scores[c]! }, contentHash, pageId: page.id, url, targetId: page.targetId, seenAt: fetchedAt,
    }));
    return { page, observations };
  });
}

/** A decision for alert number k, or none (60 % stay new). */
function decisionFor(k: number, firstSeenMs: number): AlertDecision | null {
  const random = prng(7_000_000 + k);
  const roll = random();
  const at = new Date(firstSeenMs + Math.floor(random() * 72) * 3_600_000).toISOString();
  const analyst = ANALYSTS[Math.floor(random() * ANALYSTS.length)]!;
  if (roll < 0.15) return { status: 'assigned', assignee: analyst, actor: analyst, at };
  if (roll < 0.2) return { status: 'escalated', actor: analyst, at };
  if (roll < 0.27) return { status: 'confirmed', actor: analyst, at };
  if (roll < 0.37) return { status: 'dismissed', reason: roll < 0.33 ? 'false-positive' : 'duplicate', actor: analyst, at };
  if (roll < 0.4) return { status: 'referred', actor: analyst, at };
  return null;
}

async function build(index: SearchIndex): Promise<{ alerts: number; hashes: string[]; seconds: number }> {
  const started = performance.now();
  let alerts = 0;
  let page = 0;
  const hashes: string[] = [];
  const decisions: { id: string; firstSeenMs: number }[] = [];
  while (alerts < ALERTS) {
    const batch: ReturnType<typeof makeWrites> = [];
    while (batch.length < 2000 && alerts < ALERTS) {
      const writes = makeWrites(page++);
      hashes.push(writes[0]!.page.contentHash);
      for (const o of writes[0]!.observations) decisions.push({ id: o.id, firstSeenMs: Date.parse(o.seenAt) });
      alerts += writes[0]!.observations.length;
      batch.push(...writes);
    }
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < batch.length) {
          const { page: p, observations } = batch[next++]!;
          await index.indexPage(p, observations);
        }
      }),
    );
  }
  for (const [k, { id, firstSeenMs }] of decisions.entries()) {
    const decision = decisionFor(k, firstSeenMs);
    if (decision !== null) await index.decideAlert(id, decision);
  }
  return { alerts, hashes, seconds: (performance.now() - started) / 1000 };
}

/** A kept index measured again: its alert count and the content hashes of its first pages. */
async function existing(index: SearchIndex): Promise<{ alerts: number; hashes: string[]; seconds: number }> {
  const hashes = Array.from({ length: 200 }, (_, i) => makeWrites(i)[0]!.page.contentHash);
  return { alerts: await index.countAlerts({}), hashes, seconds: 0 };
}

async function median(run: () => Promise<unknown>): Promise<{ ms: number; result: unknown }> {
  let result = await run(); // warm-up: prepares statements, loads pages into the cache
  const times: number[] = [];
  for (let r = 0; r < RUNS; r += 1) {
    const started = performance.now();
    result = await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, result };
}

const dataDir = values.keep ?? (await mkdtemp(path.join(values.dir, 'vigie-queue-bench-')));
const index = createIndex({ dataDir, elasticsearchUrl: values['elasticsearch-url'], elasticsearchPrefix: values.keep === undefined ? `vigie-queue-bench-${Date.now()}` : 'vigie-queue-bench', elasticsearchRefresh: false });
try {
  await index.init();
  const kept = values.keep !== undefined && (await index.countAlerts({})) > 0;
  const { alerts, hashes, seconds } = kept ? await existing(index) : await build(index);
  const open: AlertFilter = { statuses: [...OPEN_ALERT_STATUSES] };
  const lastMonth = { from: new Date(START_MS + (SPAN_DAYS - 30) * DAY_MS).toISOString() };
  const cases: [string, () => Promise<unknown>][] = [
    ['queue: open, first 50', () => index.listAlerts({ ...open, limit: 50 })],
    ['queue: open, offset 10,000', () => index.listAlerts({ ...open, limit: 50, offset: 10_000 })],
    ['queue: open, one category', () => index.listAlerts({ ...open, category: 'drugs', limit: 50 })],
    ['queue: open, one target', () => index.listAlerts({ ...open, targetId: 'target-3', limit: 50 })],
    ['queue: one assignee', () => index.listAlerts({ assignee: 'analyste-3', limit: 50 })],
    ['queue: open, last 30 days seen', () => index.listAlerts({ ...open, ...lastMonth, limit: 50 })],
    ['queue: all, first 50', () => index.listAlerts({ limit: 50 })],
    ['count: open', () => index.countAlerts(open)],
    ['count: open, one category', () => index.countAlerts({ ...open, category: 'drugs' })],
    ['count: one assignee', () => index.countAlerts({ assignee: 'analyste-3' })],
    ['count: open, last 30 days seen', () => index.countAlerts({ ...open, ...lastMonth })],
    ['groups: open, first 50', () => index.listAlertGroups({ ...open, limit: 50 })],
    ['groups: open, offset 5,000', () => index.listAlertGroups({ ...open, limit: 50, offset: 5000 })],
    ['groups: open, one category', () => index.listAlertGroups({ ...open, category: 'drugs', limit: 50 })],
    ['count groups: open', () => index.countAlertGroups(open)],
    ['stats: everything', () => index.alertStats({})],
    ['stats: last 30 days', () => index.alertStats(lastMonth)],
    ['alerts of 200 contents', () => index.alertsForContent(hashes.slice(0, 200))],
  ];
  console.log(`backend: ${index instanceof EmbeddedIndex ? 'embedded (SQLite)' : 'elasticsearch'}; ${alerts} alerts on ${hashes.length} contents, built in ${seconds.toFixed(1)} s`);
  console.log(`open alerts: ${await index.countAlerts(open)}; median of ${RUNS} runs after one warm-up:`);
  for (const [name, run] of cases) {
    const { ms, result } = await median(run);
    const size = Array.isArray(result) ? `${result.length} rows` : typeof result === 'number' ? `= ${result}` : '';
    console.log(`  ${name.padEnd(34)} ${ms.toFixed(2).padStart(8)} ms  ${size}`);
  }
} finally {
  await index.close();
  if (values.keep === undefined) await rm(dataDir, { recursive: true, force: true });
}

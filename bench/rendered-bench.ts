// `npm run bench:rendered` (also run by `npm run bench` after the static bench): rendered crawling
// of a JavaScript-only site (bench/js-site-server.ts), Vigie (`vigie crawl --render always`) beside
// Crawlee's PlaywrightCrawler on the same pages in the same run, each in its own process. Measures
// pages/s, peak memory of the whole process tree (Chromium's processes included), memory growth
// from the first hundred pages to the last, and Chromium processes left behind after each exits.
// Options: --max-pages N (1000) --site-pages N (1200) --render-concurrency N (4, both crawlers)
// --vigie-render MODE (always) --chromium PATH (/usr/bin/chromium) --timeout-secs N (1800)
// --skip-vigie --skip-crawlee. Exits 1 when a crawler rendered fewer than --max-pages pages or
// left a Chromium process behind.
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { loadSettings, readEnv } from '../config/index.ts';
import { serveJsSite, type JsSite } from './js-site-server.ts';
import { lastJsonLine, runMeasured, type ProcessRun } from './measure-process.ts';
import { memoryGrowth, type MemoryGrowth } from './memory-growth.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    'max-pages': { type: 'string', default: '1000' },
    'site-pages': { type: 'string', default: '1200' },
    'render-concurrency': { type: 'string', default: '4' },
    'vigie-render': { type: 'string', default: 'always' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
    'timeout-secs': { type: 'string', default: '1800' },
    'skip-vigie': { type: 'boolean', default: false },
    'skip-crawlee': { type: 'boolean', default: false },
  },
});
const maxPages = Number(values['max-pages']);
const concurrency = values['render-concurrency'];
const measureOptions = (site: JsSite) => ({
  tree: true,
  sampleMs: 500,
  progress: () => site.stats().pagesServed,
  timeoutMs: Number(values['timeout-secs']) * 1000,
});

interface Row {
  name: string;
  /** The crawler's own count (Vigie: pages indexed; Crawlee: request handler completions). */
  pages: number;
  /** Distinct pages whose data the site served: pages a browser actually ran. */
  rendered: number;
  seconds: number;
  run: ProcessRun;
  growth: MemoryGrowth | null;
  note: string;
}

interface VigieReport { runId: string; pages: number; errors: number; seconds: number; errorsByCode: Record<string, number> }

async function benchVigie(site: JsSite): Promise<Row> {
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const dataDir = join(root, '.bench', `data-${prefix}`);
  site.resetStats();
  const run = await runMeasured(process.execPath, [
    join(root, 'bin/vigie.mjs'), 'crawl', site.startUrl, '--render', values['vigie-render'], '--max-pages', String(maxPages),
    '--depth', '50', '--allow-private', '--delay-ms', '0', '--concurrency', concurrency, '--json', '--data-dir', dataDir,
  ], {
    ...process.env, VIGIE_REDIS_PREFIX: prefix, LOG_LEVEL: 'warn',
    VIGIE_CHROMIUM_PATH: values.chromium, VIGIE_RENDER_CONCURRENCY: concurrency,
  }, measureOptions(site));
  try {
    const stats = site.stats();
    const base = { name: `Vigie (full pipeline, --render ${values['vigie-render']})`, rendered: stats.pagesRendered, run, growth: memoryGrowth(run.treeSamples) };
    if (run.exitCode !== 0) return { ...base, pages: 0, seconds: run.seconds, note: failure(run) };
    const report = lastJsonLine<VigieReport>(run.stdout);
    return { ...base, pages: report.pages, seconds: report.seconds, note: `errors ${JSON.stringify(report.errorsByCode)}, process wall time ${run.seconds.toFixed(1)} s` };
  } finally {
    await dropRedisKeys(prefix);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function dropRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(loadSettings(readEnv()).redisUrl);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.unlink(...keys);
  } finally {
    await redis.quit();
  }
}

async function benchCrawlee(site: JsSite): Promise<Row> {
  site.resetStats();
  const run = await runMeasured(process.execPath, [
    '--import', 'tsx', join(root, 'bench/crawlee-playwright-run.ts'), site.startUrl, concurrency, String(maxPages), values.chromium,
  ], {
    ...process.env,
    CRAWLEE_STORAGE_DIR: join(root, '.bench', 'crawlee-storage'),
    CRAWLEE_LOG_LEVEL: 'ERROR',
  }, measureOptions(site));
  const stats = site.stats();
  const base = { name: 'Crawlee PlaywrightCrawler (render+enqueue)', rendered: stats.pagesRendered, run, growth: memoryGrowth(run.treeSamples) };
  if (run.exitCode !== 0) return { ...base, pages: 0, seconds: run.seconds, note: failure(run) };
  const report = lastJsonLine<{ pages: number; failed: number; seconds: number }>(run.stdout);
  return { ...base, pages: report.pages, seconds: report.seconds, note: `failed requests ${report.failed}, process wall time ${run.seconds.toFixed(1)} s` };
}

function failure(run: ProcessRun): string {
  const why = run.timedOut ? `timed out after ${values['timeout-secs']} s` : `exit ${run.exitCode}`;
  return `FAILED (${why}): ${run.stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 400)}`;
}

const rate = (row: Row) => row.rendered / row.seconds;

function printTable(rows: Row[]): void {
  const header = ['crawler', 'pages', 'rendered', 'seconds', 'pages/s', 'peak RSS', 'peak PSS', 'RSS p100-200', 'RSS last 100', 'growth', 'chromium left'];
  const lines = rows.map((row) => [
    row.name,
    String(row.pages),
    String(row.rendered),
    row.seconds.toFixed(1),
    rate(row).toFixed(2),
    `${row.run.peakTreeRssMb.toFixed(0)} MB`,
    `${row.run.peakTreePssMb.toFixed(0)} MB`,
    row.growth ? `${row.growth.earlyMb.toFixed(0)} MB` : 'n/a',
    row.growth ? `${row.growth.lateMb.toFixed(0)} MB` : 'n/a',
    row.growth ? `${row.growth.growthMb >= 0 ? '+' : ''}${row.growth.growthMb.toFixed(0)} MB (${row.growth.growthPct.toFixed(1)}%)` : 'n/a',
    row.run.leftovers ? String(row.run.leftovers.chromium) : '?',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]!.length)));
  for (const line of [header, ...lines]) console.log(line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  for (const row of rows) console.log(`  ${row.name}: ${row.note}`);
}

/** Problems that make the run exit 1: shortfalls and leftover browsers. */
function problems(rows: Row[]): string[] {
  const found: string[] = [];
  for (const row of rows) {
    if (row.rendered < maxPages) found.push(`${row.name}: SHORTFALL, rendered ${row.rendered} of ${maxPages} pages`);
    const left = row.run.leftovers;
    if (left && left.chromium + left.other > 0) {
      found.push(`${row.name}: ${left.chromium} chromium and ${left.other} other processes alive ${left.graceMs} ms after exit (killed): ${left.described.join(', ')}`);
    }
  }
  return found;
}

if (!existsSync(values.chromium)) {
  console.log(`rendered bench skipped: no Chromium at ${values.chromium} (--chromium PATH)`);
  process.exit(0);
}
const site = await serveJsSite({ pages: Number(values['site-pages']) });
console.log(`\nrendered crawling — machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
console.log(`site: ${site.pages} JavaScript-only pages at ${site.url} (links exist only once rendered; half only after the page's JSON loads); ` +
  `${maxPages} pages each, render concurrency ${concurrency}; memory = sum over the crawler's process tree, sampled every 500 ms\n`);
try {
  const rows: Row[] = [];
  if (!values['skip-vigie']) rows.push(await benchVigie(site));
  if (!values['skip-crawlee']) rows.push(await benchCrawlee(site));
  printTable(rows);
  const [vigie, crawlee] = rows.length === 2 ? rows : [];
  if (vigie && crawlee && rate(crawlee) > 0) {
    console.log(`\nratio Vigie / Crawlee: pages per second ${(rate(vigie) / rate(crawlee)).toFixed(2)}, peak tree RSS ${(vigie.run.peakTreeRssMb / crawlee.run.peakTreeRssMb).toFixed(2)}`);
  }
  const found = problems(rows);
  for (const problem of found) console.log(problem);
  if (found.length) process.exitCode = 1;
} finally {
  await site.close();
}

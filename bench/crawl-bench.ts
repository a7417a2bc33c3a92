// `npm run bench`: Vigie's full pipeline (queues, fetch, parse, extraction, durable indexing,
// alerts) against Crawlee's CheerioCrawler (fetch + parse + enqueue only) on the same generated
// site, in the same run, each in its own process. Prints pages/s, peak RSS, median fetch→alert
// time and the ratio. Options: --pages N (5000) --concurrency N (Vigie, 32)
// --crawlee-concurrency N[,N...] (10,50: Crawlee runs at each, its best counts) --skip-crawlee.
// Then the rendered-crawling bench (bench/rendered-bench.ts, Vigie vs Crawlee's PlaywrightCrawler)
// in its own process: --render-concurrency N (4) passes on, --skip-rendered leaves it out.
// First of all, rule matching throughput in MB/s with 10,000 extra terms (bench/rules-bench.ts):
// --skip-rules leaves it out.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { loadSettings, readEnv } from '../config/index.ts';
import { redisKeys } from '../workers/redis-keys.ts';
import { lastJsonLine, median, runMeasured } from './measure-process.ts';
import { serveSite } from './site-server.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const makeSite = resolve(root, '../shared/fixtures/make-site.mjs');
const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '32' },
    'crawlee-concurrency': { type: 'string', default: '10,50' },
    'skip-crawlee': { type: 'boolean', default: false },
    'skip-rendered': { type: 'boolean', default: false },
    'render-concurrency': { type: 'string', default: '4' },
    'skip-rules': { type: 'boolean', default: false },
  },
});
const pages = Number(values.pages);
const settings = loadSettings(readEnv());

async function runRenderedBench(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/rendered-bench.ts'), '--render-concurrency', values['render-concurrency']], { stdio: 'inherit' });
  const exitCode = await new Promise<number | null>((resolveExit, reject) => child.once('error', reject).once('close', resolveExit));
  if (exitCode !== 0) process.exitCode = exitCode ?? 1;
}

/** Rule matching throughput (bench/rules-bench.ts), in its own process so the crawl bench's numbers stay its own. */
async function runRulesBench(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/rules-bench.ts')], { stdio: 'inherit' });
  const exitCode = await new Promise<number | null>((resolveExit, reject) => child.once('error', reject).once('close', resolveExit));
  if (exitCode !== 0) process.exitCode = exitCode ?? 1;
  console.log('');
}

if (!values['skip-rules']) await runRulesBench();

if (!existsSync(makeSite)) {
  console.log(`static bench skipped: ${makeSite} not found (the shared fixtures sit beside the project)`);
  if (!values['skip-rendered']) await runRenderedBench();
  process.exit();
}
const siteDir = join(root, '.bench', `site-${pages}`);
if (!existsSync(join(siteDir, 'manifest.json'))) {
  mkdirSync(siteDir, { recursive: true });
  execFileSync(process.execPath, [makeSite, siteDir, String(pages), '1'], { stdio: 'inherit' });
}

const site = await serveSite(siteDir);
const startUrl = `${site.url}/index.html`;
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
console.log(`site: ${pages} pages at ${site.url} (each links ~40 pages, ~60 nav and ~5 member links that answer 404)\n`);

interface VigieReport { runId: string; pages: number; alerts: number; entities: number; errors: number; seconds: number; errorsByCode: Record<string, number> }

async function benchVigie() {
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const dataDir = join(root, '.bench', `data-${prefix}`);
  const requestsBefore = site.requests;
  const run = await runMeasured(process.execPath, [
    join(root, 'bin/vigie.mjs'), 'crawl', startUrl, '--max-pages', '1000000', '--depth', '50',
    '--concurrency', values.concurrency, '--delay-ms', '0', '--allow-private', '--json', '--data-dir', dataDir,
  ], { ...process.env, VIGIE_REDIS_PREFIX: prefix, LOG_LEVEL: 'warn' });
  if (run.exitCode !== 0) throw new Error(`vigie crawl failed (${run.exitCode}): ${run.stderr.slice(-2000)}`);
  const report = lastJsonLine<VigieReport>(run.stdout);
  const redis = new Redis(settings.redisUrl);
  const latencies = (await redis.lrange(redisKeys(prefix).runLatencies(report.runId), 0, -1)).map(Number);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.unlink(...keys);
  await redis.quit();
  rmSync(dataDir, { recursive: true, force: true });
  return { ...report, requests: site.requests - requestsBefore, peakRssMb: run.peakRssMb, medianFetchToAlertMs: median(latencies) };
}

async function benchCrawlee(concurrency: string) {
  const requestsBefore = site.requests;
  const run = await runMeasured(process.execPath, ['--import', 'tsx', join(root, 'bench/crawlee-run.ts'), startUrl, concurrency], {
    ...process.env,
    CRAWLEE_STORAGE_DIR: join(root, '.bench', 'crawlee-storage'),
    CRAWLEE_LOG_LEVEL: 'ERROR',
  });
  if (run.exitCode !== 0) throw new Error(`crawlee failed (${run.exitCode}): ${run.stderr.slice(-2000)}`);
  return { ...lastJsonLine<{ pages: number; seconds: number }>(run.stdout), concurrency, requests: site.requests - requestsBefore, peakRssMb: run.peakRssMb };
}

try {
  const vigie = await benchVigie();
  const vigieRate = vigie.pages / vigie.seconds;
  console.log(`Vigie (full pipeline, concurrency ${values.concurrency}): ${vigie.pages} pages indexed, ${vigie.requests} requests, ${vigie.seconds.toFixed(1)} s`);
  console.log(`  ${vigieRate.toFixed(1)} pages/s · peak RSS ${vigie.peakRssMb.toFixed(0)} MB · median fetch→alert ${vigie.medianFetchToAlertMs.toFixed(0)} ms · ${vigie.alerts} alerts · ${vigie.entities} entities · errors ${JSON.stringify(vigie.errorsByCode)}`);
  if (!values['skip-crawlee']) {
    let bestRate = 0;
    for (const concurrency of values['crawlee-concurrency'].split(',')) {
      const crawlee = await benchCrawlee(concurrency.trim());
      const crawleeRate = crawlee.pages / crawlee.seconds;
      bestRate = Math.max(bestRate, crawleeRate);
      console.log(`Crawlee CheerioCrawler (fetch+parse+enqueue, concurrency ${crawlee.concurrency}): ${crawlee.pages} pages, ${crawlee.requests} requests, ${crawlee.seconds.toFixed(1)} s`);
      console.log(`  ${crawleeRate.toFixed(1)} pages/s · peak RSS ${crawlee.peakRssMb.toFixed(0)} MB`);
    }
    console.log(`\nratio Vigie / best Crawlee, pages per second: ${(vigieRate / bestRate).toFixed(2)}`);
  }
} finally {
  await site.close();
}
if (!values['skip-rendered']) await runRenderedBench();

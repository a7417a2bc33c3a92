// `vigie crawl URL...`: one crawl through the whole pipeline (queues, extraction, index, alerts)
// with workers in this process, then a summary. Other `vigie worker` processes sharing the Redis
// may take part; the run ends when its last URL is done.
import { createHash, randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, targetSchema, type WatchTarget } from '../../config/index.ts';
import { RENDER_MODES, type RenderMode } from '../../config/target-schema.ts';
import { zodIssuesToConfigIssues } from '../../config/zod-issues.ts';
import { startWorkers, type RunSummary, type WorkerDeps } from '../../workers/index.ts';
import { DATA_DIR_HELP, oneOf, positiveInt } from '../options.ts';
import { openPipeline, withRuntime } from '../runtime.ts';

interface CrawlOptions {
  dataDir?: string;
  maxPages: number;
  depth: number;
  concurrency: number;
  delayMs: number;
  allowPrivate?: boolean;
  robots: boolean;
  render: RenderMode;
  proxy?: string;
  json?: boolean;
}

/** The run's counters (see RunSummary) and how long the crawl took. */
export type CrawlReport = Omit<RunSummary, 'targetId' | 'status' | 'startedAt' | 'finishedAt' | 'pending'> & { seconds: number };

export function registerCrawlCommand(program: Command): void {
  program
    .command('crawl')
    .description('crawl from the given URLs through the full pipeline and print a summary')
    .argument('<urls...>', 'seed URLs (http or https)')
    .option('--max-pages <n>', 'distinct URLs to fetch at most', positiveInt('--max-pages'), 100)
    .option('--depth <n>', 'link hops from the seeds', positiveInt('--depth', 50), 2)
    .option('--concurrency <n>', 'pages in flight (also per host)', positiveInt('--concurrency', 256), 4)
    .option('--delay-ms <n>', 'minimum gap between two requests to one host', positiveInt('--delay-ms', 600_000), 250)
    .option('--allow-private', "allow the seeds' own private or loopback hosts (nothing else private)")
    .option('--render <mode>', `render pages in Chromium: ${RENDER_MODES.join(' | ')}`, oneOf('--render', RENDER_MODES), 'never')
    .option('--proxy <url>', 'http://, socks5:// or socks5h:// proxy (socks5h://127.0.0.1:9050 for Tor and .onion seeds)')
    .option('--no-robots', 'ignore robots.txt (the reason "vigie crawl --no-robots" is logged)')
    .option('--json', 'print the summary as JSON (last stdout line)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (urls: string[], options: CrawlOptions) => {
      await withRuntime({ dataDir: options.dataDir, concurrency: options.concurrency }, 'one-shot', async ({ settings, logger, closer }) => {
        const target = adHocTarget(urls, options);
        const deps = await openPipeline(settings, logger, closer);
        const report = await crawlOnce(deps, target, { concurrency: options.concurrency, progress: !options.json && process.stderr.isTTY });
        printReport(report, options.json === true);
      });
    });
}

export function adHocTarget(urls: string[], options: Omit<CrawlOptions, 'json' | 'dataDir'>): WatchTarget {
  const id = `adhoc-${createHash('sha256').update(urls.join('\n')).digest('hex').slice(0, 12)}`;
  const parsed = targetSchema.safeParse({
    id,
    name: `vigie crawl ${urls.slice(0, 3).join(' ')}${urls.length > 3 ? ' …' : ''}`,
    seeds: urls,
    maxDepth: options.depth,
    maxPagesPerRun: Math.max(1, options.maxPages),
    politeness: { perHostConcurrency: options.concurrency, minDelayMs: options.delayMs },
    robots: options.robots ? 'respect' : 'ignore',
    robotsIgnoreReason: options.robots ? undefined : 'vigie crawl --no-robots',
    allowPrivate: options.allowPrivate ?? false,
    render: options.render,
    proxy: options.proxy,
  });
  if (!parsed.success) {
    throw new ConfigError('invalid crawl arguments', zodIssuesToConfigIssues(parsed.error.issues).map((issue) => ({
      ...issue,
      path: issue.path.replace(/^seeds\.(\d+)$/, (_, i: string) => `URL ${urls[Number(i)]}`),
    })));
  }
  return parsed.data;
}

/** Runs one crawl of `target` to completion with in-process workers and reports it. */
export async function crawlOnce(
  deps: WorkerDeps,
  target: WatchTarget,
  options: { concurrency: number; progress?: boolean; pollMs?: number },
): Promise<CrawlReport> {
  const startedMs = Date.now();
  const runId = `crawl-${Date.now()}-${randomBytes(4).toString('hex')}`;
  const workers = startWorkers(deps, { concurrency: options.concurrency });
  const interrupted = new AbortController();
  const onSignal = () => interrupted.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await deps.queues.runs.add('run', { targetId: target.id, runId, target }, { jobId: runId });
    let summary: RunSummary | null = null;
    while (!interrupted.signal.aborted) {
      summary = await deps.runs.summary(runId);
      if (options.progress && summary) writeProgress(summary, startedMs);
      if (summary?.status === 'finished') break;
      await sleep(options.pollMs ?? 200, undefined, { signal: interrupted.signal }).catch(() => undefined);
    }
    if (options.progress) process.stderr.write('\n');
    if (interrupted.signal.aborted) process.stderr.write('vigie: interrupted; pending pages stay queued for other workers\n');
    summary = (await deps.runs.summary(runId)) ?? summary;
    return toReport(runId, summary, startedMs);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await workers.close();
  }
}

const EMPTY_COUNTS = {
  pages: 0, errors: 0, errorsByCode: {}, alerts: 0, alertsNew: 0, entities: 0, skipped: 0, capped: 0, cappedBy: {},
  rendered: 0, unchanged: 0, changed: 0, nearDuplicates: 0, sources: {}, media: {},
} satisfies Omit<CrawlReport, 'runId' | 'seconds'>;

function toReport(runId: string, summary: RunSummary | null, startedMs: number): CrawlReport {
  const seconds = Math.round((Date.now() - startedMs) / 10) / 100;
  if (!summary) return { ...EMPTY_COUNTS, runId, seconds };
  const { targetId: _target, status: _status, startedAt: _started, finishedAt: _finished, pending: _pending, ...counts } = summary;
  return { ...counts, runId, seconds };
}

function writeProgress(summary: RunSummary, startedMs: number): void {
  const seconds = ((Date.now() - startedMs) / 1000).toFixed(1);
  process.stderr.write(`\r${seconds}s  pages ${summary.pages}  pending ${summary.pending}  alerts ${summary.alerts}  entities ${summary.entities}  errors ${summary.errors}   `);
}

function printReport(report: CrawlReport, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const errorLines = Object.entries(report.errorsByCode).map(([code, n]) => `    ${code}: ${n}`);
  process.stdout.write([
    `run ${report.runId} finished in ${report.seconds}s`,
    `  pages indexed: ${report.pages}${report.rendered ? ` (${report.rendered} rendered)` : ''}${report.changed ? ` (${report.changed} changed since the last crawl)` : ''}`,
    ...(report.unchanged ? [`  unchanged since the last crawl: ${report.unchanged}`] : []),
    ...(report.nearDuplicates ? [`  near-duplicates of earlier content: ${report.nearDuplicates}`] : []),
    `  alerts: ${report.alerts} (${report.alertsNew} new)`,
    `  entities: ${report.entities}`,
    `  errors: ${report.errors}`,
    ...errorLines,
    ...(report.skipped ? [`  skipped (robots.txt): ${report.skipped}`] : []),
    ...(report.capped ? [`  not fetched (page cap): ${report.capped}`] : []),
    ...Object.entries(report.cappedBy).map(([cap, n]) => `  not fetched (${cap} cap): ${n}`),
    ...(Object.keys(report.sources).length ? [`  sitemaps and feeds: ${Object.entries(report.sources).map(([k, n]) => `${k} ${n}`).join(', ')}`] : []),
    ...(Object.keys(report.media).length ? [`  images and files: ${Object.entries(report.media).map(([k, n]) => `${k} ${n}`).join(', ')}`] : []),
  ].join('\n') + '\n');
}

// Crawlee's CheerioCrawler on the benchmark site, in its own process (so its memory is its own):
// fetch, parse with cheerio, enqueue same-host links. Prints one JSON line: pages, seconds.
import { CheerioCrawler, Configuration } from '@crawlee/cheerio';

const [startUrl, concurrencyArg] = process.argv.slice(2);
const concurrency = Number(concurrencyArg ?? 50);
const config = new Configuration({ persistStorage: false, purgeOnStart: true });
let pages = 0;
const crawler = new CheerioCrawler(
  {
    minConcurrency: concurrency,
    maxConcurrency: concurrency,
    maxRequestRetries: 0,
    maxRequestsPerCrawl: 100_000,
    requestHandler: async ({ $, enqueueLinks }) => {
      // Called for successful responses only; failures go to failedRequestHandler.
      if ($('html').length > 0) pages++;
      await enqueueLinks({ strategy: 'same-hostname' });
    },
    failedRequestHandler: () => undefined,
  },
  config,
);
const started = Date.now();
await crawler.run([startUrl!]);
process.stdout.write(`${JSON.stringify({ pages, seconds: (Date.now() - started) / 1000 })}\n`);

// Crawlee's PlaywrightCrawler on the JavaScript-only benchmark site, in its own process (so its
// memory, browser included, is its own): render each page in Chromium, wait for the page's data as
// a Crawlee user would for a single-page app, enqueue same-host links from the rendered DOM.
// Prints one JSON line: pages, failed, seconds.
// Usage: crawlee-playwright-run.ts START_URL CONCURRENCY MAX_PAGES CHROMIUM_PATH
import { Configuration, PlaywrightCrawler } from '@crawlee/playwright';
import { chromium } from 'playwright';

// The flags Vigie's renderer launches Chromium with (crawler/render): same browser, same work.
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-quic', '--no-first-run',
];

const [startUrl, concurrencyArg = '4', maxPagesArg = '1000', executablePath = '/usr/bin/chromium'] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
if (!startUrl?.startsWith('http') || !(concurrency > 0) || !(Number(maxPagesArg) > 0)) {
  throw new Error('usage: crawlee-playwright-run.ts START_URL CONCURRENCY MAX_PAGES CHROMIUM_PATH');
}
const config = new Configuration({ persistStorage: false, purgeOnStart: true });
let pages = 0;
let failed = 0;
const crawler = new PlaywrightCrawler(
  {
    minConcurrency: concurrency,
    maxConcurrency: concurrency,
    maxRequestRetries: 0,
    maxRequestsPerCrawl: Number(maxPagesArg),
    headless: true,
    launchContext: { launcher: chromium, launchOptions: { executablePath, args: CHROMIUM_ARGS } },
    // Fingerprint injection costs time per page and Vigie does none.
    browserPoolOptions: { useFingerprints: false },
    requestHandler: async ({ page, enqueueLinks }) => {
      // The site marks <html data-ready> once the page's JSON is rendered; half of its links are there.
      await page.waitForSelector('html[data-ready]', { timeout: 15_000 });
      pages++;
      await enqueueLinks({ strategy: 'same-hostname' });
    },
    failedRequestHandler: () => {
      failed++;
    },
  },
  config,
);
const started = Date.now();
await crawler.run([startUrl]);
process.stdout.write(`${JSON.stringify({ pages, failed, seconds: (Date.now() - started) / 1000 })}\n`);

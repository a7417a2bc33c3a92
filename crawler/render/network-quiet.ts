// "The page has settled": no request of the page in flight for a short quiet period. Playwright's
// `networkidle` waits a fixed 500 ms of silence, which on a crawl of thousands of pages costs more
// than most renders themselves; scripts that fetch their content chain requests far faster than
// that, so a shorter quiet period catches them at a fraction of the cost.
import type { Page } from 'playwright-core';
import { remainingMs, sleep } from './render-deadline.ts';

/** Silence that counts as settled: longer than the gap between chained fetches of a script. */
export const QUIET_MS = 200;
const POLL_MS = 25;

export interface NetworkActivity {
  /** True once nothing has been in flight for `quietMs`; false if `atMs` came first. */
  quiet(quietMs: number, atMs: number): Promise<boolean>;
}

/** Starts counting the page's requests; call before navigating so the document itself counts. */
export function trackNetworkActivity(page: Page): NetworkActivity {
  let inFlight = 0;
  let lastChangeMs = Date.now();
  const started = (): void => {
    inFlight++;
    lastChangeMs = Date.now();
  };
  const ended = (): void => {
    inFlight = Math.max(0, inFlight - 1);
    lastChangeMs = Date.now();
  };
  page.on('request', started);
  page.on('requestfinished', ended);
  page.on('requestfailed', ended);
  return {
    async quiet(quietMs, atMs) {
      for (;;) {
        if (inFlight === 0 && Date.now() - lastChangeMs >= quietMs) return true;
        if (remainingMs(atMs) <= 0) return false;
        await sleep(Math.min(POLL_MS, remainingMs(atMs)));
      }
    },
  };
}

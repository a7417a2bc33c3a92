// Fetching under the host's politeness lease. Short waits are taken in place (cheaper than a
// round trip through the delayed set); long ones become a ThrottledError so the job slot is freed.
import { setTimeout as sleep } from 'node:timers/promises';
import { ThrottledError } from '../config/index.ts';
import { fetchPage, type FetchOptions, type FetchResult } from '../crawler/fetch-page.ts';
import type { HostPoliteness } from './politeness.ts';
import type { RunContext } from './run-context.ts';

const MAX_INLINE_WAIT_MS = 2000;
/** Margin over the fetch deadline for a lease (release round trip, clock jitter). */
const LEASE_MARGIN_MS = 5000;

export async function politeFetch(
  url: string,
  run: RunContext,
  politeness: HostPoliteness,
  leaseId: string,
  extraDelayMs = 0,
  /** Per-fetch changes to the run's fetch options (e.g. XML types for sitemaps and feeds). */
  fetchOverrides: Partial<FetchOptions> = {},
): Promise<FetchResult> {
  const host = new URL(url).host;
  const policy = {
    maxConcurrent: run.target.politeness.perHostConcurrency,
    minDelayMs: Math.max(run.target.politeness.minDelayMs, extraDelayMs),
    leaseTtlMs: run.target.fetch.totalTimeoutMs + LEASE_MARGIN_MS,
  };
  let waitedMs = 0;
  for (;;) {
    const lease = await politeness.tryAcquire(host, leaseId, policy);
    if (typeof lease !== 'number') {
      try {
        return await fetchPage(url, { ...run.fetchOptions, ...fetchOverrides });
      } finally {
        await lease.release();
      }
    }
    if (waitedMs + lease > MAX_INLINE_WAIT_MS) {
      throw new ThrottledError('host-politeness', `waiting for a politeness slot on ${host}`, Math.max(lease, 250));
    }
    // A little jitter so workers waiting on the same host do not all ask again at once.
    const pause = lease + Math.floor(Math.random() * 20);
    await sleep(pause);
    waitedMs += pause;
  }
}

// Claiming URLs in the frontier and adding their page jobs, shared by the run job (seeds) and
// page jobs (discovered links). Safe to repeat: see frontier.ts and the deterministic job ids.
import type { Frontier } from './frontier.ts';
import { PAGE_JOB_OPTIONS, pageJobId, type Queues } from './queues.ts';

export async function enqueueUrls(
  deps: { frontier: Frontier; queues: Queues },
  runId: string,
  claimerJobId: string,
  urls: readonly string[],
  depth: number,
  maxPages: number,
): Promise<number> {
  const claimed = await deps.frontier.claim(runId, claimerJobId, urls, maxPages);
  if (claimed.length === 0) return 0;
  try {
    await deps.queues.pages.addBulk(
      claimed.map((url) => ({
        name: 'page',
        data: { runId, url, depth },
        opts: { ...PAGE_JOB_OPTIONS, jobId: pageJobId(runId, url) },
      })),
    );
  } catch (err) {
    // If this was the claimer's last attempt, nobody would ever add these jobs: give them back
    // (a retry claims them again). Best effort: the error that matters is the original one.
    await deps.frontier.release(runId, claimerJobId, claimed).catch(() => undefined);
    throw err;
  }
  return claimed.length;
}

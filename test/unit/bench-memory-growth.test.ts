import { describe, expect, it } from 'vitest';
import type { TreeSample } from '../../bench/measure-process.ts';
import { memoryGrowth } from '../../bench/memory-growth.ts';

/** One sample per 10 pages from 0 to `pages`, RSS from `rssAt(progress)`, then `tail` shutdown samples. */
function samples(pages: number, rssAt: (progress: number) => number, tail: number[] = []): TreeSample[] {
  const list: TreeSample[] = [];
  for (let progress = 0; progress <= pages; progress += 10) {
    list.push({ atMs: progress * 100, progress, processes: 8, rssMb: rssAt(progress), pssMb: rssAt(progress) / 2 });
  }
  for (const rssMb of tail) list.push({ atMs: pages * 100 + 500, progress: pages, processes: 1, rssMb, pssMb: rssMb });
  return list;
}

describe('memoryGrowth', () => {
  it('reads flat memory as no growth, whatever the start-up ramp', () => {
    const growth = memoryGrowth(samples(1000, (p) => (p < 50 ? 200 + p * 10 : 700)));
    expect(growth).toMatchObject({ earlyMb: 700, lateMb: 700, growthMb: 0, growthPct: 0 });
    expect(growth!.earlySamples).toBe(10);
  });

  it('measures growth between pages 100-200 and the last 100 pages', () => {
    const growth = memoryGrowth(samples(1000, (p) => 500 + p / 2))!;
    // Early window: progress 100..190, median 572.5; late window: 900..1000, median 975.
    expect(growth.earlyMb).toBeCloseTo(572.5);
    expect(growth.lateMb).toBeCloseTo(975);
    expect(growth.growthPct).toBeCloseTo(((975 - 572.5) / 572.5) * 100);
  });

  it('leaves out the samples taken while the crawler shuts its browser down', () => {
    const growth = memoryGrowth(samples(1000, () => 800, [60, 50, 40, 30, 20, 10, 5]))!;
    expect(growth.lateMb).toBe(800);
  });

  it('can read PSS instead of RSS', () => {
    expect(memoryGrowth(samples(1000, () => 800), 100, (s) => s.pssMb)!.lateMb).toBe(400);
  });

  it('gives null for a crawl too short to compare two windows', () => {
    expect(memoryGrowth(samples(250, () => 800))).toBeNull();
    expect(memoryGrowth([])).toBeNull();
  });
});

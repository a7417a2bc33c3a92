// Whether a crawler's memory stays flat as it works: process-tree RSS early in the crawl against RSS
// at its end, read against pages done rather than time. Single samples are noisy (browser contexts
// open and close between two of them), so each side is the median of a window of pages.
import type { TreeSample } from './measure-process.ts';
import { median } from './measure-process.ts';

export interface MemoryGrowth {
  /** Median tree RSS while pages [windowPages, 2 × windowPages) were being done. */
  earlyMb: number;
  /** Median tree RSS over the last windowPages pages, up to the first sample showing the final count. */
  lateMb: number;
  growthMb: number;
  growthPct: number;
  earlySamples: number;
  lateSamples: number;
}

/**
 * null when the crawl was too short for two windows that do not overlap, or a window got no sample.
 * Samples after the final count was first seen are left out: the crawler is then shutting its
 * browser down, which would flatter the end figure.
 */
export function memoryGrowth(samples: readonly TreeSample[], windowPages = 100, pick: (sample: TreeSample) => number = (sample) => sample.rssMb): MemoryGrowth | null {
  const finalProgress = Math.max(0, ...samples.map((sample) => sample.progress));
  if (finalProgress < windowPages * 3) return null;
  const endIndex = samples.findIndex((sample) => sample.progress === finalProgress);
  const running = samples.slice(0, endIndex + 1);
  const early = running.filter((sample) => sample.progress >= windowPages && sample.progress < windowPages * 2).map(pick);
  const late = running.filter((sample) => sample.progress >= finalProgress - windowPages).map(pick);
  if (!early.length || !late.length) return null;
  const earlyMb = median(early);
  const lateMb = median(late);
  return {
    earlyMb,
    lateMb,
    growthMb: lateMb - earlyMb,
    growthPct: ((lateMb - earlyMb) / earlyMb) * 100,
    earlySamples: early.length,
    lateSamples: late.length,
  };
}

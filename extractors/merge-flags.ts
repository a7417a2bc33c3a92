// Flags of one page come from several detectors (rules, phishing, hash lists). Flags of the same
// category merge into one: their rule hits are concatenated and their scores combined by noisy-OR,
// 1 - Π(1 - score), as the rule engine combines its rules, so merging is order-independent and a
// category with independent evidence from two detectors scores higher than either alone.
import type { Flag } from './types.ts';

export function mergeFlags(...lists: readonly (readonly Flag[])[]): Flag[] {
  const merged = new Map<string, Flag>();
  for (const flag of lists.flat()) {
    const held = merged.get(flag.category);
    if (!held) {
      merged.set(flag.category, { ...flag, tags: [...flag.tags], rules: [...flag.rules] });
      continue;
    }
    held.score = round(1 - (1 - held.score) * (1 - flag.score));
    for (const tag of flag.tags) if (!held.tags.includes(tag)) held.tags.push(tag);
    held.rules.push(...flag.rules);
  }
  const flags = [...merged.values()];
  for (const flag of flags) flag.rules.sort((a, b) => b.weight - a.weight);
  return flags.sort((a, b) => b.score - a.score);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

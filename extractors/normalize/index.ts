// Text normalisation for matching, with every word mapped back to its original offsets.
// See tokenize.ts (words, invisibles, rejoined spellings), fold.ts (per-character folding) and
// variants.ts (leetspeak and stretched letters) for the scheme.

import { FoldCache } from './fold.ts';
import { tokenize } from './tokenize.ts';
import type { NormalizedText } from './tokenize.ts';

export { FoldCache } from './fold.ts';
export { MAX_JOINED_WORDS } from './tokenize.ts';
export type { JoinedSpan, NormalizedText, Token } from './tokenize.ts';
export { wordVariants } from './variants.ts';

/**
 * Normalises `text` for matching. Linear in the length of the text. Pass a long-lived
 * `FoldCache` when normalising many texts (the rule set keeps one).
 */
export function normalizeText(text: string, cache: FoldCache = new FoldCache()): NormalizedText {
  return tokenize(text, cache);
}

/** The folded words of a short string, e.g. a lexicon term, ignoring rejoined spellings. */
export function foldWords(text: string, cache: FoldCache = new FoldCache()): string[] {
  return tokenize(text, cache).tokens.map((t) => t.norm);
}

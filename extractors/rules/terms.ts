// Turns a lexicon term as written ("livraison discrète", "cocain*", "AK-47") into the word
// sequences the automaton stores, folded exactly like the text it will meet.

import { foldWords } from '../normalize/index.ts';
import type { FoldCache } from '../normalize/index.ts';
import type { TermWord } from './automaton.ts';
import { MAX_TERM_WORDS, MIN_PREFIX_LENGTH } from './schema.ts';

const NUMBER_WORD = /^#[\p{L}]*$/u;

export type TermParse = { sequences: TermWord[][] } | { error: string };

/**
 * A term gives one sequence, or two when a written word breaks into several folded words
 * ("ak-47", "email:pass"): the split form, and the form with those pieces glued ("ak47"), since
 * the text may carry either spelling.
 */
export function parseTerm(term: string, cache: FoldCache): TermParse {
  const split: TermWord[] = [];
  const glued: TermWord[] = [];
  let hasGlue = false;
  for (const raw of term.trim().split(/\s+/)) {
    const prefix = raw.endsWith('*');
    const body = prefix ? raw.slice(0, -1) : raw;
    if (body.includes('*')) return { error: `"${term}": '*' is only allowed at the end of a word` };
    // '#' stands for any number (see numberShape): "#g" is a quantity in grams, "#" any number.
    const words = NUMBER_WORD.test(body) ? [`#${foldWords(body.slice(1), cache).join('')}`] : foldWords(body, cache);
    if (words.length === 0) {
      if (prefix) return { error: `"${term}": '*' must follow letters or digits` };
      continue; // punctuation-only word such as "&" or "-"
    }
    words.forEach((word, k) => split.push({ word, prefix: prefix && k === words.length - 1 }));
    // Glue only pieces with letters: "1:1" must not become the number 11.
    if (words.length > 1 && words.some((w) => /\p{L}/u.test(w))) {
      hasGlue = true;
      glued.push({ word: words.join(''), prefix });
    } else {
      words.forEach((word, k) => glued.push({ word, prefix: prefix && k === words.length - 1 }));
    }
  }
  if (split.length === 0) return { error: `"${term}" has no letters or digits` };
  if (split.length > MAX_TERM_WORDS) return { error: `"${term}" has more than ${MAX_TERM_WORDS} words` };
  for (const seq of [split, glued]) {
    const short = seq.find((w) => w.prefix && w.word.length < MIN_PREFIX_LENGTH);
    if (short) return { error: `"${term}": a prefix needs at least ${MIN_PREFIX_LENGTH} letters before '*'` };
  }
  return { sequences: hasGlue ? [split, glued] : [split] };
}

// One linear pass over the original text that produces folded words with their original offsets,
// then a second linear pass over the words that finds spelled-out sequences to rejoin.
//
// A word is a maximal run of letters and digits; invisible characters inside it are skipped
// without splitting it ("co\u200Bcaine" is one word). '@', '$', '!' and '|' belong to a word only
// between two letters or digits ("c@caine", but not "@user" or "wow!"). Everything else separates.
//
// Joined sequences: words linked by a single tight separator ("co-caine", "c.o.c.a.i.n.e",
// "c_o_c") or single-character words a few separator characters apart ("c o c a i n e",
// "c . o . c") are also offered to the matcher as one word. Every contiguous part of such a chain
// (up to MAX_JOINED_WORDS words) is offered, so "à c o c a ï n e" still yields "cocaine". The
// words themselves stay in the stream: "il y a à" keeps its four words.

import { DIGIT, IGNORED, LETTER, MIXED, SEPARATOR } from './fold.ts';
import type { FoldCache, FoldEntry } from './fold.ts';
import { wordVariants } from './variants.ts';

export interface Token {
  /** Folded form: lower case, no accents, lookalikes mapped to Latin, invisibles removed. */
  norm: string;
  /** Other readings to match (leetspeak, shortened letter runs); absent when none. */
  variants?: readonly string[];
  /** Offsets in the original text, `end` exclusive. */
  start: number;
  end: number;
}

/** Words `first..last` (token indices, inclusive) read as one word. */
export interface JoinedSpan {
  first: number;
  last: number;
  norm: string;
  variants?: readonly string[];
}

export interface NormalizedText {
  tokens: Token[];
  joined: JoinedSpan[];
}

export const MAX_JOINED_WORDS = 20;
/**
 * Bound on rejoined spans per text. Ordinary pages have a few dozen; a page made of thousands of
 * spaced single letters would otherwise cost MAX_JOINED_WORDS spans per letter.
 */
export const MAX_JOINED_SPANS = 20_000;
const TIGHT_SEPARATORS = new Set(['-', '.', '_', '*', '·', '•', '~', '+', '\u2010', '\u2011', '\u2013']);

const A_UPPER = 0x41;
const Z_UPPER = 0x5a;
const A_LOWER = 0x61;
const Z_LOWER = 0x7a;
const ZERO = 0x30;
const NINE = 0x39;

function isLeetSymbol(code: number): boolean {
  return code === 0x40 || code === 0x24 || code === 0x21 || code === 0x7c;
}

export function tokenize(text: string, cache: FoldCache): NormalizedText {
  const tokens: Token[] = [];
  const n = text.length;

  // State of the word being built.
  let start = -1;
  let end = 0;
  let simple = true; // only ASCII letters/digits so far, contiguous: norm is a lower-cased slice
  let buf = '';
  let needsVariants = false; // has a digit, a leet symbol, or a run of 3+ identical characters
  let last = '';
  let run = 0;
  let latin = false;
  let lookalike = false;
  let foreign = false;

  const leaveSimple = (at: number): void => {
    if (simple) {
      buf = text.slice(start, at).toLowerCase();
      simple = false;
    }
  };

  const append = (piece: string, at: number, width: number, asciiAlnum: boolean): void => {
    if (start < 0) {
      start = at;
      simple = true;
      buf = '';
    } else if (!asciiAlnum) {
      leaveSimple(at);
    }
    if (!asciiAlnum) {
      if (simple) simple = false;
      buf += piece;
    } else if (!simple) {
      buf += piece;
    }
    end = at + width;
    if (piece === last) {
      run++;
      if (run >= 3) needsVariants = true;
    } else {
      last = piece;
      run = 1;
    }
  };

  const flush = (): void => {
    if (start < 0) return;
    let norm = simple ? text.slice(start, end).toLowerCase() : buf;
    // A word written only in Cyrillic/Greek with some letters that have no Latin lookalike is a
    // genuine foreign word: keep its own letters rather than a Latin caricature of it.
    if (lookalike && !latin && foreign) norm = foldPlain(text, start, end, cache);
    const variants = needsVariants ? wordVariants(norm) : undefined;
    tokens.push(variants ? { norm, variants, start, end } : { norm, start, end });
    start = -1;
    needsVariants = false;
    last = '';
    run = 0;
    latin = false;
    lookalike = false;
    foreign = false;
  };

  const addEntry = (entry: FoldEntry, at: number, width: number): void => {
    if (entry.kind === LETTER) {
      if (entry.latin) latin = true;
      else if (entry.plain !== undefined) lookalike = true;
      else foreign = true;
      append(entry.text, at, width, false);
    } else if (entry.kind === DIGIT) {
      needsVariants = true;
      append(entry.text, at, width, false);
    } else if (entry.kind === IGNORED) {
      if (start >= 0) leaveSimple(at);
    } else if (entry.kind === MIXED) {
      for (const part of entry.parts ?? []) addEntry(part, at, width);
    } else {
      flush();
    }
  };

  let i = 0;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      if (code >= A_LOWER && code <= Z_LOWER) {
        latin = true;
        append(text[i]!, i, 1, true);
      } else if (code >= A_UPPER && code <= Z_UPPER) {
        latin = true;
        append(String.fromCharCode(code + 32), i, 1, true);
      } else if (code >= ZERO && code <= NINE) {
        needsVariants = true;
        append(text[i]!, i, 1, true);
      } else if (isLeetSymbol(code) && start >= 0 && isWordCharAt(text, i + 1, cache)) {
        needsVariants = true;
        append(text[i]!, i, 1, false);
      } else {
        flush();
      }
      i++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    addEntry(cache.get(cp), i, width);
    i += width;
  }
  flush();
  return { tokens, joined: findJoinedSpans(text, tokens) };
}

function isWordCharAt(text: string, at: number, cache: FoldCache): boolean {
  if (at >= text.length) return false;
  const code = text.charCodeAt(at);
  if (code < 0x80) {
    return (code >= A_LOWER && code <= Z_LOWER) || (code >= A_UPPER && code <= Z_UPPER) || (code >= ZERO && code <= NINE);
  }
  const kind = cache.get(text.codePointAt(at)!).kind;
  return kind === LETTER || kind === DIGIT || kind === MIXED;
}

/** Folds [start, end) again without the lookalike mapping (rare path, see `flush`). */
function foldPlain(text: string, start: number, end: number, cache: FoldCache): string {
  let out = '';
  let i = start;
  while (i < end) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      out += code >= A_UPPER && code <= Z_UPPER ? String.fromCharCode(code + 32) : text[i];
      i++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const entry = cache.get(cp);
    if (entry.kind === LETTER || entry.kind === DIGIT) out += entry.plain ?? entry.text;
    else if (entry.kind === MIXED) out += (entry.parts ?? []).map((p) => (p.kind === SEPARATOR ? '' : (p.plain ?? p.text))).join('');
    i += cp > 0xffff ? 2 : 1;
  }
  return out;
}

function linked(text: string, a: Token, b: Token): boolean {
  const gap = b.start - a.end;
  if (gap === 1 && TIGHT_SEPARATORS.has(text[a.end]!)) return true;
  if (gap < 1 || gap > 3 || a.norm.length !== 1 || b.norm.length !== 1) return false;
  for (let k = a.end; k < b.start; k++) {
    if (text.charCodeAt(k) === 0x0a) return false;
  }
  return true;
}

function findJoinedSpans(text: string, tokens: readonly Token[]): JoinedSpan[] {
  const joined: JoinedSpan[] = [];
  let i = 0;
  while (i < tokens.length - 1) {
    if (!linked(text, tokens[i]!, tokens[i + 1]!)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < tokens.length - 1 && linked(text, tokens[j]!, tokens[j + 1]!)) j++;
    // Chain i..j: offer every contiguous part of two or more words.
    for (let first = i; first < j; first++) {
      let acc = tokens[first]!.norm;
      const lastAllowed = Math.min(j, first + MAX_JOINED_WORDS - 1);
      for (let lastIdx = first + 1; lastIdx <= lastAllowed; lastIdx++) {
        acc += tokens[lastIdx]!.norm;
        if (acc.length < 3) continue;
        if (joined.length >= MAX_JOINED_SPANS) return joined;
        const variants = wordVariants(acc);
        joined.push(variants ? { first, last: lastIdx, norm: acc, variants } : { first, last: lastIdx, norm: acc });
      }
    }
    i = j;
  }
  return joined;
}

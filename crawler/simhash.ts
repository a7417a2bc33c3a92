// 64-bit simhash (Charikar) of a text, for near-duplicate detection: texts that share most of
// their words get fingerprints a few bits apart, so a mirrored article with another date line or a
// few edited words lands within a small Hamming distance of the original.
//
// Features: the text's content words (4 characters or more, numbers left out; character pairs in
// scripts written without spaces), weighted by frequency. Measured on the real articles of the
// readability corpus (../shared/corpora, 95 articles of 150+ words), with "near" meaning at most 3
// bits apart: 3-word shingles kept about half of the copies with 5 words changed (each edit
// changes 3 features), content words 9 in 10; counting every word did as well on copies but let
// different articles come within 4 bits, where content words keep them 13+ bits apart.
// 3 bits of 64 is a strict bound: a 300-word article tolerates another date line, byline or a
// couple of edited words; longer ones tolerate more, shorter ones less (and under MIN_SIMHASH_WORDS
// there is no fingerprint at all). `shingleWords` stays available for callers wanting order to count.
//
// The 64-bit feature hash is computed as two 32-bit lanes with Math.imul: BigInt arithmetic is an
// order of magnitude slower, and simhash runs on every crawled page.

/** A 64-bit fingerprint as two unsigned 32-bit halves (`hi` holds bits 63..32). */
export interface Simhash {
  readonly hi: number;
  readonly lo: number;
}

export interface SimhashOptions {
  /** Consecutive content words per feature (1: a bag of words). */
  shingleWords?: number;
  /** Shorter words are left out (mostly function words, which every text of a language shares). */
  minWordChars?: number;
  /** Below this many words (all of them) the text gets no fingerprint: its simhash would say nothing. */
  minWords?: number;
}

export const DEFAULT_SHINGLE_WORDS = 1;
export const DEFAULT_MIN_WORD_CHARS = 4;
/** Short texts (a one-line post, a login page) are never treated as near-duplicates. */
export const MIN_SIMHASH_WORDS = 50;

// Scripts written without spaces between words: their runs are cut into character pairs. The
// `v` flag's set difference keeps such characters out of ordinary words (and is several times
// faster than a lookahead per character).
const UNSPACED = '[\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Thai}\\p{Script=Lao}\\p{Script=Khmer}\\p{Script=Myanmar}]';
const TOKEN = new RegExp(`${UNSPACED}+|[[\\p{L}\\p{N}]--${UNSPACED}][[\\p{L}\\p{M}\\p{N}]--${UNSPACED}]*`, 'gv');
const STARTS_UNSPACED = new RegExp(`^${UNSPACED}`, 'v');
const ALL_DIGITS = /^\p{N}+$/u;
const COMBINING_ACCENTS = /[\u0300-\u036f]+/g;

/**
 * The simhash of `text`, or null when it has fewer than `minWords` words. Case, accents,
 * punctuation and spacing do not matter.
 */
export function simhash64(text: string, options: SimhashOptions = {}): Simhash | null {
  const { words, total } = contentWords(text, options.minWordChars ?? DEFAULT_MIN_WORD_CHARS);
  if (total < (options.minWords ?? MIN_SIMHASH_WORDS) || words.length === 0) return null;
  const shingleWords = Math.max(1, Math.min(options.shingleWords ?? DEFAULT_SHINGLE_WORDS, words.length));

  // Each word is hashed once (two lanes); shingles combine word hashes without building strings.
  const count = words.length;
  const wordHi = new Int32Array(count);
  const wordLo = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const word = words[i] as string;
    wordHi[i] = hashString(word, 0x811c9dc5);
    wordLo[i] = hashString(word, 0x3c6ef372);
  }

  const weights = new Int32Array(64);
  for (let start = 0; start + shingleWords <= count; start++) {
    let hi = wordHi[start] as number;
    let lo = wordLo[start] as number;
    for (let j = start + 1; j < start + shingleWords; j++) {
      hi = fmix32(Math.imul(rotl(hi, 5), 0x9e3779b1) ^ (wordHi[j] as number));
      lo = fmix32(Math.imul(rotl(lo, 7), 0x85ebca77) ^ (wordLo[j] as number));
    }
    // Branch-free: a set bit adds 1, a clear one subtracts 1.
    for (let bit = 0; bit < 32; bit++) {
      weights[bit + 32]! += (((hi >>> bit) & 1) << 1) - 1;
      weights[bit]! += (((lo >>> bit) & 1) << 1) - 1;
    }
  }

  let hi = 0;
  let lo = 0;
  for (let bit = 0; bit < 32; bit++) {
    if ((weights[bit + 32] as number) > 0) hi |= 1 << bit;
    if ((weights[bit] as number) > 0) lo |= 1 << bit;
  }
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

/** Number of differing bits (0..64). */
export function hammingDistance(a: Simhash, b: Simhash): number {
  return popcount32((a.hi ^ b.hi) >>> 0) + popcount32((a.lo ^ b.lo) >>> 0);
}

/** 16 lowercase hex digits, `hi` first: the form stored in Redis. */
export function simhashToHex(hash: Simhash): string {
  return hash.hi.toString(16).padStart(8, '0') + hash.lo.toString(16).padStart(8, '0');
}

export function simhashFromHex(hex: string): Simhash {
  if (!/^[0-9a-fA-F]{16}$/.test(hex)) throw new TypeError(`not a 64-bit hex simhash: ${JSON.stringify(hex)}`);
  return { hi: Number.parseInt(hex.slice(0, 8), 16), lo: Number.parseInt(hex.slice(8), 16) };
}

/**
 * Lowercased, accent-free words of at least `minWordChars` characters (pairs of characters in
 * unspaced scripts), and the number of words of any length.
 */
function contentWords(text: string, minWordChars: number): { words: string[]; total: number } {
  const folded = text.normalize('NFKD').replace(COMBINING_ACCENTS, '').normalize('NFC').toLowerCase();
  const words: string[] = [];
  let total = 0;
  for (const token of folded.match(TOKEN) ?? []) {
    if (!STARTS_UNSPACED.test(token)) {
      total++;
      // Numbers are left out too: dates, counters and prices are what mirrors change.
      if (token.length >= minWordChars && !ALL_DIGITS.test(token)) words.push(token);
      continue;
    }
    // Code points, not UTF-16 units: Han characters beyond the BMP are one character.
    const chars = [...token];
    if (chars.length === 1) words.push(token);
    for (let i = 0; i + 1 < chars.length; i++) words.push(`${chars[i]}${chars[i + 1]}`);
    total += Math.max(1, chars.length - 1);
  }
  return { words, total };
}

// FNV-1a over UTF-16 code units, finished with murmur3's avalanche so nearby strings spread out.
function hashString(value: string, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  return fmix32(h ^ value.length);
}

function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

function rotl(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}

function popcount32(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

// Typo-tolerant readings of a word: misspellings (two adjacent letters swapped, one letter dropped)
// and two words glued together, read back as the lexicon word they hide.
//
// Why precomputed forms rather than an edit distance at scan time: the vocabulary (every word of
// every term) is small and known at compile time, the text is large. Every misspelled form of every
// vocabulary word is generated once and mapped to its word, so reading a text costs one Map lookup
// per word that is not itself a vocabulary word. Glued words are found by two walks over character
// tries (vocabulary words forward from the word's start, reversed from its end), each stopping at
// the first character no vocabulary word continues with: at most 2 × MAX_GLUED_LETTERS map lookups
// per word, a handful in practice.
//
// Precision: only letters-only vocabulary words, never the first letter (misspellings keep it,
// and changing it makes most real-word collisions), swaps in words of MIN_SWAP_LETTERS+, deletions
// in words of MIN_DELETION_LETTERS+ (shorter deletions are mostly other real words: "hate" →
// "hat"). A form that is itself a vocabulary word, that starts with a vocabulary stem (it already
// matches), or that two different vocabulary words produce (ambiguous) is dropped.

import type { TermWord } from './automaton.ts';

export const MIN_SWAP_LETTERS = 4;
export const MIN_DELETION_LETTERS = 6;
/** Prefix terms (`word*`): the stem's misspelled forms are read when the stem has this many letters. */
export const MIN_STEM_LETTERS = 6;
/** A glued word has at least this many letters... */
export const MIN_GLUED_LETTERS = 7;
/** ...and is longer than nothing a reader would write (bounds the work per word). */
export const MAX_GLUED_LETTERS = 40;
/** Both pieces of a glued word are vocabulary words: one of 4+ letters, the other of 3+ (two-letter
 * pieces are mostly prefixes and function words that make real words: "dé|livré", "de|finition"). */
export const MIN_GLUE_PIECE = 4;
export const MIN_OTHER_PIECE = 3;
/**
 * Except that a vocabulary piece of 7+ letters may stand with any other piece of 4+ letters
 * ("massive|scumbags", "absolute|filth" need no "massive" in the lexicon): long words rarely hide
 * inside ordinary compounds, and 4+ letters leave out suffixes ("corrupt|ion", "carding|s") and
 * short prefixes ("dis|carding"). 6 letters raised a benign page's hate flag over 0.5.
 */
export const MIN_LONE_PIECE = 7;
export const MIN_LONE_OTHER = 4;

const LETTERS_ONLY = /^\p{L}+$/u;
const VARIANT_ENDINGS = new Set(['er', 're', 'el', 'le']);

/** How a word was read: as written (or a normaliser variant), as a misspelling, or as glued words. */
export const READING_EXACT = 0;
export const READING_TYPO = 1;
export const READING_GLUED = 2;
export type ReadingKind = typeof READING_EXACT | typeof READING_TYPO | typeof READING_GLUED;

class CharNode {
  kids: Map<number, CharNode> | null = null;
  /** A vocabulary word (or, in the stem trie, the corrected stem) ends here. */
  word: string | null = null;
}

class CharTrie {
  readonly root = new CharNode();
  add(key: string, value: string): void {
    let node = this.root;
    for (let i = 0; i < key.length; i++) {
      const code = key.charCodeAt(i);
      node.kids ??= new Map();
      let kid = node.kids.get(code);
      if (!kid) node.kids.set(code, (kid = new CharNode()));
      node = kid;
    }
    node.word = value;
  }
}

/** Misspelled forms of `word`: adjacent swaps and single deletions, never touching the first letter. */
export function misspellings(word: string, minSwap = MIN_SWAP_LETTERS, minDeletion = MIN_DELETION_LETTERS): Set<string> {
  const out = new Set<string>();
  // Code points, so an astral letter is one letter; plain slices for the usual BMP word (compile time).
  const letters = /[\uD800-\uDFFF]/.test(word) ? [...word] : word;
  const n = letters.length;
  const cut = (from: number, to: number): string => (typeof letters === 'string' ? letters.slice(from, to) : letters.slice(from, to).join(''));
  if (n >= minSwap) {
    for (let i = 1; i + 1 < n; i++) {
      const a = letters[i]!;
      const b = letters[i + 1]!;
      if (a === b) continue;
      // A final -er/-re (-el/-le) is the spelling of another language or variety, not a typo:
      // "deliver" is French "délivre", "center" is "centre", "angel" is "angle".
      if (i + 2 === n && VARIANT_ENDINGS.has(a + b)) continue;
      out.add(cut(0, i) + b + a + cut(i + 2, n));
    }
  }
  if (n >= minDeletion) {
    // Not the last letter either: dropping it mostly gives a real word ("failures" → "failure",
    // "revolver" → "revolve"), and a stem term covers the cut word anyway.
    for (let i = 1; i + 1 < n; i++) out.add(cut(0, i) + cut(i + 1, n));
  }
  out.delete(word);
  return out;
}

export interface GluedSplit {
  /** Character index where the second piece starts. */
  at: number;
  head: string;
  tail: string;
}

export interface WordReadings {
  /** The vocabulary word this word misspells. */
  fixed?: string;
  /** Or the two words it glues. */
  splits?: GluedSplit[];
}

/** Distinct words whose readings are memoised (a few MB at most). */
const MAX_MEMO = 50_000;

export class TypoIndex {
  /** Whole vocabulary words: a text word that is one of them is read as written, nothing more. */
  private readonly vocabulary = new Set<string>();
  /** Misspelled whole word → the vocabulary word. */
  private readonly forms = new Map<string, string>();
  /** Misspelled stem → the stem (a word starting with the former is read with the latter). */
  private readonly stemForms = new CharTrie();
  private hasStemForms = false;
  /** Stems of prefix terms. */
  private readonly stems = new CharTrie();
  private readonly heads = new CharTrie();
  private readonly tails = new CharTrie();
  private hasGlue = false;
  readonly formCount: number;
  private readonly memo = new Map<string, WordReadings | null>();
  private readonly exceptions: Set<string>;

  /**
   * `words`: every word of every term. `ordinary`: folded text words that are never read as a
   * misspelling or a glued word (real words that happen to be one edit away from a term: "doing").
   */
  constructor(words: Iterable<TermWord>, ordinary: Iterable<string> = []) {
    const exceptions = new Set(ordinary);
    this.exceptions = exceptions;
    const whole = new Set<string>();
    const stems = new Set<string>();
    for (const { word, prefix } of words) {
      if (!LETTERS_ONLY.test(word)) continue;
      (prefix ? stems : whole).add(word);
    }
    for (const w of whole) this.vocabulary.add(w);
    for (const s of stems) this.stems.add(s, s);
    const known = (form: string): boolean => whole.has(form) || exceptions.has(form) || this.startsWithStem(form);

    // form → word, or null once two different words produced it.
    const wholeForms = new Map<string, string | null>();
    for (const w of whole) {
      for (const form of misspellings(w)) {
        if (known(form)) continue;
        const other = wholeForms.get(form);
        wholeForms.set(form, other === undefined || other === w ? w : null);
      }
    }
    const stemFormMap = new Map<string, string | null>();
    for (const s of stems) {
      if ([...s].length < MIN_STEM_LETTERS) continue;
      for (const form of misspellings(s, MIN_STEM_LETTERS, MIN_STEM_LETTERS)) {
        if (known(form)) continue;
        const other = stemFormMap.get(form);
        stemFormMap.set(form, other === undefined || other === s ? s : null);
      }
    }
    for (const [form, w] of wholeForms) {
      // A form both a whole-word misspelling and a stem misspelling of different words: ambiguous.
      const viaStem = stemFormMap.get(form);
      if (w !== null && (viaStem === undefined || viaStem === w)) this.forms.set(form, w);
    }
    for (const [form, s] of stemFormMap) {
      if (s === null || (wholeForms.has(form) && wholeForms.get(form) !== s)) continue;
      this.stemForms.add(form, s);
      this.hasStemForms = true;
    }
    this.formCount = this.forms.size;

    for (const w of whole) {
      if ([...w].length < MIN_GLUE_PIECE) continue;
      this.heads.add(w, w);
      this.tails.add([...w].reverse().join(''), w);
      this.hasGlue = true;
    }
  }

  /**
   * What a text word (its folded form) may also be read as: a vocabulary word it misspells, or
   * else the two words it glues; null when nothing (vocabulary words, listed ordinary words, most
   * words). Memoised per word: ordinary text repeats its words, so the walks run once per distinct
   * word, and the memo is dropped past MAX_MEMO words to bound memory.
   */
  readingsOf(word: string): WordReadings | null {
    const memo = this.memo.get(word);
    if (memo !== undefined) return memo;
    let result: WordReadings | null = null;
    if (!this.isVocabulary(word)) {
      const fixed = this.misspelled(word);
      if (fixed !== undefined) result = { fixed };
      else {
        const splits = this.glued(word);
        if (splits !== undefined) result = { splits };
      }
    }
    if (this.memo.size >= MAX_MEMO) this.memo.clear();
    this.memo.set(word, result);
    return result;
  }

  /** True when `word` is read as written only: a vocabulary word or a listed ordinary word. */
  isVocabulary(word: string): boolean {
    return this.vocabulary.has(word) || this.exceptions.has(word);
  }

  /** The vocabulary reading of a misspelled word, or undefined (one Map lookup, plus one trie walk when stems have forms). */
  misspelled(word: string): string | undefined {
    const direct = this.forms.get(word);
    if (direct !== undefined || !this.hasStemForms) return direct;
    // A misspelled stem followed by anything: "jihadsits" is "jihadis" + "ts" for `jihadis*`.
    let found: string | undefined;
    walk(this.stemForms.root, word, 0, (node, end) => {
      found = node.word! + word.slice(end); // the longest misspelled stem wins
      return false;
    });
    return found;
  }

  /**
   * Two-piece readings of a glued word, at most two: pieces of MIN_OTHER_PIECE+ letters that are
   * both vocabulary words (the second may also start with a stem), one of them of MIN_GLUE_PIECE+
   * letters; or a vocabulary piece of MIN_LONE_PIECE+ letters and any other of MIN_LONE_OTHER+. One forward and one backward trie walk find the candidates; each costs one Set lookup.
   * Why both pieces: one vocabulary piece and any rest reads ordinary words as terms
   * ("corrupt|ion", "meth|ods", "de|fault", "super|hero").
   */
  glued(word: string): GluedSplit[] | undefined {
    const n = word.length;
    if (!this.hasGlue || n < MIN_GLUED_LETTERS || n > MAX_GLUED_LETTERS) return undefined;
    let out: GluedSplit[] | undefined;
    const add = (at: number): void => {
      if (out?.some((s) => s.at === at)) return;
      (out ??= []).push({ at, head: word.slice(0, at), tail: word.slice(at) });
    };
    walk(this.heads.root, word, 0, (_node, end) => {
      if (n - end >= MIN_OTHER_PIECE && (out?.length ?? 0) < 2) {
        const tail = word.slice(end);
        if (this.vocabulary.has(tail) || this.startsWithStem(tail) || (end >= MIN_LONE_PIECE && n - end >= MIN_LONE_OTHER)) add(end);
      }
      return false;
    });
    let node: CharNode | undefined = this.tails.root;
    for (let i = n - 1; i >= MIN_OTHER_PIECE && node !== undefined && (out?.length ?? 0) < 2; i--) {
      node = node.kids?.get(word.charCodeAt(i));
      if (node?.word != null && ((n - i >= MIN_LONE_PIECE && i >= MIN_LONE_OTHER) || this.vocabulary.has(word.slice(0, i)))) add(i);
    }
    return out;
  }

  private startsWithStem(word: string): boolean {
    return walk(this.stems.root, word, 0, () => true) !== undefined;
  }
}

/** Walks `trie` along `word` from `from`; calls `onWord` at each node holding a word, stops when it returns true. */
function walk(root: CharNode, word: string, from: number, onWord: (node: CharNode, end: number) => boolean): true | undefined {
  let node: CharNode | undefined = root;
  for (let i = from; i < word.length; i++) {
    node = node.kids?.get(word.charCodeAt(i));
    if (node === undefined) return undefined;
    if (node.word !== null && onWord(node, i + 1)) return true;
  }
  return undefined;
}

// Every term of every rule, compiled into one trie over normalised words, and the single pass
// that runs it over a text's word stream.
//
// Why a word trie rather than Aho-Corasick over characters: terms are whole words and phrases
// ("livraison discrète"), so matching word by word gives word boundaries for free, and the
// normaliser already offers each word under several readings (leetspeak, stretched letters,
// rejoined "c.o.c.a.i.n.e"); a word lattice takes those alternatives naturally, a character
// automaton would need them spelled out. An edge is either a whole word (hash lookup) or a word
// prefix (`cocain*`, a small character trie hanging off the node). The pass keeps the set of
// partial matches waiting for each word position: each word is looked up once from the root and
// once from each waiting partial match, so the cost is linear in the text times the number of
// readings of a word and the number of words of the longest term (both small constants).

import type { NormalizedText } from '../normalize/index.ts';
import { READING_EXACT, READING_GLUED, READING_TYPO, TypoIndex } from './typos.ts';
import type { GluedSplit, ReadingKind } from './typos.ts';

export interface TermWord {
  word: string;
  /** Matches any word that starts with `word`. */
  prefix: boolean;
}

class PrefixNode {
  kids: Map<number, PrefixNode> | null = null;
  /** Trie node reached when a word starts with the characters leading here. */
  target: TrieNode | null = null;
}

class TrieNode {
  next: Map<string, TrieNode> | null = null;
  prefix: PrefixNode | null = null;
  /** Entry ids of the terms that end here. */
  out: number[] | null = null;
  hasChildren = false;
}

interface Waiting {
  node: TrieNode;
  /** Index of the term's first word in the token stream. */
  first: number;
  /** ReadingKind of the path so far: exact unless a misspelled or glued reading took part. */
  reading: ReadingKind;
}

/**
 * Hits as a flat list: entry, first word index, last word index (inclusive), reading (ReadingKind:
 * whether a misspelled or glued-word reading took part), repeated.
 */
export type HitList = number[];
export const HIT_STRIDE = 4;

export class Automaton {
  private readonly root = new TrieNode();
  private nodeCount = 1;
  /** Every distinct word of every term, for the typo readings. */
  private readonly words = new Map<string, TermWord>();
  private typos: TypoIndex | null = null;

  get size(): number {
    return this.nodeCount;
  }

  insert(words: readonly TermWord[], entry: number): void {
    let node = this.root;
    for (const { word, prefix } of words) {
      this.words.set(`${prefix ? '*' : ' '}${word}`, { word, prefix });
      node.hasChildren = true;
      node = prefix ? this.prefixChild(node, word) : this.wordChild(node, word);
    }
    node.out ??= [];
    if (!node.out.includes(entry)) node.out.push(entry);
  }

  /**
   * Reads misspelled and glued words as the vocabulary words they hide (typos.ts), from the terms
   * inserted so far; call once every term is in. `ordinary`: folded words never read so.
   * Returns the number of misspelled forms.
   */
  enableTypos(ordinary: Iterable<string> = []): number {
    this.typos = new TypoIndex(this.words.values(), ordinary);
    return this.typos.formCount;
  }

  private wordChild(node: TrieNode, word: string): TrieNode {
    node.next ??= new Map();
    let child = node.next.get(word);
    if (!child) {
      child = new TrieNode();
      this.nodeCount++;
      node.next.set(word, child);
    }
    return child;
  }

  private prefixChild(node: TrieNode, stem: string): TrieNode {
    node.prefix ??= new PrefixNode();
    let p = node.prefix;
    for (let i = 0; i < stem.length; i++) {
      const code = stem.charCodeAt(i);
      p.kids ??= new Map();
      let kid = p.kids.get(code);
      if (!kid) {
        kid = new PrefixNode();
        p.kids.set(code, kid);
      }
      p = kid;
    }
    if (!p.target) {
      p.target = new TrieNode();
      this.nodeCount++;
    }
    return p.target;
  }

  /**
   * One pass over the word stream; returns every term occurrence. Stops adding hits past `maxHits`.
   * With typos enabled, a word that is no vocabulary word (in none of its readings) is also read as
   * the vocabulary word it misspells, and a long one as the two words it glues together.
   */
  scan(text: NormalizedText, maxHits = 200_000): HitList {
    const { tokens, joined } = text;
    const hits: HitList = [];
    const waiting: (Waiting[] | undefined)[] = new Array(tokens.length + 1);
    const root = this.root;
    const typos = this.typos;
    // Where reached nodes go: the next word's waiting list, or (inside a glued word, after its
    // first piece) this list, from which the second piece continues.
    let inner: Waiting[] | null = null;

    const reach = (node: TrieNode, first: number, last: number, reading: ReadingKind): void => {
      if (node.out !== null && hits.length < maxHits * HIT_STRIDE) {
        for (const entry of node.out) hits.push(entry, first, last, reading);
      }
      if (node.hasChildren) {
        let list: Waiting[] | undefined;
        if (inner !== null) {
          list = inner;
        } else {
          list = waiting[last + 1];
          if (list === undefined) {
            waiting[last + 1] = [{ node, first, reading }];
            return;
          }
        }
        const same = list.find((w) => w.node === node && w.first === first);
        if (same === undefined) list.push({ node, first, reading });
        else if (reading < same.reading) same.reading = reading; // the exact path wins
      }
    };

    const step = (node: TrieNode, first: number, word: string, last: number, reading: ReadingKind): void => {
      if (node.next !== null) {
        const child = node.next.get(word);
        if (child !== undefined) reach(child, first, last, reading);
      }
      let p = node.prefix;
      if (p === null) return;
      for (let k = 0; k < word.length; k++) {
        const kid: PrefixNode | undefined = p.kids?.get(word.charCodeAt(k));
        if (kid === undefined) return;
        p = kid;
        if (p.target !== null) reach(p.target, first, last, reading);
      }
    };

    const stepAll = (pending: Waiting[] | undefined, at: number, word: string, last: number, reading: ReadingKind): void => {
      step(root, at, word, last, reading);
      if (pending !== undefined) for (const w of pending) step(w.node, w.first, word, last, w.reading > reading ? w.reading : reading);
    };

    const edge = (pending: Waiting[] | undefined, at: number, norm: string, variants: readonly string[] | undefined, last: number): void => {
      stepAll(pending, at, norm, last, READING_EXACT);
      if (variants !== undefined) for (const v of variants) stepAll(pending, at, v, last, READING_EXACT);
      if (typos === null) return;
      let fixed: string | undefined;
      let splits: GluedSplit[] | undefined;
      if (variants === undefined) {
        const readings = typos.readingsOf(norm);
        if (readings === null) return;
        fixed = readings.fixed;
        splits = readings.splits;
      } else {
        // Leetspeak, stretched letters...: rare, not memoised. Any variant that is a vocabulary word wins.
        if (typos.isVocabulary(norm) || variants.some((v) => typos.isVocabulary(v))) return;
        fixed = typos.misspelled(norm) ?? firstDefined(variants, (v) => typos.misspelled(v));
        if (fixed === undefined) splits = typos.glued(norm);
      }
      if (fixed !== undefined) {
        stepAll(pending, at, fixed, last, READING_TYPO);
        return;
      }
      if (splits === undefined || at !== last) return; // rejoined spans ("c.o.c.a.i.n.e") are not split again
      for (const { head, tail } of splits) {
        // Both pieces count, in order: "womendisgust" gives "women" ending terms and phrases here,
        // and "disgust" starting or continuing them, exactly as the two words would.
        const afterHead: Waiting[] = [];
        inner = afterHead;
        stepAll(pending, at, head, last, READING_GLUED);
        inner = null;
        step(root, at, tail, last, READING_GLUED);
        for (const w of afterHead) step(w.node, w.first, tail, last, READING_GLUED);
      }
    };

    let j = 0;
    for (let i = 0; i < tokens.length; i++) {
      const pending = waiting[i];
      waiting[i] = undefined;
      const token = tokens[i]!;
      edge(pending, i, token.norm, token.variants, i);
      while (j < joined.length && joined[j]!.first === i) {
        const span = joined[j]!;
        edge(pending, i, span.norm, span.variants, span.last);
        j++;
      }
    }
    return hits;
  }
}

function firstDefined<T, R>(items: readonly T[], f: (item: T) => R | undefined): R | undefined {
  for (const item of items) {
    const r = f(item);
    if (r !== undefined) return r;
  }
  return undefined;
}

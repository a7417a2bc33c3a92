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
}

/** Hits as a flat list: entry, first word index, last word index (inclusive), repeated. */
export type HitList = number[];

export class Automaton {
  private readonly root = new TrieNode();
  private nodeCount = 1;

  get size(): number {
    return this.nodeCount;
  }

  insert(words: readonly TermWord[], entry: number): void {
    let node = this.root;
    for (const { word, prefix } of words) {
      node.hasChildren = true;
      node = prefix ? this.prefixChild(node, word) : this.wordChild(node, word);
    }
    node.out ??= [];
    if (!node.out.includes(entry)) node.out.push(entry);
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

  /** One pass over the word stream; returns every term occurrence. Stops adding hits past `maxHits`. */
  scan(text: NormalizedText, maxHits = 200_000): HitList {
    const { tokens, joined } = text;
    const hits: HitList = [];
    const waiting: (Waiting[] | undefined)[] = new Array(tokens.length + 1);
    const root = this.root;

    const reach = (node: TrieNode, first: number, last: number): void => {
      if (node.out !== null && hits.length < maxHits * 3) {
        for (const entry of node.out) hits.push(entry, first, last);
      }
      if (node.hasChildren) {
        const at = last + 1;
        const list = waiting[at];
        if (list === undefined) {
          waiting[at] = [{ node, first }];
        } else if (!list.some((w) => w.node === node && w.first === first)) {
          list.push({ node, first });
        }
      }
    };

    const step = (node: TrieNode, first: number, word: string, last: number): void => {
      if (node.next !== null) {
        const child = node.next.get(word);
        if (child !== undefined) reach(child, first, last);
      }
      let p = node.prefix;
      if (p === null) return;
      for (let k = 0; k < word.length; k++) {
        const kid: PrefixNode | undefined = p.kids?.get(word.charCodeAt(k));
        if (kid === undefined) return;
        p = kid;
        if (p.target !== null) reach(p.target, first, last);
      }
    };

    const edge = (pending: Waiting[] | undefined, at: number, norm: string, variants: readonly string[] | undefined, last: number): void => {
      step(root, at, norm, last);
      if (pending !== undefined) for (const w of pending) step(w.node, w.first, norm, last);
      if (variants === undefined) return;
      for (const v of variants) {
        step(root, at, v, last);
        if (pending !== undefined) for (const w of pending) step(w.node, w.first, v, last);
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

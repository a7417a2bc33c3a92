// Vigie's main-text extraction beside Mozilla Readability.js on a corpus of pages with expected
// main content (../shared/corpora/readability-pages: one directory per page holding source.html
// and expected.html). Both sides are scored by the same 4-gram word-shingle F1 against the text
// of expected.html and timed on the same pages in the same process.
//
// Fairness, as far as one process can give it:
// - Each side is timed from the HTML string to the text, parsing included: Vigie = parseHtml
//   (htmlparser2, nesting capped, exactly what parsePage does) + extractMainText; Readability =
//   new JSDOM(html) + new Readability(document).parse() + textContent. jsdom runs no scripts and
//   loads no resources (its defaults), and its virtual console is silent, so neither side pays
//   for I/O or logging.
// - Per page: one untimed warm-up run of each side (JIT, string flattening), then `repetitions`
//   timed runs, alternating the sides so that machine noise (2 shared cores) falls on both
//   alike; the page's figure is the median of its runs. Over pages: mean and median.
// - Readability is scored on `textContent` (its documented plain-text output). Because
//   textContent has no block separators, `readabilityRenderedF1` also scores its `content` HTML
//   rendered by Vigie's own text renderer, so that a text-joining artefact cannot be mistaken for
//   an extraction difference. The reference text is expected.html through that same renderer.
// - The corpus is Readability's own test suite: expected.html is Readability's output (of some
//   version, with its test options), so Readability has a home advantage on F1.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Element, ParentNode } from 'domhandler';
import { Readability } from '@mozilla/readability';
import { parseDocument } from 'htmlparser2';
import { JSDOM, VirtualConsole } from 'jsdom';
import { extractMainText } from '../crawler/main-text.ts';
import { parseHtml } from '../crawler/parse-page.ts';
import { renderText } from '../crawler/parse-text-render.ts';

export interface Score {
  f1: number;
  precision: number;
  recall: number;
}

export interface PageComparison {
  page: string;
  vigie: Score & { ms: number };
  readability: Score & { ms: number };
  /** Readability's `content` HTML rendered as text by Vigie's renderer, scored the same way. */
  readabilityRenderedF1: number;
  /** Why Readability failed on this page, if it threw. */
  readabilityError?: string;
}

export interface SideSummary {
  /** Mean F1 over pages. */
  f1: number;
  medianF1: number;
  precision: number;
  recall: number;
  /** Mean over pages of each page's median time, in milliseconds. */
  msPerPage: number;
  medianMsPerPage: number;
}

export interface MainTextComparison {
  pages: number;
  repetitions: number;
  vigie: SideSummary;
  readability: SideSummary & { renderedF1: number };
  perPage: PageComparison[];
}

export interface CompareOptions {
  /** Timed runs per page and side, after one warm-up (default 3). */
  repetitions?: number;
  /** Only Vigie (no jsdom, no Readability): quality checks that need no timing comparison. */
  vigieOnly?: boolean;
}

const SHINGLE_WORDS = 4;

/** Word n-grams of lower-cased letter/digit runs; texts shorter than n give their words. */
export function shingles(text: string, n = SHINGLE_WORDS): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const out = new Set<string>();
  if (words.length < n) {
    for (const w of words) out.add(w);
    return out;
  }
  for (let i = 0; i + n <= words.length; i++) out.add(words.slice(i, i + n).join(' '));
  return out;
}

/** 4-gram word-shingle precision, recall and F1 of `ours` against `expected`. */
export function shingleF1(ours: string, expected: string): Score {
  const a = shingles(ours);
  const b = shingles(expected);
  if (a.size === 0 && b.size === 0) return { f1: 1, precision: 1, recall: 1 };
  let common = 0;
  for (const s of a) if (b.has(s)) common++;
  const precision = a.size ? common / a.size : 0;
  const recall = b.size ? common / b.size : 0;
  return { f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, precision, recall };
}

/** Vigie's main text, the crawler's way (parsePage's parse, then extractMainText). */
export function vigieMainText(html: string): string {
  return extractMainText(parseHtml(html));
}

/**
 * Readability.js on a jsdom document: the article's textContent and content HTML. A page it
 * cannot handle (it throws, or finds no article) yields empty text, scored as such, never a crash.
 */
export function readabilityMainText(html: string, url: string): { text: string; contentHtml: string; error?: string } {
  let dom: JSDOM | undefined;
  try {
    dom = new JSDOM(html, { url, virtualConsole: new VirtualConsole() });
    const article = new Readability(dom.window.document).parse();
    return { text: article?.textContent ?? '', contentHtml: article?.content ?? '' };
  } catch (err) {
    return { text: '', contentHtml: '', error: err instanceof Error ? err.message : String(err) };
  } finally {
    dom?.window.close();
  }
}

/** Page directories of the corpus that hold both source.html and expected.html, sorted. */
export function corpusPages(corpusDir: string): string[] {
  if (!existsSync(corpusDir)) throw new Error(`main-text corpus not found: ${corpusDir}`);
  return readdirSync(corpusDir)
    .sort()
    .filter((page) => existsSync(join(corpusDir, page, 'source.html')) && existsSync(join(corpusDir, page, 'expected.html')));
}

/** The reference text of a page: expected.html rendered by Vigie's renderer, nothing skipped. */
export function expectedText(corpusDir: string, page: string): string {
  return renderText(parseDocument(readFileSync(join(corpusDir, page, 'expected.html'), 'utf8')), () => false);
}

export async function mainTextComparison(corpusDir: string, options: CompareOptions = {}): Promise<MainTextComparison> {
  const repetitions = Math.max(1, Math.floor(options.repetitions ?? 3));
  const perPage: PageComparison[] = [];
  for (const page of corpusPages(corpusDir)) {
    const source = readFileSync(join(corpusDir, page, 'source.html'), 'utf8');
    const reference = expectedText(corpusDir, page);
    // The address Readability's own test suite gives these pages (relative links resolve on it).
    const url = 'http://fakehost/test/page.html';

    const vigieText = vigieMainText(source); // warm-up, and the text we score
    const vigieMs: number[] = [];
    const readabilityMs: number[] = [];
    let readability: ReturnType<typeof readabilityMainText> = { text: '', contentHtml: '' };
    if (!options.vigieOnly) readability = readabilityMainText(source, url); // warm-up
    for (let r = 0; r < repetitions; r++) {
      // Alternate which side goes first so drift (GC, other processes) hits both alike.
      const order = r % 2 === 0 ? ['vigie', 'readability'] : ['readability', 'vigie'];
      for (const side of order) {
        if (side === 'vigie') vigieMs.push(time(() => vigieMainText(source)));
        else if (!options.vigieOnly) readabilityMs.push(time(() => readabilityMainText(source, url)));
      }
    }
    perPage.push({
      page,
      vigie: { ...shingleF1(vigieText, reference), ms: median(vigieMs) },
      readability: { ...shingleF1(readability.text, reference), ms: median(readabilityMs) },
      readabilityRenderedF1: shingleF1(renderText(parseDocument(readability.contentHtml), () => false), reference).f1,
      ...(readability.error ? { readabilityError: readability.error } : {}),
    });
    // Let timers and I/O of a host process run between pages (the CLI is alone; a test is not).
    await new Promise((resolve) => setImmediate(resolve));
  }
  return {
    pages: perPage.length,
    repetitions,
    vigie: summarize(perPage.map((p) => p.vigie)),
    readability: { ...summarize(perPage.map((p) => p.readability)), renderedF1: mean(perPage.map((p) => p.readabilityRenderedF1)) },
    perPage,
  };
}

function time(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function summarize(rows: (Score & { ms: number })[]): SideSummary {
  return {
    f1: mean(rows.map((r) => r.f1)),
    medianF1: median(rows.map((r) => r.f1)),
    precision: mean(rows.map((r) => r.precision)),
    recall: mean(rows.map((r) => r.recall)),
    msPerPage: mean(rows.map((r) => r.ms)),
    medianMsPerPage: median(rows.map((r) => r.ms)),
  };
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface PostRetention {
  pages: number;
  /** Post bodies on those pages. */
  posts: number;
  /** Post bodies whose whole text is in the side's main text. */
  vigieKept: number;
  readabilityKept: number;
}

/**
 * How many forum posts each side keeps: on every HTML page under `siteDir` (a site written by
 * ../shared/fixtures/make-site.mjs, whose post bodies carry class="body"), a post counts as kept
 * when its whole text (whitespace squashed) appears in the side's main text.
 */
export function postRetention(siteDir: string): PostRetention {
  const result: PostRetention = { pages: 0, posts: 0, vigieKept: 0, readabilityKept: 0 };
  for (const file of htmlFiles(siteDir)) {
    const html = readFileSync(file, 'utf8');
    const bodies = elementsWithClass(parseDocument(html), 'body').map((el) => squash(renderText(el, () => false)));
    if (bodies.length === 0) continue;
    result.pages++;
    result.posts += bodies.length;
    const vigie = squash(vigieMainText(html));
    const readability = squash(readabilityMainText(html, `http://fakehost/${relative(siteDir, file)}`).text);
    for (const body of bodies) {
      if (vigie.includes(body)) result.vigieKept++;
      if (readability.includes(body)) result.readabilityKept++;
    }
  }
  return result;
}

function htmlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...htmlFiles(path));
    else if (entry.name.endsWith('.html')) out.push(path);
  }
  return out.sort();
}

/** Elements under `root` whose class list contains `cls` (iterative walk). */
export function elementsWithClass(root: ParentNode, cls: string): Element[] {
  const out: Element[] = [];
  const stack = [...root.children];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type !== 'tag') continue;
    if ((node.attribs.class ?? '').split(/\s+/).includes(cls)) out.push(node);
    stack.push(...node.children);
  }
  return out;
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

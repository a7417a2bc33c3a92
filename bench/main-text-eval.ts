// Main-text quality against the Readability test corpus: for each page, 4-gram word-shingle F1 of
// our main text against the text of expected.html (the reference main content). Prints the mean
// F1, ms/page and the weakest pages.
//   node --import tsx bench/main-text-eval.ts [corpus-dir] [--verbose]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'htmlparser2';
import { extractMainText } from '../crawler/main-text.ts';
import { parsePage } from '../crawler/parse-page.ts';
import { renderText } from '../crawler/parse-text-render.ts';

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const corpus = args.find((a) => !a.startsWith('--')) ?? join(import.meta.dirname, '../../shared/corpora/readability-pages');
if (!existsSync(corpus)) {
  console.error(`corpus not found: ${corpus} (it lives in ../shared beside the project)`);
  process.exit(1);
}

function shingles(text: string, n = 4): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const out = new Set<string>();
  if (words.length < n) {
    for (const w of words) out.add(w);
    return out;
  }
  for (let i = 0; i + n <= words.length; i++) out.add(words.slice(i, i + n).join(' '));
  return out;
}

function f1(ours: string, expected: string): { f1: number; precision: number; recall: number } {
  const a = shingles(ours);
  const b = shingles(expected);
  if (a.size === 0 && b.size === 0) return { f1: 1, precision: 1, recall: 1 };
  let common = 0;
  for (const s of a) if (b.has(s)) common++;
  const precision = a.size ? common / a.size : 0;
  const recall = b.size ? common / b.size : 0;
  return { f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, precision, recall };
}

const rows: { page: string; f1: number; precision: number; recall: number; ms: number }[] = [];
let totalMs = 0;
let totalParseMs = 0;
for (const page of readdirSync(corpus).sort()) {
  const sourcePath = join(corpus, page, 'source.html');
  const expectedPath = join(corpus, page, 'expected.html');
  if (!existsSync(sourcePath) || !existsSync(expectedPath)) continue;
  const source = readFileSync(sourcePath, 'utf8');
  const expectedText = renderText(parseDocument(readFileSync(expectedPath, 'utf8')), () => false);

  // Warm once, then time: the first call of a page pays for JIT and string flattening.
  extractMainText(parseDocument(source));
  const start = performance.now();
  const text = extractMainText(parseDocument(source));
  const ms = performance.now() - start;
  const parseStart = performance.now();
  parsePage(source, `http://fakehost/${page}/`);
  totalParseMs += performance.now() - parseStart;
  totalMs += ms;
  rows.push({ page, ...f1(text, expectedText), ms });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const sorted = [...rows].sort((a, b) => a.f1 - b.f1);
console.log(`pages: ${rows.length}`);
console.log(`mean F1: ${mean(rows.map((r) => r.f1)).toFixed(3)}  (precision ${mean(rows.map((r) => r.precision)).toFixed(3)}, recall ${mean(rows.map((r) => r.recall)).toFixed(3)})`);
console.log(`median F1: ${sorted[Math.floor(sorted.length / 2)]?.f1.toFixed(3)}`);
console.log(`parse + main text: ${(totalMs / rows.length).toFixed(2)} ms/page; full parsePage: ${(totalParseMs / rows.length).toFixed(2)} ms/page`);
console.log('weakest pages:');
for (const r of sorted.slice(0, verbose ? rows.length : 15)) {
  console.log(`  ${r.page.padEnd(40)} F1 ${r.f1.toFixed(3)}  P ${r.precision.toFixed(3)}  R ${r.recall.toFixed(3)}  ${r.ms.toFixed(1)} ms`);
}

// Parse throughput: ms/page for parsePage and for each of its phases, on the generated forum
// (node ../shared/fixtures/make-site.mjs /tmp/site 200) and on the Readability corpus pages.
//   node --import tsx bench/parse-bench.ts [site-dir] [corpus-dir]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectLanguage } from '../crawler/language.ts';
import { extractMainText } from '../crawler/main-text.ts';
import { documentBaseUrl, extractLinks } from '../crawler/parse-links.ts';
import { collectElements } from '../crawler/parse-collect.ts';
import { extractMetadata, extractTitle } from '../crawler/parse-metadata.ts';
import { parseHtml, parsePage } from '../crawler/parse-page.ts';

const siteDir = process.argv[2] ?? '/tmp/site';
const corpusDir = process.argv[3] ?? join(import.meta.dirname, '../../shared/corpora/readability-pages');

function listHtml(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && (entry.name.endsWith('.html') && !entry.name.startsWith('expected'))) out.push(path);
  }
  return out.sort();
}

/** A forum thread grown to about `targetKb` by repeating its posts (the brief's 40 KB page). */
function grownThread(html: string, targetKb: number): string {
  const posts = html.match(/<article class="post">[\s\S]*?<\/article>/g) ?? [];
  const at = html.indexOf('<section class="related">');
  if (posts.length === 0 || at === -1) return html;
  let extra = '';
  for (let i = 0; html.length + extra.length < targetKb * 1024; i++) extra += posts[i % posts.length];
  return html.slice(0, at) + extra + html.slice(at);
}

function bench(label: string, files: string[], transform: (html: string) => string = (h) => h): void {
  if (files.length === 0) {
    console.log(`${label}: no pages (generate them or pass the directory)`);
    return;
  }
  const pages = files.map((f) => transform(readFileSync(f, 'utf8')));
  const kb = pages.reduce((n, p) => n + p.length, 0) / pages.length / 1024;
  const rounds = Math.max(1, Math.ceil(2000 / pages.length));
  for (const html of pages) parsePage(html, 'http://example.test/x/'); // warm-up

  const phases = { parse: 0, links: 0, metadata: 0, mainText: 0, language: 0 };
  let total = 0;
  for (let r = 0; r < rounds; r++) {
    for (const html of pages) {
      let t = performance.now();
      parsePage(html, 'http://example.test/x/');
      total += performance.now() - t;

      t = performance.now();
      const doc = parseHtml(html);
      let t2 = performance.now();
      phases.parse += t2 - t;
      t = t2;
      const found = collectElements(doc);
      extractLinks(found.linkSources, documentBaseUrl(found.base, 'http://example.test/x/'));
      t2 = performance.now();
      phases.links += t2 - t;
      t = t2;
      const metadata = extractMetadata(found, 'http://example.test/x/');
      extractTitle(found, metadata.ogTitle);
      t2 = performance.now();
      phases.metadata += t2 - t;
      t = t2;
      const text = extractMainText(doc);
      t2 = performance.now();
      phases.mainText += t2 - t;
      t = t2;
      detectLanguage(text, null);
      phases.language += performance.now() - t;
    }
  }
  const n = rounds * pages.length;
  const fmt = (ms: number) => (ms / n).toFixed(3);
  console.log(`${label}: ${pages.length} pages, ${kb.toFixed(1)} KB average, ${rounds} rounds`);
  console.log(`  parsePage: ${fmt(total)} ms/page (${((1000 * n) / total).toFixed(0)} pages/s on one core)`);
  console.log(
    `  phases: parse ${fmt(phases.parse)}, collect + links ${fmt(phases.links)}, metadata ${fmt(phases.metadata)}, ` +
      `main text ${fmt(phases.mainText)}, language ${fmt(phases.language)} ms/page`,
  );
}

bench('make-site forum', listHtml(siteDir));
bench('make-site forum, threads grown to 40 KB', listHtml(siteDir), (html) => grownThread(html, 40));
bench('readability corpus', listHtml(corpusDir).filter((f) => f.endsWith('source.html')));

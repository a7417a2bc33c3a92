// Index write throughput: 5,000 realistic pages (about 5 KB of text, a few entities and flags)
// written by 32 concurrent callers, as crawl workers would. Reports pages/s.
//
//   node --import tsx bench/index-bench.ts [--pages 5000] [--concurrency 32] [--elasticsearch-url URL]
//
// Without --elasticsearch-url it measures the embedded index in a temporary directory.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CATEGORIES } from '../extractors/types.ts';
import type { Category, Entity, EntityType } from '../extractors/types.ts';
import { alertId, contentHashOf, createIndex, EmbeddedIndex, pageId } from '../indexer/index.ts';
import type { AlertObservation, PageDocument } from '../indexer/index.ts';

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '32' },
    'elasticsearch-url': { type: 'string' },
  },
});
const PAGES = Number(values.pages);
const CONCURRENCY = Number(values.concurrency);

const WORDS = (
  'vente achat livraison discrète paiement bitcoin monero carte bancaire compte forum message annonce prix ' +
  'qualité garantie contact telegram signal échange produit stock commande envoi colis france europe ' +
  'the quick delivery escrow vendor market review price shipping worldwide stealth trusted seller buyer ' +
  'données fuite identifiants mot de passe hameçonnage arnaque faux site banque réseau serveur accès'
).split(' ');

function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function makeText(random: () => number, targetChars: number): string {
  const parts: string[] = [];
  let length = 0;
  while (length < targetChars) {
    const sentence = Array.from({ length: 6 + Math.floor(random() * 12) }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
    const line = `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
    parts.push(line);
    length += line.length + 1;
  }
  return parts.join(' ');
}

function makeWrite(i: number): { page: PageDocument; observations: AlertObservation[] } {
  const random = prng(i + 1);
  // One page in ten repeats a shared text, so alerts merge across URLs as in a real crawl.
  const text = i % 10 === 0 ? makeText(prng(1_000_000 + (i % 50)), 5000) : makeText(random, 5000);
  const url = `https://forum-${i % 40}.example.org/thread/${i}`;
  const contentHash = contentHashOf(text);
  const entityTypes: EntityType[] = ['btc', 'email', 'telegram', 'phone', 'onion'];
  const entities: Entity[] = Array.from({ length: 3 + Math.floor(random() * 3) }, (_, k) => {
    const type = entityTypes[k % entityTypes.length]!;
    return { type, value: `${type}-value-${Math.floor(random() * 500)}`, start: k * 10, end: k * 10 + 8 };
  });
  const categories = [...new Set([CATEGORIES[i % CATEGORIES.length]!, CATEGORIES[Math.floor(random() * CATEGORIES.length)]!])] as Category[];
  const flags = categories.map((category) => ({
    category,
    score: Math.round(random() * 100) / 100,
    tags: [`vigie:category="${category}"`],
    rules: [{ ruleId: `${category}-r1`, weight: 1, terms: [{ term: 'vente', start: 0, end: 5 }] }],
  }));
  const fetchedAt = new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString();
  const page: PageDocument = {
    id: pageId(url, contentHash),
    url,
    finalUrl: url,
    targetId: `target-${i % 5}`,
    runId: 'bench',
    fetchedAt,
    httpStatus: 200,
    contentType: 'text/html',
    title: `Sujet ${i}`,
    text,
    language: 'fr',
    contentHash,
    entities,
    flags,
    depth: 2,
  };
  const observations = flags.map((flag) => ({
    id: alertId(contentHash, flag.category),
    category: flag.category,
    score: flag.score,
    tags: flag.tags,
    ruleIds: flag.rules.map((rule) => rule.ruleId),
    contentHash,
    pageId: page.id,
    url,
    targetId: page.targetId,
    seenAt: fetchedAt,
  }));
  return { page, observations };
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vigie-index-bench-'));
const index = createIndex({ dataDir, elasticsearchUrl: values['elasticsearch-url'], elasticsearchPrefix: `vigie-bench-${Date.now()}` });
await index.init();
const writes = Array.from({ length: PAGES }, (_, i) => makeWrite(i));
const textBytes = writes.reduce((sum, { page }) => sum + Buffer.byteLength(page.text), 0);

let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < writes.length) {
      const { page, observations } = writes[next++]!;
      await index.indexPage(page, observations);
    }
  }),
);
const seconds = (performance.now() - started) / 1000;

const searchStarted = performance.now();
const result = await index.search({ text: 'livraison bitcoin', category: 'drugs', limit: 20 });
const searchMs = performance.now() - searchStarted;

console.log(`backend: ${index instanceof EmbeddedIndex ? 'embedded (SQLite/FTS5)' : 'elasticsearch'}`);
console.log(`pages: ${PAGES} (avg text ${Math.round(textBytes / PAGES)} bytes), concurrency: ${CONCURRENCY}`);
console.log(`indexed in ${seconds.toFixed(2)} s: ${Math.round(PAGES / seconds)} pages/s`);
if (index instanceof EmbeddedIndex) {
  const { batches } = index.commitStats;
  const size = (await stat(index.filePath)).size + (await stat(`${index.filePath}-wal`).catch(() => ({ size: 0 }))).size;
  console.log(`group commit: ${batches} transactions (avg ${(PAGES / batches).toFixed(1)} pages each), file ${(size / 1e6).toFixed(1)} MB`);
}
console.log(`pages counted: ${await index.countPages()}, one search: ${searchMs.toFixed(1)} ms (${result.total} hits)`);
await index.close();
await rm(dataDir, { recursive: true, force: true });

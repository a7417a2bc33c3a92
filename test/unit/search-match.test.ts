// The in-memory matcher (saved searches) against the embedded index: on generated pages and
// generated queries of the query language, both must select exactly the same pages. A seeded
// generator keeps failures reproducible; the seed and the query are in the failure message.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Entity } from '../../extractors/types.ts';
import { EmbeddedIndex } from '../../indexer/embedded/index.ts';
import { resolveSearch } from '../../indexer/search-input.ts';
import { matchablePage, matchesQuery, matchesSearch } from '../../indexer/search-match.ts';
import { parseSearchQuery } from '../../indexer/search-syntax.ts';
import type { PageDocument } from '../../indexer/types.ts';
import { makeFlag, makePage, minutesAfter } from '../contract/index-fixtures.ts';

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 20261202;
const VOCABULARY = [
  'cocaïne', 'Cocaine', 'COCAÏNE', 'livraison', 'rapide', 'Œuvre', 'oeuvre', 'bitcoin', 'paiement', 'arme', 'armes',
  'vente', 'faux', 'papiers', 'été', 'ete', 'marché', 'noir', 'Telegram', 'contact', 'l’héroïne', 'héro', 'straße',
  'strasse', 'cœur', 'e-mail', 'n°42', '42', 'fraîcheur', 'Ärger', 'naïve',
];
const PUNCTUATION = [' ', ' ', ' ', ', ', '. ', ' : ', ' ! ', ' (', ') ', ' — ', '\n', ' « ', ' » ', '/', "'"];
const HOSTS = ['forum.example.org', 'example.org', 'shop.example.co.uk', 'notexample.org', 'market.test.fr', 'abcdefghij234567.onion'];
const PATHS = ['/t/1', '/Login.php', '/vente/armes', '/p?id=42', '/cocaine-pure', '/'];
const CATEGORY_POOL: Category[] = ['drugs', 'fraud', 'weapons', 'hate'];
const EMAILS = ['vendeur@example.org', 'contact@shop.fr', 'x@y.fr'];
const LANGUAGES = ['fr', 'en', null];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function sentence(random: () => number, words: number): string {
  let out = '';
  for (let i = 0; i < words; i += 1) out += (i === 0 ? '' : pick(random, PUNCTUATION)) + pick(random, VOCABULARY);
  return out;
}

function generatePages(random: () => number, count: number): PageDocument[] {
  return Array.from({ length: count }, (_, i) => {
    const entities: Entity[] = EMAILS.filter(() => random() < 0.3).map((value) => ({ type: 'email', value, start: 0, end: value.length }));
    const flags = CATEGORY_POOL.filter(() => random() < 0.25).map((category) => makeFlag(category, 0.8));
    return makePage({
      url: `https://${pick(random, HOSTS)}${pick(random, PATHS)}#${i}`,
      title: sentence(random, 1 + Math.floor(random() * 4)),
      text: `${sentence(random, 4 + Math.floor(random() * 25))} ${i}`,
      targetId: pick(random, ['t1', 't2']),
      language: pick(random, LANGUAGES),
      entities,
      flags,
      fetchedAt: minutesAfter('2024-05-01T00:00:00.000Z', i * 90),
    });
  });
}

/** A random query string of the language: words, prefixes, phrases from the pages, fields, operators. */
function generateQuery(random: () => number, pages: readonly PageDocument[], depth = 0): string {
  const roll = random();
  if (depth < 2 && roll < 0.25) {
    const operator = pick(random, [' ', ' AND ', ' OR ', ' OR ']);
    const parts = Array.from({ length: 2 + Math.floor(random() * 2) }, () => generateQuery(random, pages, depth + 1));
    const joined = parts.join(operator);
    return random() < 0.5 ? `(${joined})` : joined;
  }
  if (depth < 3 && roll < 0.35) return `${pick(random, ['-', 'NOT '])}${generateQuery(random, pages, depth + 1)}`;
  const word = pick(random, VOCABULARY).replace(/[’()]/gu, '');
  const leaf = random();
  if (leaf < 0.3) return word;
  if (leaf < 0.42) return `${word.slice(0, 2 + Math.floor(random() * 3))}*`;
  if (leaf < 0.6) {
    // Two or three consecutive words of a page, so phrases do hit.
    const source = pick(random, pages);
    const words = source.text.split(/\s+/u).filter((w) => /\p{L}/u.test(w));
    const start = Math.floor(random() * Math.max(1, words.length - 2));
    const phrase = words.slice(start, start + 2 + Math.floor(random() * 2)).join(' ').replace(/"/gu, '');
    return random() < 0.2 ? `"${phrase}"*` : `"${phrase}"`;
  }
  if (leaf < 0.68) return `${pick(random, ['title', 'text'])}:${random() < 0.3 ? `${word.slice(0, 3)}*` : word}`;
  if (leaf < 0.74) return `url:${pick(random, ['login', 'LOGIN.PHP', 'armes', 'example', 'id=42', '.onion/'])}`;
  if (leaf < 0.8) return `category:${pick(random, CATEGORY_POOL)}`;
  if (leaf < 0.85) return `lang:${pick(random, ['fr', 'en'])}`;
  if (leaf < 0.9) return `domain:${pick(random, ['example.org', 'forum.example.org', 'example.co.uk', 'test.fr'])}`;
  if (leaf < 0.95) return `entity:email:${pick(random, EMAILS)}`;
  return `target:${pick(random, ['t1', 't2'])}`;
}

describe('matchesQuery agrees with the embedded index', () => {
  let dataDir = '';
  let index: EmbeddedIndex;
  const random = prng(SEED);
  const pages = generatePages(random, 80);

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'vigie-match-'));
    index = new EmbeddedIndex({ dataDir });
    await index.init();
    await Promise.all(pages.map((page) => index.indexPage(page, [])));
  });
  afterAll(async () => {
    await index.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('selects the same pages for 400 generated queries', async () => {
    const matchable = pages.map((page) => ({ id: page.id, page: matchablePage(page) }));
    let nonEmpty = 0;
    let partial = 0;
    for (let i = 0; i < 400; i += 1) {
      const text = generateQuery(random, pages);
      const ast = parseSearchQuery(text);
      const expected = matchable.filter(({ page }) => matchesQuery(ast, page)).map(({ id }) => id).sort();
      const result = await index.search({ text, limit: 1000 });
      const actual = result.hits.map((hit) => hit.id).sort();
      expect(actual, `seed ${SEED}, query #${i}: ${text}`).toEqual(expected);
      expect(result.total).toBe(expected.length);
      if (expected.length > 0) nonEmpty += 1;
      if (expected.length > 0 && expected.length < pages.length) partial += 1;
    }
    // The generator must produce discriminating queries, or agreement would prove nothing.
    expect(nonEmpty).toBeGreaterThan(150);
    expect(partial).toBeGreaterThan(150);
  });

  it('applies structured filters and the date window like search() does', async () => {
    const search = resolveSearch({ text: 'cocaine OR vente', language: 'fr', from: pages[10]!.fetchedAt, to: pages[60]!.fetchedAt });
    const expected = pages.filter((page) => matchesSearch(search, page)).map((page) => page.id).sort();
    const actual = (await index.search({ text: 'cocaine OR vente', language: 'fr', from: pages[10]!.fetchedAt, to: pages[60]!.fetchedAt, limit: 1000 })).hits
      .map((hit) => hit.id)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(actual).toEqual(expected);
  });
});

describe('matchesQuery semantics', () => {
  const page = makePage({
    url: 'https://Forum.Example.org/Vente/Login.php',
    title: 'Vente de cocaïne',
    text: 'Livraison rapide, paiement en bitcoin. L’œuvre d’été.',
    flags: [makeFlag('drugs', 0.9)],
    entities: [{ type: 'email', value: 'vendeur@example.org', start: 0, end: 19 }],
  });
  const matches = (text: string) => matchesQuery(parseSearchQuery(text), page);

  it('folds case and accents and keeps phrases to consecutive words of one field', () => {
    expect(matches('COCAINE')).toBe(true);
    expect(matches('oeuvre ETE')).toBe(true);
    expect(matches('"livraison rapide"')).toBe(true);
    expect(matches('"rapide livraison"')).toBe(false);
    expect(matches('"cocaïne livraison"')).toBe(false); // the title's last word and the text's first are not a phrase
    expect(matches('"livraison rap"*')).toBe(true);
    expect(matches('cocaine livraison')).toBe(true); // AND across fields is fine
  });

  it('evaluates operators, fields and filters', () => {
    expect(matches('title:cocaine -text:cocaine')).toBe(true);
    expect(matches('text:cocaine')).toBe(false);
    expect(matches('heroine OR bitco*')).toBe(true);
    expect(matches('NOT (bitcoin OR heroine)')).toBe(false);
    expect(matches('url:login.PHP domain:example.org category:drugs entity:email:VENDEUR@example.org')).toBe(true);
    expect(matches('domain:ample.org')).toBe(false);
    expect(matches('lang:en')).toBe(false);
    expect(matches('-lang:en')).toBe(true);
    expect(matchesQuery(null, page)).toBe(true);
  });
});

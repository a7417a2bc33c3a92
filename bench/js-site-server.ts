// A JavaScript-only site for the rendered-crawling benchmark, generated deterministically and served
// from memory on loopback. Every page is the same shell (`<div id=app>` and `/app.js`): a plain HTTP
// fetch sees no text and no links. The script writes a few navigation links at once, then fetches
// the page's JSON (`/api/p/ID.json`: title, paragraphs, related links) and renders it, marking
// `<html data-ready>` when done. Navigation links only reach the first half of the pages; the other
// half is linked from the JSON alone, so a crawler must wait for the page's data to reach them all.
import { createServer, type Server } from 'node:http';

export interface JsSiteOptions {
  /** Pages in the site, index included (default 1200, so a 1000-page crawl is capped, not starved). */
  pages?: number;
  /** Related links per page in its JSON (default 10). */
  relatedLinks?: number;
  seed?: number;
  host?: string;
}

export interface JsSiteStats {
  requests: number;
  /** Distinct pages whose HTML shell was served. */
  pagesServed: number;
  /** Distinct pages whose JSON was served: the script ran, so a browser rendered the page. */
  pagesRendered: number;
  scriptRequests: number;
  notFound: number;
}

export interface JsSite {
  url: string;
  startUrl: string;
  pages: number;
  stats(): JsSiteStats;
  resetStats(): void;
  close(): Promise<void>;
}

export interface JsPageData {
  id: number;
  title: string;
  paragraphs: string[];
  related: number[];
}

export function pagePath(id: number): string {
  return id === 0 ? '/' : `/p/${id}`;
}

/** Pages reachable by navigation links alone: the first half (the rest hang off the JSON). */
export function navPageCount(pages: number): number {
  return Math.ceil(pages / 2);
}

// Keep in step with NAV in appScript(): the test renders pages and compares.
export function navLinks(id: number, pages: number): number[] {
  const nav = navPageCount(pages);
  return [...new Set([0, (id + 1) % nav, (id + nav - 1) % nav, (id + 10) % nav, (id + 37) % nav])];
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'river market signal harbor lantern orchard copper meadow beacon archive canyon ember falcon garnet ' +
  'glacier horizon island juniper kestrel lagoon marble nectar obsidian prairie quartz raven sierra ' +
  'thistle umber valley willow yonder zephyr atlas bramble cinder dune fjord grove hollow inlet jasper'
).split(' ');

export function pageData(id: number, pages: number, relatedLinks = 10, seed = 1): JsPageData {
  const random = mulberry32(seed * 1_000_003 + id);
  const pick = () => WORDS[Math.floor(random() * WORDS.length)]!;
  const sentence = (words: number) => Array.from({ length: words }, pick).join(' ');
  const related = new Set<number>();
  // The partner in the second half: what makes every page reachable once the JSON is read.
  const partner = id + navPageCount(pages);
  if (id < navPageCount(pages) && partner < pages) related.add(partner);
  while (related.size < Math.min(relatedLinks + 1, pages - 1)) {
    const target = Math.floor(random() * pages);
    if (target !== id) related.add(target);
  }
  return {
    id,
    title: `Page ${id}: ${sentence(3)}`,
    paragraphs: Array.from({ length: 3 }, () => `${sentence(40)}.`),
    related: [...related],
  };
}

function shell(id: number): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Loading</title></head>` +
    `<body data-page="${id}"><div id="app"></div><noscript>This site needs JavaScript.</noscript>` +
    `<script src="/app.js"></script></body></html>`;
}

function appScript(pages: number): string {
  const nav = navPageCount(pages);
  return `(function () {
  var NAV = ${nav};
  var id = Number(document.body.getAttribute('data-page'));
  var app = document.getElementById('app');
  function path(n) { return n === 0 ? '/' : '/p/' + n; }
  function link(n, into) {
    var a = document.createElement('a');
    a.href = path(n);
    a.textContent = 'page ' + n;
    into.appendChild(a);
    into.appendChild(document.createTextNode(' '));
  }
  var nav = document.createElement('nav');
  var seen = {};
  [0, (id + 1) % NAV, (id + NAV - 1) % NAV, (id + 10) % NAV, (id + 37) % NAV].forEach(function (n) {
    if (!seen[n]) { seen[n] = true; link(n, nav); }
  });
  app.appendChild(nav);
  fetch('/api/p/' + id + '.json').then(function (res) { return res.json(); }).then(function (data) {
    document.title = data.title;
    var h1 = document.createElement('h1');
    h1.textContent = data.title;
    app.appendChild(h1);
    data.paragraphs.forEach(function (text) {
      var p = document.createElement('p');
      p.textContent = text;
      app.appendChild(p);
    });
    var aside = document.createElement('aside');
    data.related.forEach(function (n) { link(n, aside); });
    app.appendChild(aside);
    document.documentElement.setAttribute('data-ready', '1');
  });
})();
`;
}

export async function serveJsSite(options: JsSiteOptions = {}): Promise<JsSite> {
  const { pages = 1200, relatedLinks = 10, seed = 1, host = '127.0.0.1' } = options;
  const script = Buffer.from(appScript(pages));
  const data = Array.from({ length: pages }, (_, id) => Buffer.from(JSON.stringify(pageData(id, pages, relatedLinks, seed))));
  const shells = Array.from({ length: pages }, (_, id) => Buffer.from(shell(id)));
  let stats = { requests: 0, scriptRequests: 0, notFound: 0 };
  let served = new Set<number>();
  let rendered = new Set<number>();

  const server: Server = createServer((req, res) => {
    stats.requests++;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const pageId = path === '/' ? 0 : Number(/^\/p\/(\d+)$/.exec(path)?.[1] ?? -1);
    const dataId = Number(/^\/api\/p\/(\d+)\.json$/.exec(path)?.[1] ?? -1);
    if (pageId >= 0 && pageId < pages) {
      served.add(pageId);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': shells[pageId]!.length }).end(shells[pageId]);
    } else if (dataId >= 0 && dataId < pages) {
      rendered.add(dataId);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': data[dataId]!.length }).end(data[dataId]);
    } else if (path === '/app.js') {
      stats.scriptRequests++;
      res.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8', 'content-length': script.length, 'cache-control': 'max-age=3600',
      }).end(script);
    } else if (path === '/favicon.ico') {
      // Browsers ask for it on every page; an answer they may cache keeps it out of the 404 count.
      res.writeHead(204, { 'cache-control': 'max-age=3600' }).end();
    } else {
      stats.notFound++;
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  const url = `http://${host}:${port}`;
  return {
    url,
    startUrl: `${url}/`,
    pages,
    stats: () => ({ ...stats, pagesServed: served.size, pagesRendered: rendered.size }),
    resetStats: () => {
      stats = { requests: 0, scriptRequests: 0, notFound: 0 };
      served = new Set();
      rendered = new Set();
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

// Local sites full of crawler traps, for the whole-pipeline trap tests: an infinite calendar,
// endless path depth, fresh session ids in every link (query, path parameter, ASP.NET segment), a
// link longer than the URL cap, and a few good pages; and an endless tree of distinct pages. They
// record every request, so tests can tell what the crawler actually fetched.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startHttpServer, type TestServer } from './hostile-server.ts';

export interface TrapSite {
  server: TestServer;
  /** Paths with query of every request received, in order (robots.txt included). */
  requests: string[];
  /** Requests received whose path starts with `prefix`. */
  requestsUnder(prefix: string): number;
  /** The good pages: path and a sentence found only in that page. */
  goodPages: { path: string; marker: string }[];
  /** A link the home page carries that is longer than `overlongLinkChars`. */
  overlongPath: string;
  close(): Promise<void>;
}

export interface TrapSiteOptions {
  host?: string;
  /** Links on the calendar pages to this URL (say, an internal address that must never be contacted). */
  extraLinks?: string[];
  /** Length of the overlong link on the home page. */
  overlongLinkChars?: number;
}

const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><main>${body}</main></body></html>`;
const links = (hrefs: readonly string[]) => hrefs.map((href) => `<a href="${href.replace(/&/g, '&amp;')}">${href.slice(0, 40)}</a>`).join(' ');

const GOOD_TOPICS = ['harbour strike', 'flooded valley', 'court ruling', 'beach clean-up', 'night train'];

/** The trap site on `host` (127.0.0.1 by default) and a free port. */
export async function startTrapSite(options: TrapSiteOptions = {}): Promise<TrapSite> {
  const requests: string[] = [];
  const goodPages = GOOD_TOPICS.map((topic, i) => ({ path: `/good/${i + 1}`, marker: `unique marker ${i + 1} about the ${topic}` }));
  const overlongPath = `/long?q=${'x'.repeat(Math.max(0, (options.overlongLinkChars ?? 3000) - 8))}`;
  let sessionCounter = 0;
  const freshSession = () => `${Date.now().toString(36)}${(sessionCounter++).toString(36).padStart(6, '0')}`;

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    requests.push(req.url ?? '/');
    const url = new URL(req.url ?? '/', 'http://trap.local');
    const html = (body: string, status = 200) => res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    const path = url.pathname;

    if (path === '/') {
      return html(page('Trap site', links([
        ...goodPages.map((good) => good.path),
        '/calendar?month=2024-01',
        '/deep/a/',
        `/session/start?sid=${freshSession()}`,
        `/forum/thread?id=1&visit=${freshSession()}`,
        `/shop;jsessionid=${freshSession()}`,
        `/(S(${freshSession()}))/app.aspx`,
        overlongPath,
      ])));
    }
    const good = goodPages.find((candidate) => candidate.path === path);
    if (good) {
      return html(page(good.marker, `<p>This page carries a ${good.marker}. ${'It is an ordinary article with ordinary words. '.repeat(5)}</p>`
        + links(['/', '/calendar?month=2024-06'])));
    }
    if (path === '/calendar') return html(calendarPage(url.searchParams, options.extraLinks ?? []));
    if (path.startsWith('/deep/')) {
      // Relative link: every page has a child one level deeper, forever.
      return html(page('Deep', `<p>Depth ${path.split('/').length - 2}</p>${links(['a/', '/'])}`));
    }
    if (path === '/session/start' || path === '/forum/thread' || path.startsWith('/shop') || path.endsWith('/app.aspx')) {
      // Every visit hands out new session ids in every link, the classic endless-URL loop.
      return html(page('Session', `<p>Welcome back, visitor.</p>${links([
        `/session/start?sid=${freshSession()}`,
        `/forum/thread?id=1&visit=${freshSession()}`,
        `/shop;jsessionid=${freshSession()}`,
        `/(S(${freshSession()}))/app.aspx`,
      ])}`));
    }
    if (path === '/long') return html(page('Long', '<p>should never be fetched</p>'));
    return html(page('Not found', '<p>not found</p>'), 404);
  };

  const server = await startHttpServer(handler, options.host);
  return {
    server,
    requests,
    requestsUnder: (prefix) => requests.filter((request) => request.startsWith(prefix)).length,
    goodPages,
    overlongPath,
    close: () => server.close(),
  };
}

/** A month (or a day) of an endless calendar: links to the previous and next month, and every day. */
function calendarPage(params: URLSearchParams, extraLinks: readonly string[]): string {
  const day = params.get('day');
  const month = params.get('month') ?? day?.slice(0, 7) ?? '2024-01';
  const [year, monthIndex] = parseMonth(month);
  const shift = (delta: number) => {
    const date = new Date(Date.UTC(year, monthIndex + delta, 1));
    return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
  };
  const days = Array.from({ length: 28 }, (_, i) => `?day=${month}-${String(i + 1).padStart(2, '0')}`);
  return page(`Calendar ${day ?? month}`, `<p>Events of ${day ?? month}: none.</p>${links([
    `?month=${shift(-1)}`,
    `?month=${shift(1)}`,
    ...days,
    ...extraLinks,
  ])}`);
}

function parseMonth(month: string): [number, number] {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) return [2024, 0];
  return [Number(match[1]), Number(match[2]) - 1];
}

/** A site whose every page links to three new pages (distinct paths, no query): only page caps end it. */
export async function startTreeSite(host?: string): Promise<{ server: TestServer; pagesServed(): number; close(): Promise<void> }> {
  let served = 0;
  const server = await startHttpServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://tree.local').pathname;
    const match = /^\/(?:node\/(\d+))?$/.exec(path);
    if (!match) return void res.writeHead(404, { 'content-type': 'text/html' }).end(page('Not found', '<p>not found</p>'));
    served++;
    const n = Number(match[1] ?? 0);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(page(`Node ${n}`, `<p>Node ${n} of an endless tree.</p>${links([1, 2, 3].map((k) => `/node/${n * 3 + k}`))}`));
  }, host);
  return { server, pagesServed: () => served, close: () => server.close() };
}

// Getting one page: a polite, guarded HTTP fetch (conditional when the URL was seen before), then,
// when the target says so, a render in Chromium of exactly the bytes fetched (the stored evidence
// and what the browser shows are the same document). Links come from both the static HTML and the
// rendered DOM.
import { parsePage, type ParsedPage } from '../crawler/parse-page.ts';
import type { FetchResult } from '../crawler/fetch-page.ts';
import { needsRendering, type RenderResult } from '../crawler/render/index.ts';
import type { WorkerDeps } from './deps.ts';
import { politeFetch } from './polite-fetch.ts';
import type { PageVersion } from './recrawl-store.ts';
import type { RunContext } from './run-context.ts';

export type PageCapture =
  | { kind: 'not-modified'; fetched: FetchResult }
  | { kind: 'fetched'; fetched: FetchResult; rendered: RenderResult | null; parsed: ParsedPage; links: string[] };

/** Only documents a browser would render as a page go to Chromium. */
const RENDERABLE_TYPES = new Set(['text/html', 'application/xhtml+xml']);

export async function capturePage(
  url: string,
  run: RunContext,
  deps: Pick<WorkerDeps, 'politeness' | 'renderer'>,
  leaseId: string,
  crawlDelayMs: number,
  previous: PageVersion | null,
): Promise<PageCapture> {
  const conditional = run.target.conditionalRequests && previous
    ? { etag: previous.etag ?? undefined, lastModified: previous.lastModified ?? undefined }
    : undefined;
  const fetched = await politeFetch(url, run, deps.politeness, leaseId, crawlDelayMs, conditional ? { conditional } : {});
  if (fetched.notModified) return { kind: 'not-modified', fetched };

  const staticPage = parsePage(fetched.body, fetched.finalUrl);
  if (!shouldRender(run, fetched, staticPage)) {
    return { kind: 'fetched', fetched, rendered: null, parsed: staticPage, links: staticPage.links };
  }
  const rendered = await deps.renderer.render({
    url: fetched.finalUrl,
    guard: run.guard,
    document: { status: fetched.status, headers: fetched.headers, body: fetched.body },
    options: run.target.browser,
    userAgent: run.target.userAgent,
  });
  if (withoutFragment(rendered.finalUrl) !== withoutFragment(fetched.finalUrl)) {
    // A script or a meta refresh navigated away: Chromium now shows another document, one that
    // was never fetched and kept as evidence. This page is what was fetched; the other one is
    // followed like a link (scope and caps apply), and will be fetched and kept in its turn.
    return { kind: 'fetched', fetched, rendered: null, parsed: staticPage, links: [...staticPage.links, rendered.finalUrl] };
  }
  const parsed = parsePage(rendered.html, rendered.finalUrl);
  const links = [...new Set([...staticPage.links, ...parsed.links, ...rendered.links])];
  return { kind: 'fetched', fetched, rendered, parsed: { ...parsed, invalidLinks: staticPage.invalidLinks + parsed.invalidLinks }, links };
}

function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

function shouldRender(run: RunContext, fetched: FetchResult, staticPage: ParsedPage): boolean {
  if (run.target.render === 'never' || !RENDERABLE_TYPES.has(fetched.contentType)) return false;
  return run.target.render === 'always' || needsRendering(fetched.body, staticPage.text.length);
}

// Renders one page in a fresh browser context whose every request goes through the guard proxy.
// The context accepts no downloads, grants no permissions, runs no service workers, dismisses
// dialogs and closes popups. When the caller already fetched the document (with the guarded
// fetcher: that response is the evidence), the navigation is answered with exactly those bytes.
// The target's request headers are not sent: Playwright re-sends the headers of route.continue()
// on every redirect hop, cross-origin ones included (checked with 1.65), so an Authorization
// header would leak to whatever site a same-origin URL redirects to. Logged-in sessions use the
// cookie file instead, which Chromium scopes by domain.
import { performance } from 'node:perf_hooks';
import type { Browser, BrowserContext, Page, Request, Route } from 'playwright-core';
import type { BrowserOptions } from '../../config/target-schema.ts';
import { NonRetryableError, RetryableError, VigieError } from '../../config/errors.ts';
import type { Logger } from '../../config/logger.ts';
import type { NetworkGuard } from '../network-guard.ts';
import { PROXY_ERROR_HEADER } from './guard-proxy.ts';
import type { GuardProxy } from './guard-proxy.ts';
import { trackNetworkActivity, QUIET_MS } from './network-quiet.ts';
import { collectLinks, fullPageScreenshot, scrollForLazyContent } from './page-capture.ts';
import { beforeDeadline, remainingMs, settleBefore } from './render-deadline.ts';
import { loadSessionCookies } from './session-cookies.ts';

/** A response already fetched for `url`; `body` as stored (decoded, not compressed). */
export interface RenderDocument {
  status: number;
  headers: Record<string, string | readonly string[]>;
  /** A string is sent as UTF-8 and the Content-Type charset set to match. */
  body: Buffer | string;
}

export interface RenderRequest {
  url: string;
  /** The target's guard: every request of the page is checked by it. */
  guard: NetworkGuard;
  document?: RenderDocument;
  /** The target's `browser` options (defaults as in the target schema). */
  options: BrowserOptions;
  userAgent?: string;
  /** The rendered DOM may be at most this many characters (default 32 Mi): a page can grow without bound. */
  maxHtmlChars?: number;
  /** Accept invalid certificates (matches the guard's `tls.rejectUnauthorized: false`). */
  ignoreHttpsErrors?: boolean;
}

export interface RenderResult {
  finalUrl: string;
  /** Status of the main document; null when Chromium got no response object for it. */
  status: number | null;
  /** The serialised rendered DOM (page.content()). */
  html: string;
  title: string;
  /** Absolute http(s) links of the rendered DOM, resolved as the DOM resolves them. */
  links: string[];
  /** Full-page PNG, cut at MAX_SCREENSHOT_HEIGHT_PX; absent when disabled or not taken in time. */
  screenshot?: Buffer;
  durationMs: number;
  /** Requests aborted because of their resource type (`options.blockResources`). */
  blockedRequests: number;
  /** Requests and connections the network guard refused. */
  refusedRequests: number;
  scrollSteps: number;
}

export interface RenderEnv {
  proxy: GuardProxy;
  logger: Logger;
  /** Epoch ms by which the render must be done (context closing excepted). */
  deadlineMs: number;
}

const VIEWPORT = { width: 1280, height: 800 };
/** Most of a page's network activity is over after this long; waiting more rarely adds content. */
const SETTLE_CAP_MS = 5000;
const DEFAULT_MAX_HTML_CHARS = 32 * 1024 * 1024;
const DROPPED_DOCUMENT_HEADERS = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'connection', 'keep-alive']);

export async function renderPage(browser: Browser, request: RenderRequest, env: RenderEnv): Promise<RenderResult> {
  const started = performance.now();
  const target = new URL(request.url);
  const { options } = request;
  // The screenshot and the capture of the DOM keep a share of the time for themselves.
  const captureReserveMs = Math.min(10_000, Math.max(500, options.timeoutMs * (options.screenshot ? 0.25 : 0.1)));
  const pageDeadlineMs = env.deadlineMs - captureReserveMs;
  const cookies = options.cookiesFile ? await loadSessionCookies(options.cookiesFile) : [];

  const context = await browser.newContext({
    proxy: { server: env.proxy.proxyUrl, bypass: '<-loopback>' },
    acceptDownloads: false,
    permissions: [],
    serviceWorkers: 'block',
    ignoreHTTPSErrors: request.ignoreHttpsErrors ?? false,
    userAgent: request.userAgent,
    viewport: VIEWPORT,
  });
  const counters = { blocked: 0 };
  let crashed = false;
  try {
    if (cookies.length > 0) await context.addCookies(cookies);
    const page = await context.newPage();
    page.on('crash', () => {
      crashed = true;
    });
    page.on('dialog', (dialog) => {
      dialog.dismiss().catch(() => {});
    });
    context.on('page', (popup) => {
      if (popup !== page) popup.close().catch(() => {});
    });
    if (request.document || options.blockResources.length > 0) await page.route('**/*', routeHandler(page, request, target, counters));
    const navigation = trackMainNavigation(page);
    const network = trackNetworkActivity(page);

    const response = await navigate(page, request, pageDeadlineMs, env.proxy, navigation);
    await settleBefore(page.waitForLoadState('load'), pageDeadlineMs);
    await network.quiet(QUIET_MS, Math.min(pageDeadlineMs, Date.now() + SETTLE_CAP_MS));
    let scrollSteps = 0;
    if (options.scroll.maxSteps > 0) {
      // Best effort: a page that navigates or stalls mid-scroll is still captured as it stands.
      scrollSteps = await scrollForLazyContent(page, options.scroll, pageDeadlineMs).catch(() => 0);
      // What the last step triggered is still loading.
      if (scrollSteps > 0) await network.quiet(QUIET_MS, Math.min(pageDeadlineMs, Date.now() + options.scroll.stepDelayMs + 500));
    }

    const { html, title } = await readDom(page, request, env.deadlineMs);
    const links = await collectLinks(page, env.deadlineMs);
    const screenshot = options.screenshot ? await fullPageScreenshot(page, env.deadlineMs) : null;
    if (options.screenshot && !screenshot) env.logger.warn({ url: request.url }, 'no screenshot: it could not be taken in time');
    const proxyStats = env.proxy.stats();
    return {
      finalUrl: page.url(),
      status: response?.status() ?? null,
      html,
      title,
      links,
      ...(screenshot ? { screenshot } : {}),
      durationMs: Math.round(performance.now() - started),
      blockedRequests: counters.blocked,
      refusedRequests: proxyStats.refused,
      scrollSteps,
    };
  } catch (err) {
    if (crashed) throw new RetryableError('page-crashed', `the renderer of ${request.url} crashed`, { cause: err, details: { url: request.url } });
    throw toRenderError(err, request.url);
  } finally {
    await closeContext(context);
  }
}

function routeHandler(page: Page, request: RenderRequest, target: URL, counters: { blocked: number }) {
  const blocked = new Set<string>(request.options.blockResources);
  const document = request.document;
  const documentUrl = withoutHash(target);
  let documentServed = false;

  return async (route: Route, req: Request): Promise<void> => {
    try {
      if (document && !documentServed && isMainNavigation(page, req) && withoutHash(req.url()) === documentUrl) {
        documentServed = true;
        await route.fulfill(documentResponse(document));
        return;
      }
      if (blocked.has(req.resourceType())) {
        counters.blocked++;
        await route.abort('blockedbyclient');
        return;
      }
      await route.continue();
    } catch {
      // The page or context went away mid-request: nothing left to answer.
    }
  };
}

/** The URL of the main frame's latest navigation request (redirect hops included). */
function trackMainNavigation(page: Page): { url: string | null } {
  const navigation: { url: string | null } = { url: null };
  page.on('request', (req) => {
    if (isMainNavigation(page, req)) navigation.url = req.url();
  });
  return navigation;
}

// page.content() and page.title() in one round trip, and the size checked in the page before the
// string crosses to Node: the DOM is serialised once, and a page grown without bound never is.
const READ_DOM = `((maxChars) => {
  const doctype = document.doctype ? new XMLSerializer().serializeToString(document.doctype) : '';
  const body = document.documentElement ? document.documentElement.outerHTML : '';
  const chars = doctype.length + body.length;
  return { chars, html: chars > maxChars ? null : doctype + body, title: document.title };
})`;

async function readDom(page: Page, request: RenderRequest, deadlineMs: number): Promise<{ html: string; title: string }> {
  const maxChars = request.maxHtmlChars ?? DEFAULT_MAX_HTML_CHARS;
  const read = await beforeDeadline(
    page.evaluate<{ chars: number; html: string | null; title: string }>(`${READ_DOM}(${maxChars})`),
    deadlineMs,
    'serialising the DOM',
  );
  if (read.html === null) {
    throw new NonRetryableError('render-too-large', `the rendered DOM of ${request.url} has ${read.chars} characters, more than ${maxChars}`, {
      details: { url: request.url, chars: read.chars, maxChars },
    });
  }
  return { html: read.html, title: read.title };
}

async function navigate(page: Page, request: RenderRequest, pageDeadlineMs: number, proxy: GuardProxy, navigation: { url: string | null }) {
  const timeout = remainingMs(pageDeadlineMs);
  if (timeout <= 0) throw new RetryableError('render-timeout', `no time left to load ${request.url}`, { details: { url: request.url } });
  let response;
  try {
    response = await beforeDeadline(page.goto(request.url, { waitUntil: 'domcontentloaded', timeout }), pageDeadlineMs + 1000, 'loading the page');
  } catch (err) {
    // A refusal by the guard proxy shows up in Chromium as a failed tunnel: name the real cause,
    // for the URL the navigation had reached (a redirect may have led elsewhere).
    const url = new URL(navigation.url ?? request.url);
    const proxyCode = proxy.failureFor(`${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`);
    if (proxyCode) throw proxyError(proxyCode, request.url, err);
    throw err;
  }
  const proxyCode = response ? (await response.allHeaders().catch(() => ({})) as Record<string, string>)[PROXY_ERROR_HEADER] : undefined;
  if (proxyCode) throw proxyError(proxyCode, request.url);
  return response;
}

function proxyError(code: string, url: string, cause?: unknown): VigieError {
  const details = { url, code };
  if (code === 'network-refused' || code === 'unsupported-scheme' || code === 'bad-url' || code === 'dns-not-found' || code === 'tls-failed') {
    return new NonRetryableError(code, `rendering ${url} failed: ${code}`, { cause, details });
  }
  return new RetryableError(code, `rendering ${url} failed: ${code}`, { cause, details });
}

function toRenderError(err: unknown, url: string): VigieError {
  if (err instanceof VigieError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const details = { url };
  if (err instanceof Error && err.name === 'TimeoutError') {
    return new RetryableError('render-timeout', `rendering ${url} timed out`, { cause: err, details });
  }
  if (message.includes('Download is starting')) {
    return new NonRetryableError('render-download', `${url} is a download, not a page`, { cause: err, details });
  }
  return new RetryableError('render-failed', `rendering ${url} failed: ${message.split('\n', 1)[0]}`, { cause: err, details });
}

function documentResponse(document: RenderDocument): { status: number; headers: Record<string, string>; body: Buffer } {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(document.headers)) {
    const lower = name.toLowerCase();
    if (DROPPED_DOCUMENT_HEADERS.has(lower)) continue;
    headers[lower] = typeof value === 'string' ? value : value.join(lower === 'set-cookie' ? '\n' : ', ');
  }
  let body = document.body;
  if (typeof body === 'string') {
    body = Buffer.from(body, 'utf8');
    const mime = (headers['content-type'] ?? 'text/html').split(';', 1)[0]?.trim() || 'text/html';
    headers['content-type'] = `${mime}; charset=utf-8`;
  }
  // The caller hands over the final response; should it be a redirect, Chromium is shown its body
  // rather than sent on to a Location the guarded fetcher did not follow.
  const isRedirect = document.status >= 300 && document.status < 400;
  if (isRedirect) delete headers.location;
  const status = isRedirect || document.status < 200 || document.status > 599 ? 200 : document.status;
  return { status, headers, body };
}

function isMainNavigation(page: Page, req: Request): boolean {
  try {
    return req.isNavigationRequest() && req.frame() === page.mainFrame();
  } catch {
    // Service-worker requests have no frame.
    return false;
  }
}

function withoutHash(url: string | URL): string {
  const copy = new URL(url);
  copy.hash = '';
  return copy.href;
}

async function closeContext(context: BrowserContext): Promise<void> {
  await context.close().catch(() => {});
}

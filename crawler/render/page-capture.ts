// What a render takes from a loaded page: a bounded scroll for lazy content, the links of the
// rendered DOM, and a full-page screenshot of bounded size. In-page code is passed to Playwright as
// source text, not as a function, so that no transpiler helper (esbuild's __name) leaks into it.
import type { Page } from 'playwright-core';
import { beforeDeadline, remainingMs, sleep } from './render-deadline.ts';

/** Same cap as the static parser (parse-links.ts MAX_LINKS_PER_PAGE). */
export const MAX_RENDERED_LINKS = 10_000;
/** A full-page PNG of a page taller than this is cut here: memory, not evidence, sets the bound. */
export const MAX_SCREENSHOT_HEIGHT_PX = 16_384;
export const MAX_SCREENSHOT_WIDTH_PX = 4096;

export interface ScrollOptions {
  maxSteps: number;
  stepDelayMs: number;
}

const MEASURE = `(() => {
  const el = document.scrollingElement || document.documentElement;
  return { height: el ? el.scrollHeight : 0, bottom: !el || window.scrollY + window.innerHeight >= el.scrollHeight - 2 };
})()`;

const SCROLL_STEP = `(() => { window.scrollBy(0, Math.max(200, window.innerHeight)); })()`;

/**
 * Scrolls a viewport at a time, waiting `stepDelayMs` after each, until the bottom is reached and
 * the page stops growing, `maxSteps` were taken, or `atMs` is near. Returns the steps taken.
 */
export async function scrollForLazyContent(page: Page, options: ScrollOptions, atMs: number): Promise<number> {
  if (options.maxSteps <= 0) return 0;
  const first = await beforeDeadline(page.evaluate<{ height: number; bottom: boolean }>(MEASURE), atMs, 'measuring the page');
  // A page that fits in the viewport has shown everything lazy loading would add: no scroll.
  if (first.bottom) return 0;
  let lastHeight = first.height;
  let steps = 0;
  while (steps < options.maxSteps && remainingMs(atMs) > options.stepDelayMs) {
    await beforeDeadline(page.evaluate(SCROLL_STEP), atMs, 'scrolling');
    steps++;
    await sleep(options.stepDelayMs);
    const { height, bottom } = await beforeDeadline(page.evaluate<{ height: number; bottom: boolean }>(MEASURE), atMs, 'measuring the page');
    if (bottom && height <= lastHeight) break;
    lastHeight = height;
  }
  await beforeDeadline(page.evaluate('window.scrollTo(0, 0)'), atMs, 'scrolling back');
  return steps;
}

// Mirrors crawler/parse-links.ts: a/area[href], link[href] to HTML pages (alternate, next, prev),
// iframe/frame[src]; resolved against document.baseURI as the DOM does, http(s) only, fragment
// removed, deduplicated, in document order.
const COLLECT_LINKS = `((max) => {
  const rels = new Set(['alternate', 'next', 'prev', 'previous']);
  const htmlTypes = new Set(['text/html', 'application/xhtml+xml']);
  const seen = new Set();
  const out = [];
  for (const el of document.querySelectorAll('a[href], area[href], link[href], iframe[src], frame[src]')) {
    if (out.length >= max) break;
    const tag = el.localName;
    if (tag === 'link') {
      const relList = (el.getAttribute('rel') || '').toLowerCase().split(/\\s+/);
      if (!relList.some((rel) => rels.has(rel)) || relList.includes('stylesheet')) continue;
      const type = (el.getAttribute('type') || '').trim().toLowerCase().split(';')[0];
      if (type && !htmlTypes.has(type)) continue;
    }
    const raw = (el.getAttribute(tag === 'iframe' || tag === 'frame' ? 'src' : 'href') || '').trim();
    if (!raw || raw.startsWith('#') || raw.length > 8192) continue;
    let url;
    try { url = new URL(raw, document.baseURI); } catch { continue; }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    url.hash = '';
    if (!seen.has(url.href)) { seen.add(url.href); out.push(url.href); }
  }
  return out;
})`;

export async function collectLinks(page: Page, atMs: number): Promise<string[]> {
  return beforeDeadline(page.evaluate<string[]>(`${COLLECT_LINKS}(${MAX_RENDERED_LINKS})`), atMs, 'collecting links');
}

/** A full-page PNG cut at MAX_SCREENSHOT_HEIGHT_PX, or null when it could not be taken in time. */
export async function fullPageScreenshot(page: Page, atMs: number): Promise<Buffer | null> {
  const timeout = remainingMs(atMs);
  if (timeout < 100) return null;
  try {
    return await page.screenshot({
      type: 'png',
      fullPage: true,
      clip: { x: 0, y: 0, width: MAX_SCREENSHOT_WIDTH_PX, height: MAX_SCREENSHOT_HEIGHT_PX },
      timeout,
    });
  } catch {
    return null;
  }
}

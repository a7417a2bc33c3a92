// The rendered bench's JavaScript-only site: plain HTTP sees no links, rendering in real Chromium
// finds exactly the links the generator says, and the link graph reaches every page from the index
// only when the page data is waited for.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { navLinks, navPageCount, pageData, pagePath, serveJsSite, type JsSite } from '../../bench/js-site-server.ts';

const CHROMIUM = '/usr/bin/chromium';

function reachable(pages: number, linksOf: (id: number) => number[]): number {
  const seen = new Set([0]);
  const queue = [0];
  while (queue.length) {
    for (const next of linksOf(queue.shift()!)) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen.size;
}

describe('JavaScript-only bench site: generator', () => {
  it('reaches every page from the index through nav and data links, and only the first half through nav links', () => {
    for (const pages of [1200, 1001, 150]) {
      expect(reachable(pages, (id) => [...navLinks(id, pages), ...pageData(id, pages).related])).toBe(pages);
      expect(reachable(pages, (id) => navLinks(id, pages))).toBe(navPageCount(pages));
    }
    // A crawler that does not wait for the data falls short of a 1000-page crawl on the default site.
    expect(navPageCount(1200)).toBeLessThan(1000);
  });

  it('is deterministic, with 11-16 distinct links per page and no self-links', () => {
    expect(pageData(42, 1200)).toEqual(pageData(42, 1200));
    expect(pageData(42, 1200, 10, 2)).not.toEqual(pageData(42, 1200, 10, 1));
    for (const id of [0, 1, 599, 600, 1199]) {
      const links = new Set([...navLinks(id, 1200), ...pageData(id, 1200).related].filter((n) => n !== id));
      expect(links.size).toBeGreaterThanOrEqual(11);
      expect(links.size).toBeLessThanOrEqual(16);
      expect(pageData(id, 1200).related).not.toContain(id);
    }
  });
});

describe('JavaScript-only bench site: served', () => {
  let site: JsSite;
  beforeAll(async () => {
    site = await serveJsSite({ pages: 200 });
  });
  afterAll(async () => {
    await site.close();
  });

  it('gives a plain HTTP client a shell with no links and no text', async () => {
    site.resetStats();
    for (const path of ['/', '/p/7']) {
      const html = await (await fetch(`${site.url}${path}`)).text();
      expect(html).toContain('<div id="app"></div>');
      expect(html).toContain('<script src="/app.js">');
      expect(html).not.toMatch(/<a\b|href=/i);
    }
    expect((await fetch(`${site.url}/p/200`)).status).toBe(404);
    expect((await fetch(`${site.url}/api/p/5.json`)).status).toBe(200);
    expect(site.stats()).toMatchObject({ requests: 4, pagesServed: 2, pagesRendered: 1, notFound: 1 });
    site.resetStats();
    expect(site.stats()).toMatchObject({ requests: 0, pagesServed: 0, pagesRendered: 0, notFound: 0 });
  });

  describe.skipIf(!existsSync(CHROMIUM))('in Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    });
    afterAll(async () => {
      await browser.close();
    });

    it('renders the text and exactly the generated links once the data is in', async () => {
      site.resetStats();
      const page = await browser.newPage();
      try {
        for (const id of [0, 37, 150]) {
          await page.goto(`${site.url}${pagePath(id)}`);
          await page.waitForSelector('html[data-ready]');
          const hrefs = await page.$$eval('a[href]', (anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
          const expected = [...navLinks(id, 200), ...pageData(id, 200).related].map((n) => `${site.url}${pagePath(n)}`);
          expect(new Set(hrefs)).toEqual(new Set(expected));
          expect(await page.title()).toBe(pageData(id, 200).title);
          expect(await page.textContent('#app p')).toBe(pageData(id, 200).paragraphs[0]);
        }
      } finally {
        await page.close();
      }
      expect(site.stats()).toMatchObject({ pagesServed: 3, pagesRendered: 3, notFound: 0 });
    });
  });
});

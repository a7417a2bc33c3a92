// parsePage on the generated forum of ../shared/fixtures/make-site.mjs: every post body is in the
// main text, the 60 navigation links and the footer are not, and all links are found.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from '../../crawler/parse-collect.ts';
import { parsePage } from '../../crawler/parse-page.ts';
import { elementsWithClass as elementsWithClassIn } from '../../bench/main-text-compare.ts';

const MAKE_SITE = resolve(import.meta.dirname, '../../../shared/fixtures/make-site.mjs');
const available = existsSync(MAKE_SITE);
if (!available) console.warn(`skipping make-site tests: ${MAKE_SITE} not found (../shared is absent)`);

function elementsWithClass(html: string, cls: string): Element[] {
  return elementsWithClassIn(parseDocument(html), cls);
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe.skipIf(!available)('parsePage on the make-site forum', () => {
  let dir = '';
  let pages: string[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-site-'));
    execFileSync(process.execPath, [MAKE_SITE, dir, '30'], { stdio: 'ignore' });
    pages = ['index.html', ...readdirSync(join(dir, 'thread')).map((f) => `thread/${f}`)];
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every post body and drops the navigation and the footer', () => {
    expect(pages.length).toBeGreaterThan(10);
    for (const path of pages) {
      const html = readFileSync(join(dir, path), 'utf8');
      const page = parsePage(html, `http://127.0.0.1:8080/${path}`);
      const bodies = elementsWithClass(html, 'body');
      expect(bodies.length, path).toBeGreaterThan(0);
      const text = squash(page.text);
      for (const body of bodies) expect(text, path).toContain(squash(textOf(body)));
      expect(page.text, path).not.toMatch(/Section \d+/);
      expect(page.text, path).not.toContain('Mentions légales');
      const footer = elementsWithClass(html, 'site').find((el) => el.name === 'footer');
      if (footer) expect(text, path).not.toContain(squash(textOf(footer)).slice(0, 60));
    }
  });

  it('finds the navigation and thread links, absolute and deduplicated', () => {
    const html = readFileSync(join(dir, 'thread/1.html'), 'utf8');
    const page = parsePage(html, 'http://127.0.0.1:8080/thread/1.html');
    for (let i = 0; i < 60; i++) expect(page.links).toContain(`http://127.0.0.1:8080/section/${i}`);
    expect(new Set(page.links).size).toBe(page.links.length);
    expect(page.links.every((l) => l.startsWith('http://127.0.0.1:8080/'))).toBe(true);
    expect(page.language).toBe('fr');
  });
});

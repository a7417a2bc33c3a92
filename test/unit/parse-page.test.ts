import { describe, expect, it } from 'vitest';
import { MAX_LINKS_PER_PAGE } from '../../crawler/parse-links.ts';
import { parsePage } from '../../crawler/parse-page.ts';

const BASE = 'https://forum.example/board/thread.php?t=1';

describe('parsePage: links', () => {
  it('resolves, deduplicates and keeps document order; drops fragments', () => {
    const page = parsePage(
      `<body><a href="/b">b</a><a href="a.html#top">a</a><a href="/b#again">b2</a>
        <a href="HTTPS://Other.example/x?q=1">o</a><a href="//cdn.example/p">p</a><a rel="nofollow" href="/nf">nf</a></body>`,
      BASE,
    );
    expect(page.links).toEqual([
      'https://forum.example/b',
      'https://forum.example/board/a.html',
      'https://other.example/x?q=1',
      'https://cdn.example/p',
      'https://forum.example/nf',
    ]);
    expect(page.invalidLinks).toBe(0);
  });

  it('collects area, frames, iframes and HTML link relations, not stylesheets, icons or feeds', () => {
    const page = parsePage(
      `<html><head>
        <link rel="stylesheet" href="/style.css"><link rel="icon" href="/favicon.ico">
        <link rel="alternate stylesheet" href="/alt.css">
        <link rel="alternate" type="application/rss+xml" href="/feed.xml">
        <link rel="alternate" hreflang="fr" href="/fr/thread">
        <link rel="next" href="/page/2"><link rel="prev" type="text/html" href="/page/0">
        <link rel="canonical" href="/canonical">
      </head><body><map><area href="/area" shape="rect"></map><iframe src="/embed"></iframe>
      <frameset><frame src="/frame"></frameset></body></html>`,
      BASE,
    );
    expect(page.links).toEqual([
      'https://forum.example/fr/thread',
      'https://forum.example/page/2',
      'https://forum.example/page/0',
      'https://forum.example/area',
      'https://forum.example/embed',
      'https://forum.example/frame',
    ]);
  });

  it('respects <base href>, relative or absolute', () => {
    expect(parsePage('<head><base href="https://mirror.example/root/"></head><a href="x">x</a>', BASE).links).toEqual([
      'https://mirror.example/root/x',
    ]);
    expect(parsePage('<head><base href="/other/"></head><a href="x">x</a>', BASE).links).toEqual([
      'https://forum.example/other/x',
    ]);
    expect(parsePage('<head><base href="http://[broken"></head><a href="x">x</a>', BASE).links).toEqual([
      'https://forum.example/board/x',
    ]);
  });

  it('skips mailto/tel and same-page anchors silently, counts unusable hrefs as invalid', () => {
    const page = parsePage(
      `<a href="mailto:a@b.c">m</a><a href="tel:+33600000000">t</a><a href="#top">top</a><a href="">self</a>
       <a href="javascript:void(0)">js</a><a href=" JavaScript:alert(1)">js2</a><a href="data:text/html,x">d</a>
       <a href="ftp://files.example/x">ftp</a><a href="http://[::1">bad</a><a href="http://ok.example/">ok</a>`,
      BASE,
    );
    expect(page.links).toEqual(['http://ok.example/']);
    expect(page.invalidLinks).toBe(5);
  });

  it('caps the number of links kept from one page', () => {
    const html = Array.from({ length: MAX_LINKS_PER_PAGE + 50 }, (_, i) => `<a href="/p/${i}">p</a>`).join('');
    expect(parsePage(html, BASE).links).toHaveLength(MAX_LINKS_PER_PAGE);
  });
});

describe('parsePage: title, metadata, language', () => {
  const html = `<!doctype html><html lang="fr-FR"><head>
    <title>  Vente   de comptes - Forum  </title>
    <meta name="description" content="Un sujet sur la vente de comptes">
    <meta name="keywords" content="comptes, vente; fraude, , comptes">
    <meta name="author" content="membre42">
    <meta property="article:published_time" content="2026-03-01T10:00:00Z">
    <meta property="og:site_name" content="Le Forum"><meta property="og:title" content="Vente de comptes">
    <meta property="og:type" content="article"><meta name="robots" content="noindex, nofollow">
    <meta name="generator" content="phpBB"><link rel="canonical" href="/t/42">
    </head><body><svg><title>icon</title></svg><main><h1>Vente de comptes</h1>
    <p>Bonjour à tous, je vends des comptes de streaming à bas prix, paiement uniquement en cryptomonnaie.
    Contactez-moi en message privé pour les détails et les tarifs de gros.</p></main></body></html>`;

  it('reads the title and every metadata field', () => {
    const page = parsePage(html, BASE);
    expect(page.title).toBe('Vente de comptes - Forum');
    expect(page.metadata).toEqual({
      description: 'Un sujet sur la vente de comptes',
      keywords: ['comptes', 'vente', 'fraude'],
      canonical: 'https://forum.example/t/42',
      author: 'membre42',
      publishedTime: '2026-03-01T10:00:00Z',
      siteName: 'Le Forum',
      ogTitle: 'Vente de comptes',
      ogType: 'article',
      robots: 'noindex, nofollow',
      generator: 'phpBB',
    });
    expect(page.htmlLang).toBe('fr-FR');
    expect(page.language).toBe('fr');
    expect(page.text.startsWith('Vente de comptes\n\nBonjour à tous')).toBe(true);
  });

  it('falls back to og:title, then h1, for the title; ignores SVG titles', () => {
    expect(parsePage('<meta property="og:title" content="OG"><h1>H</h1>', BASE).title).toBe('OG');
    expect(parsePage('<svg><title>icon</title></svg><h1>Head <b>line</b></h1>', BASE).title).toBe('Head line');
    expect(parsePage('<p>nothing</p>', BASE).title).toBe('');
  });

  it('takes the published time from <time> when no meta gives it', () => {
    const page = parsePage('<article><time datetime="2025-12-24" itemprop="datePublished">Dec 24</time></article>', BASE);
    expect(page.metadata.publishedTime).toBe('2025-12-24');
  });

  it('omits absent metadata and gives null languages for empty pages', () => {
    const page = parsePage('', BASE);
    expect(page).toEqual({ title: '', text: '', links: [], invalidLinks: 0, metadata: {}, htmlLang: null, language: null, forms: [] });
  });

  it('detects the language of the text over a wrong lang attribute', () => {
    const page = parsePage(
      '<html lang="en"><body><p>Die Plattform ermöglicht es jedem, illegale Inhalte zu melden, die ihm im Internet begegnen, und zwar anonym.</p></body></html>',
      BASE,
    );
    expect(page.htmlLang).toBe('en');
    expect(page.language).toBe('de');
  });

  it('uses title and description to guess the language of a short page', () => {
    const page = parsePage(
      '<title>Vendo cuentas de streaming baratas</title><meta name="description" content="Cuentas premium con garantía, pago con bitcoin y envío inmediato a todo el país"><p>Ver precios</p>',
      BASE,
    );
    expect(page.language).toBe('es');
  });
});

describe('parsePage: hostile input', () => {
  it('survives malformed markup', () => {
    const page = parsePage('<div><p>unclosed <b>bold <i>both</div></b></i><a href="/x">x<a href="/y">y</table></tr>>><<</p', BASE);
    expect(page.text).toContain('unclosed bold both');
    expect(page.links).toEqual(['https://forum.example/x', 'https://forum.example/y']);
  });

  it('survives binary junk', () => {
    let junk = '';
    let seed = 42;
    for (let i = 0; i < 200_000; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      junk += String.fromCharCode(seed % 256);
    }
    const page = parsePage(junk, BASE);
    expect(typeof page.text).toBe('string');
    expect(page.text.includes('\u0000')).toBe(false);
  });

  it('survives 100,000 nested divs, quickly, keeping the text and links', () => {
    const html = `${'<div>'.repeat(100_000)}<a href="/deep">deep text</a>${'</div>'.repeat(100_000)}<p>after</p>`;
    const start = Date.now();
    const page = parsePage(html, BASE);
    expect(Date.now() - start).toBeLessThan(10_000);
    expect(page.text).toContain('deep text');
    expect(page.text).toContain('after');
    expect(page.links).toEqual(['https://forum.example/deep']);
  });

  it('survives 100,000 unclosed inline tags', () => {
    const html = `<p>${'<span><font>w '.repeat(100_000)}</p>`;
    const start = Date.now();
    const page = parsePage(html, BASE);
    expect(Date.now() - start).toBeLessThan(10_000);
    expect(page.text.length).toBeGreaterThan(100_000);
  });

  it('parses a 10 MB document', () => {
    const post = '<div class="post"><p>Lorem ipsum dolor sit amet, <a href="/u/1">user</a> consectetur adipiscing elit.</p></div>';
    const html = `<html><body>${post.repeat(Math.ceil((10 * 1024 * 1024) / post.length))}</body></html>`;
    const start = Date.now();
    const page = parsePage(html, BASE);
    expect(Date.now() - start).toBeLessThan(30_000);
    expect(page.text.length).toBeGreaterThan(500_000);
    expect(page.links).toEqual(['https://forum.example/u/1']);
  });

  it('does not throw on non-string input', () => {
    expect(parsePage(undefined as unknown as string, BASE).text).toBe('');
    expect(parsePage('<a href="/x">x</a>', 'not a url').invalidLinks).toBe(1);
  });
});

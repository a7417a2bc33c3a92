// `render: auto`: which static pages need Chromium. Several shapes of page, not one fixture.
import { describe, expect, it } from 'vitest';
import { needsRendering, staticHtmlSignals } from '../../crawler/render/render-decision.ts';

const words = (count: number): string => Array.from({ length: count }, (_, i) => `word${i % 50}`).join(' ');
const article = (extraHead = ''): string => `<!doctype html><html><head><title>News</title>${extraHead}</head><body>
  <header><nav><a href="/">Home</a></nav></header>
  <article><h1>A long story</h1><p>${words(400)}</p><p>${words(300)}</p></article>
</body></html>`;

describe('needsRendering', () => {
  it('renders an SPA shell: an empty mount point and a bundle', () => {
    const html = '<!doctype html><html><head><title>App</title><script type="module" src="/assets/index-abc.js"></script></head><body><div id="root"></div></body></html>';
    expect(needsRendering(html, 3)).toBe(true);
  });

  it('renders a shell that says JavaScript is required, even with some boilerplate text', () => {
    const html = `<html><body><noscript>You need to enable JavaScript to run this app.</noscript>
      <div id="app"></div><footer>${words(60)}</footer><script src="/app.js"></script></body></html>`;
    expect(needsRendering(html, 420)).toBe(true);
  });

  it('does not render an article that only carries analytics scripts', () => {
    const html = article(`<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>
      <script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('js', new Date());</script>`);
    expect(needsRendering(html, 4500)).toBe(false);
  });

  it('does not render a plain page without scripts, however short', () => {
    expect(needsRendering('<html><body><p>Closed for the holidays.</p></body></html>', 24)).toBe(false);
    expect(needsRendering(article(), 4500)).toBe(false);
  });

  it('renders a tiny body beside a big inline script', () => {
    const bundle = `var state = ${JSON.stringify({ posts: Array.from({ length: 200 }, (_, i) => ({ id: i, text: words(10) })) })}; render(state);`;
    const html = `<html><body><h1>Forum</h1><p>Loading posts, please wait while the board loads.</p>${'<p>Menu item</p>'.repeat(15)}<script>${bundle}</script></body></html>`;
    expect(needsRendering(html, 300)).toBe(true);
  });

  it('does not render a server-rendered page whose mount point is full, JSON data beside it', () => {
    const html = `<html><body><div id="__next"><main><h1>Title</h1><p>${words(200)}</p></main></div>
      <script id="__NEXT_DATA__" type="application/json">${JSON.stringify({ props: { text: words(2000) } })}</script>
      <script src="/_next/static/chunks/main.js"></script></body></html>`;
    expect(needsRendering(html, 1500)).toBe(false);
  });

  it('does not count JSON, templates or a mount point with text as signs of a shell', () => {
    const html = `<html><body><div id="root"><p>${words(100)}</p></div>
      <script type="application/ld+json">{"@type":"Article"}</script><template><p>row</p></template></body></html>`;
    expect(staticHtmlSignals(html)).toEqual({ scripts: 0, inlineScriptBytes: 0, emptyMountPoint: false, noscriptAsksForJs: false });
    expect(needsRendering(html, 700)).toBe(false);
  });
});

describe('staticHtmlSignals', () => {
  it('finds empty mount points by id, tag and attribute', () => {
    expect(staticHtmlSignals('<div id="__nuxt"> </div><script>x()</script>').emptyMountPoint).toBe(true);
    expect(staticHtmlSignals('<app-root></app-root>').emptyMountPoint).toBe(true);
    expect(staticHtmlSignals('<section data-reactroot=""><!-- --></section>').emptyMountPoint).toBe(true);
    expect(staticHtmlSignals('<div id="root"><img src="/logo.png"></div>').emptyMountPoint).toBe(false);
    expect(staticHtmlSignals('<div id="sidebar"></div>').emptyMountPoint).toBe(false);
  });

  it('counts executable scripts and inline bytes only', () => {
    const signals = staticHtmlSignals('<script src="/a.js"></script><script>abcd</script><script type="text/template">xx</script><script type="module">ef</script>');
    expect(signals.scripts).toBe(3);
    expect(signals.inlineScriptBytes).toBe(6);
  });

  it('recognises a noscript that asks for JavaScript, in French too', () => {
    expect(staticHtmlSignals('<noscript>Veuillez activer JavaScript.</noscript>').noscriptAsksForJs).toBe(true);
    expect(staticHtmlSignals('<noscript><img src="/pixel.gif"></noscript>').noscriptAsksForJs).toBe(false);
  });

  it('tells nested mount points apart: an empty inner one inside a filled outer one', () => {
    expect(staticHtmlSignals('<div id="app"><p>texte</p><div id="root"></div></div>').emptyMountPoint).toBe(true);
    expect(staticHtmlSignals('<div id="app"><div id="root"><p>texte</p></div></div>').emptyMountPoint).toBe(false);
  });

  it('reads a hostile page of 100,000 nested mount points (work per tag must not grow with nesting)', () => {
    const depth = 100_000;
    const html = '<div id="app">'.repeat(depth) + 'x' + '</div>'.repeat(depth);
    expect(staticHtmlSignals(html)).toMatchObject({ emptyMountPoint: false });
  });
});

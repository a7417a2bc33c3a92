import { parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { extractMainText } from '../../crawler/main-text.ts';

const text = (html: string) => extractMainText(parseDocument(html));
const para = (words: string, n = 3) => Array.from({ length: n }, (_, i) => `${words} sentence ${i}, with enough words to look like prose.`).join(' ');

describe('extractMainText: rendering', () => {
  it('separates blocks by blank lines and keeps inline elements in the flow', () => {
    expect(text('<body><div>One <b>bold</b> <a href="/x">link</a>.</div><p>Two</p><p>x<i>y</i>z</p></body>')).toBe(
      'One bold link.\n\nTwo\n\nxyz',
    );
  });

  it('collapses whitespace, including non-breaking spaces and newlines', () => {
    expect(text('<p>  a \n\n\t b&nbsp;&nbsp;c  </p>')).toBe('a b c');
  });

  it('turns <br> into a line break and two of them into a paragraph break', () => {
    expect(text('<p>line one<br>line two<br><br>new paragraph</p>')).toBe('line one\nline two\n\nnew paragraph');
  });

  it('keeps the lines of preformatted text', () => {
    expect(text('<pre>user:pass\n  admin:hunter2\n\nend</pre>')).toBe('user:pass\n  admin:hunter2\n\nend');
  });

  it('joins table cells of a row and puts rows on their own paragraphs', () => {
    expect(text('<table><tr><th>Name</th><th>Card</th></tr><tr><td>Ann</td><td>4111</td></tr></table>')).toBe(
      'Name | Card\n\nAnn | 4111',
    );
  });

  it('never renders scripts, styles, templates, SVG, form controls or comments', () => {
    const out = text(
      '<body><p>visible</p><script>var secret = 1;</script><style>p{}</style><noscript>enable js</noscript>' +
        '<template><p>tpl</p></template><svg><title>icon</title><text>svgtext</text></svg>' +
        '<select><option>opt</option></select><button>Send</button><input value="val"><!-- comment --></body>',
    );
    expect(out).toBe('visible');
  });

  it('keeps a textarea with content (paste sites) and drops an empty one', () => {
    expect(text('<div><textarea readonly>raw paste\nline 2</textarea><textarea></textarea></div>')).toBe('raw paste\nline 2');
  });

  it('drops control characters', () => {
    expect(text('<p>a\u0000b\u0007c</p>')).toBe('abc');
  });
});

describe('extractMainText: boilerplate', () => {
  const page = (main: string) => `<!doctype html><html><head><title>T</title></head><body>
    <header class="site"><a href="/">Logo</a><nav><ul>${Array.from({ length: 30 }, (_, i) => `<li><a href="/s/${i}">Section ${i}</a></li>`).join('')}</ul></nav></header>
    <div class="breadcrumbs"><a href="/">Home</a> › <a href="/f">Forum</a></div>
    ${main}
    <aside><h3>Popular</h3><p>${para('Sidebar teaser')}</p></aside>
    <div id="cookie-banner">We use cookies to improve your experience. Accept all cookies?</div>
    <div class="share-buttons"><a href="#">Facebook</a><a href="#">Twitter</a></div>
    <footer class="site"><p>Copyright 2026 · Legal notice · Contact</p></footer>
  </body></html>`;

  it('drops navigation, header, footer, aside, cookie banners, share bars and breadcrumbs', () => {
    const out = text(page(`<div class="content"><h1>Title</h1><p>${para('Body')}</p></div>`));
    expect(out).toContain('Title');
    expect(out).toContain('Body sentence 0');
    for (const junk of ['Section 1', 'Logo', 'Home', 'Sidebar teaser', 'cookies', 'Facebook', 'Copyright']) {
      expect(out).not.toContain(junk);
    }
  });

  it('keeps every post of a thread, even when the first post dwarfs the replies', () => {
    const posts =
      `<div class="post"><p>${para('First post', 30)}</p></div>` +
      '<div class="post"><p>+1 thanks, works for me</p></div>' +
      '<div class="post"><p>Anyone got a mirror? DM me</p></div>';
    const out = text(page(`<main><h1>Thread</h1>${posts}</main>`));
    expect(out).toContain('First post sentence 29');
    expect(out).toContain('+1 thanks, works for me');
    expect(out).toContain('Anyone got a mirror? DM me');
  });

  it('keeps comment sections next to an article', () => {
    const main =
      `<article><h1>News</h1><div class="entry-content"><p>${para('Article', 20)}</p></div></article>` +
      '<section id="comments"><div class="comment"><p>I know who did this, contact me on telegram @someone</p></div></section>';
    const out = text(page(main));
    expect(out).toContain('Article sentence 19');
    expect(out).toContain('contact me on telegram @someone');
  });

  it('keeps posts made only of links (user content is never pruned for link density)', () => {
    const main =
      `<main><div class="post"><p>${para('Intro')}</p></div>` +
      '<div class="post"><a href="http://a.onion/">mirror one</a> <a href="http://b.onion/">mirror two</a> <a href="http://c.onion/">mirror three</a></div></main>';
    expect(text(page(main))).toContain('mirror one mirror two mirror three');
  });

  it('prunes small link lists outside user content', () => {
    const tags = Array.from({ length: 8 }, (_, i) => `<a href="/tag/${i}">tag${i}</a>`).join(' ');
    const out = text(`<body><div class="article-body"><p>${para('Story', 10)}</p><div class="taglist">${tags}</div></div></body>`);
    expect(out).toContain('Story sentence 9');
    expect(out).not.toContain('tag3');
  });

  it('keeps a listing page whose content is links', () => {
    const rows = Array.from({ length: 20 }, (_, i) => `<li><a href="/t/${i}">Selling fresh dumps batch ${i}</a> by user${i}</li>`).join('');
    const out = text(page(`<main><h1>Marketplace</h1><ul class="threads">${rows}</ul></main>`));
    expect(out).toContain('Selling fresh dumps batch 0');
    expect(out).toContain('Selling fresh dumps batch 19');
  });

  it('keeps a layout wrapper whose class says sidebar when it holds most of the text', () => {
    const out = text(`<body><div id="content-sidebar-wrap"><div><p>${para('Wrapped', 10)}</p></div></div><div class="sidebar"><p>side</p></div></body>`);
    expect(out).toContain('Wrapped sentence 9');
    expect(out).not.toContain('side');
  });

  it('drops small hidden elements', () => {
    const out = text(`<body><p>${para('Shown', 5)}</p><div style="display: none">hidden one</div><div hidden>hidden two</div></body>`);
    expect(out).toContain('Shown');
    expect(out).not.toContain('hidden one');
    expect(out).not.toContain('hidden two');
  });

  it('keeps article headers (bylines) but drops page headers', () => {
    const out = text(page(`<article><header><h1>Headline</h1><span class="author">by Ann</span></header><p>${para('Body', 5)}</p></article>`));
    expect(out.startsWith('Headline\n\nby Ann')).toBe(true);
  });

  it('uses <main> when it holds a fair share of the text', () => {
    const filler = `<div><p>${para('Unmarked filler', 10)}</p></div>`;
    const out = text(`<body>${filler}<main><p>${para('Main part', 8)}</p></main></body>`);
    expect(out).toContain('Main part');
    expect(out).not.toContain('Unmarked filler');
  });

  it('does not repeat the <title> in the text', () => {
    const out = text(`<html><head><title>Page title</title></head><body><p>${para('Body')}</p></body></html>`);
    expect(out).not.toContain('Page title');
  });

  it('returns an empty string for pages without text', () => {
    expect(text('')).toBe('');
    expect(text('<html><body><script>x()</script></body></html>')).toBe('');
  });

  it('handles fragments without html or body', () => {
    expect(text('<p>just a fragment</p>')).toBe('just a fragment');
  });
});

describe('extractMainText: user content around <main>', () => {
  it('keeps comments placed after <main>', () => {
    const out = text(
      `<body><main><article><h1>Post</h1><p>${para('Article', 10)}</p></article></main>` +
        '<div id="comments"><div class="comment-body"><p>Selling the leaked database, ping me</p></div></div>' +
        '<footer>Footer text</footer></body>',
    );
    expect(out).toContain('Article sentence 9');
    expect(out).toContain('Selling the leaked database, ping me');
    expect(out).not.toContain('Footer text');
  });
});

describe('extractMainText: headline', () => {
  it('keeps the page h1 when it sits above the content root', () => {
    const out = text(
      `<body><div class="entry-header"><h1>The headline</h1></div>` +
        `<main><p>${para('Body', 10)}</p></main><div class="site-header"><h1>Site</h1></div></body>`,
    );
    expect(out.startsWith('The headline\n\nBody sentence 0')).toBe(true);
    expect(out).not.toContain('Site');
  });
});

describe('extractMainText: size cap', () => {
  it('stops after maxChars, even inside one huge text node', () => {
    const out = extractMainText(parseDocument(`<p>${'word '.repeat(100_000)}</p><p>${'more '.repeat(10)}</p>`), { maxChars: 1000 });
    expect(out.length).toBeLessThanOrEqual(1000);
    expect(out.length).toBeGreaterThan(900);
  });
});

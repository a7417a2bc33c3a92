// The capture sanitiser against a hostile page, read back the way a browser reads it (jsdom's
// HTML parser): nothing that runs, nothing that loads, links and images inert, text and layout kept.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { sanitizeCaptureHtml, sanitizeCss } from '../../review/evidence/index.ts';
import { hostileCapturePage } from '../fixtures/hostile-capture.ts';

const ORIGIN = 'http://evil.example:8080';
const PAGE_URL = 'https://shop.example/annonces/papiers.html';

function sanitized(html: string, rendered = false): { html: string; document: Document } {
  const out = sanitizeCaptureHtml(html, { pageUrl: PAGE_URL, rendered });
  return { html: out, document: new JSDOM(out).window.document };
}

const allElements = (document: Document) => [...document.querySelectorAll('*')];
const cssTexts = (document: Document) => [
  ...[...document.querySelectorAll('style')].map((s) => s.textContent ?? ''),
  ...allElements(document).map((e) => e.getAttribute('style') ?? ''),
];

describe('sanitizeCaptureHtml on a hostile page', () => {
  const { html, document } = sanitized(hostileCapturePage(ORIGIN));

  it('leaves no script, no frame, no object, no base, no meta refresh, no link, no SVG or MathML', () => {
    for (const tag of ['script', 'iframe', 'frame', 'object', 'embed', 'base', 'link', 'svg', 'math', 'video', 'audio', 'source', 'template', 'img', 'picture', 'xmp', 'noscript']) {
      expect(document.querySelectorAll(tag).length, tag).toBe(0);
    }
    // Our own <meta charset> is the only meta.
    expect([...document.querySelectorAll('meta')].map((m) => m.outerHTML)).toEqual(['<meta charset="utf-8">']);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/javascript:/i);
  });

  it('keeps no event handler and no attribute that names a resource', () => {
    for (const element of allElements(document)) {
      for (const attribute of element.getAttributeNames()) {
        expect(attribute, element.tagName).not.toMatch(/^on/i);
        expect(['href', 'src', 'srcset', 'srcdoc', 'action', 'formaction', 'background', 'poster', 'data', 'ping', 'xlink:href', 'http-equiv', 'autofocus', 'target'], `${element.tagName}[${attribute}]`).not.toContain(attribute);
      }
    }
  });

  it('leaves the hostile origin only in titles (text for the analyst), never where a browser would load it', () => {
    for (const element of allElements(document)) {
      for (const attribute of element.getAttributeNames()) {
        if (attribute === 'title' || attribute === 'aria-label') continue;
        expect(element.getAttribute(attribute), `${element.tagName}[${attribute}]`).not.toContain('evil.example');
      }
    }
    for (const css of cssTexts(document)) expect(css).not.toContain('evil.example');
  });

  it('strips every url(), @import, image-set() and expression() from the CSS, even spelled with escapes or comments', () => {
    for (const css of cssTexts(document)) {
      expect(css).not.toMatch(/url\s*\(/i);
      expect(css).not.toMatch(/@import/i);
      expect(css).not.toMatch(/image-set\s*\(/i);
      expect(css).not.toMatch(/expression\s*\(/i);
      expect(css).not.toMatch(/\\7[25]/);
    }
    // A `</style>` inside a CSS string did not end the element.
    expect(document.querySelectorAll('style').length).toBe(2);
  });

  it('keeps the text, the layout styles and the form controls (disabled)', () => {
    expect(document.title).toBe('Boutique de faux papiers');
    expect(document.querySelector('h1')!.textContent).toBe("Papiers d'identité vrais et faux");
    const offer = document.getElementById('offer')!;
    expect(offer.textContent).toContain('Faux passeports');
    expect(offer.getAttribute('style')).toBe('color: red; border: 1px solid blue');
    expect(document.querySelector('td')!.textContent).toBe('Cellule');
    expect(document.body.textContent).toContain('Widget personnalisé');
    expect(document.body.textContent).toContain('Activez JavaScript pour commander.');
    const input = document.querySelector('input')!;
    expect(input.getAttribute('placeholder')).toBe('Votre nom');
    expect(input.hasAttribute('disabled')).toBe(true);
    expect(document.querySelector('button')!.getAttribute('type')).toBe('button');
    expect(document.querySelector('form')!.getAttributeNames()).toEqual([]);
    expect(html).not.toContain('secret-hidden');
    // Raw text shows as text: the markup inside <textarea> and <xmp> is not markup.
    expect(document.querySelector('textarea')!.value).toContain("<script>fetch('");
    expect(document.querySelector('pre')!.textContent).toContain('<img src=');
  });

  it('turns images and embeds into boxes of their size with their alt text and URL', () => {
    const boxes = [...document.querySelectorAll('.vigie-placeholder')];
    const photo = boxes.find((b) => b.getAttribute('aria-label') === 'Passeport exemple')!;
    expect(photo.getAttribute('role')).toBe('img');
    expect(photo.textContent).toBe('[img] Passeport exemple');
    expect(photo.getAttribute('style')).toBe('width:320px;height:200px');
    expect(photo.getAttribute('title')).toContain(`${ORIGIN}/photo.jpg`);
    // Relative URLs are shown resolved against the page's <base>.
    expect(boxes.find((b) => b.getAttribute('aria-label') === 'relative')!.getAttribute('title')).toContain(`${ORIGIN}/relative.png`);
    expect(boxes.find((b) => b.getAttribute('aria-label') === 'logo svg')!.getAttribute('style')).toBe('width:40px;height:40px');
    const labels = boxes.map((b) => b.textContent!.split(']')[0] + ']');
    for (const label of ['[video]', '[audio]', '[iframe]', '[object]', '[svg]', '[math]']) expect(labels).toContain(label);
    expect(boxes.find((b) => b.getAttribute('aria-label') === 'Envoyer')).toBeDefined();
  });

  it('makes links inert text whose title is the absolute URL (and never a script)', () => {
    const links = [...document.querySelectorAll('a')];
    expect(links.map((a) => a.textContent)).toEqual([
      'Lien script', 'Lien script masqué', 'Lien script majuscule', 'Nous écrire', 'Ailleurs', 'Lien data',
    ]);
    for (const link of links) {
      expect(link.hasAttribute('href')).toBe(false);
      expect(link.classList.contains('vigie-link')).toBe(true);
    }
    const title = (text: string) => links.find((a) => a.textContent === text)!.getAttribute('title');
    expect(title('Lien script')).toBe('(script link removed)');
    expect(title('Lien script masqué')).toBe('(script link removed)');
    expect(title('Lien script majuscule')).toBe('(script link removed)');
    expect(title('Nous écrire')).toBe(`Contact\n${ORIGIN}/based/contact.html`);
    expect(title('Ailleurs')).toBe('http://elsewhere.example/page'); // the scheme of the page's <base>
    expect(title('Lien data')).toMatch(/^\(data: URL, \d+ characters\)$/);
  });
});

describe('sanitizeCaptureHtml, other cases', () => {
  it('drops <noscript> content of a rendered DOM (scripts ran there), keeps it for a response body', () => {
    const html = '<p>avant</p><noscript><p>sans script</p></noscript>';
    expect(sanitized(html, true).document.body.textContent).toBe('avant');
    expect(sanitized(html, false).document.body.textContent).toBe('avantsans script');
  });

  it('writes no doctype when the page had none (the same rendering mode as the original)', () => {
    expect(sanitizeCaptureHtml('<p>x</p>', { pageUrl: PAGE_URL })).not.toMatch(/doctype/i);
    expect(sanitizeCaptureHtml('<!DOCTYPE html><p>x</p>', { pageUrl: PAGE_URL })).toMatch(/^<!DOCTYPE html>/);
  });

  it('escapes text and attribute values so that nothing becomes markup', () => {
    const { document, html } = sanitized('<p title="&quot;><script>x</script>">a &lt;b&gt; &amp; c</p>');
    expect(html).not.toMatch(/<script/i);
    expect(document.querySelector('p')!.getAttribute('title')).toBe('"><script>x</script>');
    expect(document.querySelector('p')!.textContent).toBe('a <b> & c');
  });

  it('survives absurdly deep nesting without overflowing the stack', () => {
    const depth = 100_000;
    const html = `${'<div>'.repeat(depth)}fond${'</div>'.repeat(depth)}`;
    const out = sanitizeCaptureHtml(html, { pageUrl: PAGE_URL });
    expect(out).toContain('fond');
    expect(out).not.toMatch(/<script/i);
  }, 30_000);

  it('treats elements named like object properties as any unknown element', () => {
    const { document } = sanitized('<constructor>a</constructor><hasownproperty>b</hasownproperty>');
    expect(document.body.innerHTML).toBe('ab');
  });

  it('refuses width and height values that are not plain dimensions', () => {
    const { document } = sanitized('<table width="100%" height="expression(alert(1))"><tr><td width="50">x</td></tr></table>');
    expect(document.querySelector('table')!.getAttribute('width')).toBe('100%');
    expect(document.querySelector('table')!.hasAttribute('height')).toBe(false);
    expect(document.querySelector('td')!.getAttribute('width')).toBe('50');
  });
});

describe('sanitizeCss', () => {
  it('replaces url() and src() in every spelling, keeps the rest of the declaration', () => {
    expect(sanitizeCss('a{background:#fff url(http://x/a.png) no-repeat}')).toBe('a{background:#fff none no-repeat}');
    expect(sanitizeCss('a{background:URL( "http://x/a)b.png" )}')).toBe('a{background:none}');
    expect(sanitizeCss("a{background:url('http://x/a.png'")).toBe('a{background:none');
    expect(sanitizeCss('a{background:u\\72l(http://x/a.png)}')).toBe('a{background:none}');
    expect(sanitizeCss('a{background:\\000075rl(http://x/a.png)}')).toBe('a{background:none}');
    expect(sanitizeCss('@font-face{src:src("http://x/f.woff")}')).toBe('@font-face{src:none}');
  });

  it('leaves escapes that do not spell a name (digits, quotes) as written', () => {
    expect(sanitizeCss('.\\31 23{color:red} a::after{content:"\\22"}')).toBe('.\\31 23{color:red} a::after{content:"\\22"}');
  });

  it('cuts out @import statements and calls of URL-taking functions whole', () => {
    expect(sanitizeCss('@import "http://x/a;b.css" screen; p{color:red}')).toBe(' p{color:red}');
    expect(sanitizeCss('@\\69mport "x.css";p{}')).toBe('p{}');
    expect(sanitizeCss('a{background:-webkit-image-set("x).png" 1x, url(y.png) 2x);color:red}')).toBe('a{background:-webkit-vigie-removed();color:red}');
    expect(sanitizeCss('a{width:expression(fetch("http://x/(")); color:red}')).toBe('a{width:vigie-removed(); color:red}');
    expect(sanitizeCss('a{background:image-set("x.png" 1x')).toBe('a{background:vigie-removed()');
  });

  it('reads a comment inside a name as nothing (the name is then removed if it spells url)', () => {
    expect(sanitizeCss('a{background:ur/**/l(http://x/a.png)}')).toBe('a{background:none}');
    expect(sanitizeCss('a{color:red}/* url(http://x/a.png) unterminated')).toBe('a{color:red}');
  });
});

// Main text on page shapes Vigie watches: user content (posts, listings, comments) is never
// dropped as boilerplate, however short each piece is, while an article page sheds its sidebars.
import { parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { extractMainText } from '../../crawler/main-text.ts';

const text = (html: string) => extractMainText(parseDocument(html));
const prose = (topic: string, n = 4) =>
  Array.from({ length: n }, (_, i) => `${topic} sentence ${i} goes on with enough ordinary words to read as prose.`).join(' ');
const chrome = (main: string) => `<!doctype html><html><body>
  <header><a href="/">Board</a><nav>${Array.from({ length: 20 }, (_, i) => `<a href="/f/${i}">Forum ${i}</a>`).join(' ')}</nav></header>
  ${main}
  <footer><p>Powered by a board engine · Terms · Privacy</p></footer>
</body></html>`;
const replies = ['+1', 'thx!', 'same here', 'bump', 'lol', 'DM me', 'legit', 'ok', 'W', 'nice one'];

describe('extractMainText: forum threads keep every post', () => {
  it('keeps forty short replies under a long first post, with neutral class names', () => {
    const posts = [`<div class="box"><p>${prose('Opening post', 12)}</p></div>`];
    for (let i = 0; i < 40; i++) posts.push(`<div class="box"><span>u${i}</span> ${replies[i % replies.length]} #${i}</div>`);
    const out = text(chrome(`<h1>Selling fresh dumps</h1><div class="wrap">${posts.join('')}</div>`));
    expect(out).toContain('Opening post sentence 11');
    for (let i = 0; i < 40; i++) expect(out).toContain(`${replies[i % replies.length]} #${i}`);
    expect(out).not.toContain('Forum 3');
    expect(out).not.toContain('Powered by');
  });

  it('keeps a thread of many one-line posts in a table layout', () => {
    const rows = Array.from(
      { length: 60 },
      (_, i) => `<tr><td class="author">user${i}</td><td>${replies[i % replies.length]} (${i})</td></tr>`,
    ).join('');
    const out = text(chrome(`<h1>Thread</h1><table class="forumline">${rows}</table>`));
    for (let i = 0; i < 60; i++) expect(out).toContain(`user${i} | ${replies[i % replies.length]} (${i})`);
  });

  it('keeps a long post and a short reply that share a class', () => {
    const out = text(
      chrome(`<div class="item"><p>${prose('First', 20)}</p></div><div class="item"><p>Contact me on wickr: seller42</p></div>`),
    );
    expect(out).toContain('First sentence 19');
    expect(out).toContain('wickr: seller42');
  });

  it('keeps three unlabeled posts whose class lists differ (first, odd, even)', () => {
    const out = text(
      chrome(
        `<div class="item first"><p>${prose('First', 20)}</p></div>` +
          `<div class="item odd"><p>Reply one: sent you the sample</p></div><div class="item even"><p>Reply two: got it, paying now</p></div>`,
      ),
    );
    expect(out).toContain('First sentence 19');
    expect(out).toContain('Reply one: sent you the sample');
    expect(out).toContain('Reply two: got it, paying now');
  });
});

describe('extractMainText: layout columns are not posts', () => {
  it('descends into the main column beside a look-alike sidebar column', () => {
    const teasers = Array.from({ length: 6 }, (_, i) => `<p><a href="/t/${i}">Teaser ${i}</a> and its short blurb here</p>`).join('');
    const out = text(
      `<body><div class="page"><div class="wrapper"><p>${prose('Story', 16)}</p></div>` +
        `<div class="wrapper wrapper--reverse">${teasers}</div></div></body>`,
    );
    expect(out).toContain('Story sentence 15');
    expect(out).not.toContain('Teaser');
  });
});

describe('extractMainText: listings keep every item', () => {
  it('keeps every short item of a marketplace listing, links included', () => {
    const items = Array.from(
      { length: 50 },
      (_, i) => `<li class="card"><a href="/item/${i}">Item ${i}</a> <span>${10 + i} EUR</span></li>`,
    ).join('');
    const out = text(chrome(`<h1>Category</h1><ul class="grid">${items}</ul>`));
    for (let i = 0; i < 50; i++) expect(out).toContain(`Item ${i} ${10 + i} EUR`);
  });
});

describe('extractMainText: articles', () => {
  it('keeps comments under an article, even short ones', () => {
    const comments = Array.from({ length: 15 }, (_, i) => `<li class="c"><b>reader${i}</b><p>${replies[i % replies.length]} ${i}</p></li>`);
    const out = text(
      chrome(`<article><h1>Headline</h1><p>${prose('Body', 10)}</p></article>
        <section id="comments"><h2>15 comments</h2><ol>${comments.join('')}</ol></section>`),
    );
    expect(out).toContain('Body sentence 9');
    for (let i = 0; i < 15; i++) expect(out).toContain(`${replies[i % replies.length]} ${i}`);
  });

  it('leaves a large sidebar out when the page has an article of its own', () => {
    const feed = Array.from({ length: 12 }, (_, i) => `<div><p>${prose(`Live item ${i}`, 2)}</p></div>`).join('');
    const out = text(
      `<body><div class="page"><div class="main"><h1>Quake</h1><p>${prose('Story', 8)}</p></div>` +
        `<aside>${feed}</aside></div></body>`,
    );
    expect(out).toContain('Story sentence 7');
    expect(out).not.toContain('Live item');
  });

  it('keeps a page whose only text sits in a boilerplate-classed wrapper', () => {
    const out = text(`<body><div class="content-sidebar"><p>${prose('Only text', 6)}</p></div><nav><a href="/">Home</a></nav></body>`);
    expect(out).toContain('Only text sentence 5');
  });

  it('keeps the headline and standfirst above the article body, not the byline', () => {
    const out = text(
      `<body><div class="layout"><div class="story-head"><h1>Big headline</h1>` +
        `<p>A standfirst that sums up the whole story in one long sentence, for the reader who is in a hurry today.</p>` +
        `<p>By A. Writer</p></div>` +
        `<div class="story-body">${Array.from({ length: 8 }, (_, i) => `<p>${prose(`Para ${i}`, 2)}</p>`).join('')}</div>` +
        `<div class="more">${Array.from({ length: 5 }, (_, i) => `<p>Teaser ${i}</p>`).join('')}</div></div></body>`,
    );
    expect(out.startsWith('Big headline\n\nA standfirst that sums up the whole story')).toBe(true);
    expect(out).toContain('Para 7 sentence 1');
    expect(out).not.toContain('By A. Writer');
    expect(out).not.toContain('Teaser');
  });

  it('never crashes on empty, text-only or headline-only documents', () => {
    expect(text('')).toBe('');
    expect(text('just text')).toBe('just text');
    expect(text('<body><h1>Only a title</h1></body>')).toBe('Only a title');
  });
});

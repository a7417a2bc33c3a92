// Which images and files of a page get hashed: every way HTML shows or offers them, resolved,
// deduplicated, capped; nothing else (pages, scripts, styles, other schemes).
import { describe, expect, it } from 'vitest';
import { collectMedia, decodeDataUrl } from '../../crawler/media/index.ts';

const LIMITS = { maxImages: 50, maxFiles: 10 };

describe('collectMedia', () => {
  it('finds img src/srcset, picture sources, lazy attributes, og:image, posters, videos and file links', () => {
    const html = `<html><head><base href="https://cdn.example/base/">
      <meta property="og:image" content="https://social.example/card.jpg"><meta name="twitter:image" content="/tw.png">
      <link rel="image_src" href="thumb.gif"><link rel="stylesheet" href="/style.css"><script src="/app.js"></script></head><body>
      <img src="a.jpg" srcset="a-small.jpg 320w, a-large.jpg 1280w, a-mid.jpg 640w">
      <img data-src="/lazy.webp" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
      <picture><source srcset="/p.avif 1x, /p@2x.avif 2x" type="image/avif"><img src="/p.jpg"></picture>
      <video poster="/poster.jpg" src="/clip.mp4"><source src="/clip.webm"></video><audio src="/song.mp3"></audio>
      <a href="/docs/report.PDF?download=1">report</a><a href="setup.exe#x">app</a><a href="/page.html">page</a><a href="/photo.png">photo</a>
      <a href="mailto:x@example.org">mail</a><a href="javascript:void(0)">js</a><img src="ftp://x.example/y.jpg"><img src="  ">
      <template><img src="/in-template.jpg"></template>
      <img src="a.jpg"></body></html>`;
    const { media, capped } = collectMedia(html, 'https://site.example/forum/thread', LIMITS);
    expect(capped).toBe(0);
    expect(media.filter((m) => m.kind === 'image').map((m) => m.url)).toEqual([
      'https://social.example/card.jpg',
      'https://cdn.example/tw.png',
      'https://cdn.example/base/thumb.gif',
      'https://cdn.example/base/a.jpg',
      'https://cdn.example/base/a-large.jpg',
      'data:image/gif;base64,R0lGODlhAQABAAAAACw=',
      'https://cdn.example/lazy.webp',
      'https://cdn.example/p@2x.avif',
      'https://cdn.example/p.jpg',
      'https://cdn.example/poster.jpg',
      'https://cdn.example/photo.png',
    ]);
    expect(media.filter((m) => m.kind === 'file').map((m) => m.url)).toEqual([
      'https://cdn.example/clip.mp4',
      'https://cdn.example/clip.webm',
      'https://cdn.example/song.mp3',
      'https://cdn.example/docs/report.PDF?download=1',
      'https://cdn.example/base/setup.exe',
    ]);
  });

  it('caps images and files separately and counts what it left', () => {
    const imgs = Array.from({ length: 8 }, (_, i) => `<img src="/i${i}.png">`).join('');
    const files = Array.from({ length: 5 }, (_, i) => `<a href="/f${i}.zip">f</a>`).join('');
    const { media, capped } = collectMedia(imgs + files, 'https://s.example/', { maxImages: 3, maxFiles: 2 });
    expect(media.map((m) => m.url.replace('https://s.example/', ''))).toEqual(['i0.png', 'i1.png', 'i2.png', 'f0.zip', 'f1.zip']);
    expect(capped).toBe(8);
  });

  it('never throws on junk', () => {
    for (const junk of ['', '<<<>>>', '\u0000\u0001binary', '<img src="http://[::1">', '<img srcset=",,, ,">', '<a href="http://%%%/x.pdf">']) {
      expect(() => collectMedia(junk, 'https://s.example/', LIMITS)).not.toThrow();
    }
    expect(collectMedia('<img src="/x.png">', 'not a url', LIMITS).media).toEqual([]);
  });
});

describe('decodeDataUrl', () => {
  it('decodes base64 and percent-encoded images under a cap', () => {
    expect(decodeDataUrl('data:image/png;base64,AAEC', 100)).toEqual({ mediaType: 'image/png', bytes: Buffer.from([0, 1, 2]) });
    expect(decodeDataUrl('data:image/svg+xml,%3Csvg%3E', 100).bytes.toString()).toBe('<svg>');
    expect(() => decodeDataUrl(`data:image/png;base64,${'A'.repeat(2000)}`, 100)).toThrow(expect.objectContaining({ code: 'media-too-large' }));
    expect(() => decodeDataUrl('data:image/png;base64', 100)).toThrow(expect.objectContaining({ code: 'bad-url' }));
  });
});

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { VigieError } from '../../config/errors.ts';
import { decodeBody } from '../../crawler/decode-body.ts';
import { decodeSourceBody, sourceContentTypes } from '../../crawler/sources/index.ts';

const xml = '<?xml version="1.0" encoding="UTF-8"?><urlset><url><loc>https://example.org/caf\u00e9</loc></url></urlset>';
const url = 'https://example.org/sitemap.xml.gz';

/** What the fetcher hands over for a body sent without Content-Encoding: the bytes decoded as text. */
function asFetched(bytes: Buffer, contentType = 'application/gzip', headers: Record<string, string> = {}) {
  const { text, charset } = decodeBody(bytes, contentType);
  return { finalUrl: url, body: text, charset, headers };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return err instanceof VigieError ? err.code : `not a VigieError: ${String(err)}`;
  }
  return 'no error';
}

describe('decodeSourceBody', () => {
  it('gunzips a .xml.gz recovered from the decoded text, then decodes it as XML', async () => {
    const fetched = asFetched(gzipSync(Buffer.from(xml, 'utf8')));
    expect(fetched.charset).toBe('windows-1252');
    expect(await decodeSourceBody(fetched, 1024 * 1024)).toBe(xml);
  });

  it("uses the fetcher's raw bytes when it provides them", async () => {
    const fetched = { ...asFetched(Buffer.from('garbage')), rawBody: gzipSync(Buffer.from(xml, 'utf8')) };
    expect(await decodeSourceBody(fetched, 1024 * 1024)).toBe(xml);
  });

  it('leaves a body the fetcher already decompressed (Content-Encoding) as it is', async () => {
    const fetched = { finalUrl: url, body: xml, charset: 'utf-8', headers: { 'content-encoding': 'gzip' }, rawBody: gzipSync(Buffer.from(xml)) };
    expect(await decodeSourceBody(fetched, 1024 * 1024)).toBe(xml);
    expect(await decodeSourceBody({ finalUrl: url, body: xml, charset: 'utf-8', headers: {} }, 1024 * 1024)).toBe(xml);
  });

  it('refuses a gzip bomb at the decompressed cap', async () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(100 * 1024);
    expect(await codeOf(decodeSourceBody(asFetched(bomb), 1024 * 1024))).toBe('decompressed-too-large');
  });

  it('refuses a corrupt gzip file, and keeps what a truncated one holds', async () => {
    const corrupt = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('definitely not deflate data, no no no')]);
    expect(await codeOf(decodeSourceBody(asFetched(corrupt), 1024 * 1024))).toBe('bad-encoding');

    const long = `<urlset>${Array.from({ length: 2000 }, (_, i) => `<url><loc>https://example.org/${i * 7919}</loc></url>`).join('')}</urlset>`;
    const gz = gzipSync(Buffer.from(long));
    const partial = await decodeSourceBody(asFetched(gz.subarray(0, Math.floor(gz.length / 2))), 1024 * 1024);
    expect(partial.length).toBeGreaterThan(1000);
    expect(long.startsWith(partial)).toBe(true);
  });
});

describe('sourceContentTypes', () => {
  it('accepts XML, feed and gzip types, and octet-stream only for .gz files', () => {
    expect(sourceContentTypes('https://example.org/feed')).toEqual(expect.arrayContaining(['application/xml', 'text/xml', 'application/rss+xml', 'application/atom+xml', 'application/gzip']));
    expect(sourceContentTypes('https://example.org/feed')).not.toContain('application/octet-stream');
    expect(sourceContentTypes('https://example.org/sitemap.xml.GZ')).toContain('application/octet-stream');
  });
});

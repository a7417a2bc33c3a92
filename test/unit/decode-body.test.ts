import { describe, expect, it } from 'vitest';
import { decodeBody, prescanEncoding } from '../../crawler/decode-body.ts';

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

describe('decodeBody', () => {
  it('prefers a BOM over everything else', () => {
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<p>café</p>')]);
    expect(decodeBody(utf8, 'text/html; charset=iso-8859-1')).toEqual({ text: '<p>café</p>', charset: 'utf-8' });
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<p>été</p>', 'utf16le')]);
    expect(decodeBody(le, undefined)).toEqual({ text: '<p>été</p>', charset: 'utf-16le' });
    const be = Buffer.from('\ufeff<p>Ω</p>', 'utf16le').swap16();
    expect(decodeBody(be, 'text/html')).toEqual({ text: '<p>Ω</p>', charset: 'utf-16be' });
  });

  it('uses the header charset, with WHATWG label mapping', () => {
    expect(decodeBody(latin1('<p>caf\xe9 \x80</p>'), 'text/html; charset=ISO-8859-1')).toEqual({
      text: '<p>café €</p>',
      charset: 'windows-1252',
    });
    expect(decodeBody(Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]), 'text/plain; charset="koi8-r"').text).toBe('Привет');
  });

  it('falls through an unknown header label to the meta prescan', () => {
    const body = latin1('<meta charset="windows-1252"><p>na\xefve</p>');
    expect(decodeBody(body, 'text/html; charset=no-such-charset')).toMatchObject({ text: expect.stringContaining('naïve'), charset: 'windows-1252' });
  });

  it('reads <meta charset> and <meta http-equiv> within the first 1024 bytes', () => {
    expect(decodeBody(latin1('<html><head><meta charset=iso-8859-15><p>\xa4</p>'), 'text/html').text).toContain('€');
    expect(
      decodeBody(latin1(`<!-- <meta charset="koi8-r"> --><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><p>\xcf\xf0\xe8</p>`), undefined),
    ).toMatchObject({ text: expect.stringContaining('При'), charset: 'windows-1251' });
    const late = latin1(`<p>${'x'.repeat(1100)}</p><meta charset="koi8-r">`);
    expect(prescanEncoding(late)).toBeNull();
  });

  it('treats a meta claim of UTF-16 as UTF-8 and ignores the meta in text/plain', () => {
    expect(decodeBody(Buffer.from('<meta charset="utf-16"><p>é</p>'), 'text/html').charset).toBe('utf-8');
    expect(decodeBody(latin1('<meta charset="koi8-r">\xe9'), 'text/plain').charset).toBe('windows-1252');
  });

  it('decodes Shift_JIS and GBK', () => {
    const sjis = Buffer.from([0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea]);
    expect(decodeBody(sjis, 'text/html; charset=Shift_JIS')).toEqual({ text: '日本語', charset: 'shift_jis' });
    expect(decodeBody(Buffer.from([0xd6, 0xd0, 0xce, 0xc4]), 'text/html; charset=gb2312')).toEqual({ text: '中文', charset: 'gbk' });
  });

  it('falls back to UTF-8 when valid, else windows-1252', () => {
    expect(decodeBody(Buffer.from('<p>déjà vu ✓</p>'), 'text/html')).toEqual({ text: '<p>déjà vu ✓</p>', charset: 'utf-8' });
    expect(decodeBody(latin1('<p>d\xe9j\xe0 \x93vu\x94</p>'), undefined)).toEqual({ text: '<p>déjà “vu”</p>', charset: 'windows-1252' });
  });

  it('replaces malformed bytes with U+FFFD instead of throwing', () => {
    const broken = Buffer.concat([Buffer.from('<p>ok '), Buffer.from([0xc3, 0x28, 0xff, 0xe2, 0x82]), Buffer.from(' end</p>')]);
    const decoded = decodeBody(broken, 'text/html; charset=utf-8');
    expect(decoded.charset).toBe('utf-8');
    expect(decoded.text).toMatch(/^<p>ok \ufffd\(\ufffd\ufffd end<\/p>$/);
    expect(() => decodeBody(Buffer.from([0xd8, 0x00, 0xdc]), 'text/html; charset=utf-16be')).not.toThrow();
  });

  it('handles empty input and undecodable labels such as x-user-defined', () => {
    expect(decodeBody(Buffer.alloc(0), undefined)).toEqual({ text: '', charset: 'utf-8' });
    expect(decodeBody(latin1('<meta charset=x-user-defined>\xe9'), 'text/html').charset).toBe('windows-1252');
    expect(decodeBody(Buffer.from('plain ascii'), 'text/html; charset=iso-2022-kr').charset).toBe('utf-8');
  });
});

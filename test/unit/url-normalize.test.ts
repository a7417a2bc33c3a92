import { describe, expect, it } from 'vitest';
import { MAX_URL_LENGTH, normalizeUrl, urlHost, urlOrigin } from '../../crawler/url-normalize.ts';

describe('normalizeUrl', () => {
  it.each([
    ['HTTP://Example.COM/a', 'http://example.com/a'],
    ['http://example.com', 'http://example.com/'],
    ['http://example.com:80/a', 'http://example.com/a'],
    ['https://example.com:443/a', 'https://example.com/a'],
    ['https://example.com:8443/a', 'https://example.com:8443/a'],
    ['http://example.com/a#section', 'http://example.com/a'],
    ['http://example.com/a/./b/../c', 'http://example.com/a/c'],
    ['http://example.com/a/%2e%2E/c', 'http://example.com/c'],
    ['http://example.com/a?', 'http://example.com/a'],
    ['http://example.com/a?&&', 'http://example.com/a'],
    ['http://example.com/a?b=2&a=1&c=3', 'http://example.com/a?a=1&b=2&c=3'],
    ['http://user:secret@example.com/a', 'http://example.com/a'],
    ['http://example.com./a', 'http://example.com/a'],
    ['  http://example.com/a  ', 'http://example.com/a'],
    ['http://[::1]:8080/x', 'http://[::1]:8080/x'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeUrl(input)).toBe(expected);
  });

  it('keeps the relative order of repeated keys while sorting (stable sort)', () => {
    expect(normalizeUrl('http://e.com/?b=1&a=2&b=0&a=1')).toBe('http://e.com/?a=2&a=1&b=1&b=0');
  });

  it('converts IDN hosts to punycode', () => {
    expect(normalizeUrl('http://bücher.example/ä')).toBe('http://xn--bcher-kva.example/%C3%A4');
    expect(urlHost('https://MÜNCHEN.de/')).toBe('xn--mnchen-3ya.de');
  });

  it('drops tracking and session parameters case-insensitively', () => {
    const url =
      'https://e.com/p?id=7&utm_source=x&UTM_Medium=y&fbclid=1&gclid=2&dclid=3&msclkid=4&mc_cid=5' +
      '&mc_eid=6&_ga=7&yclid=8&igshid=9&PHPSESSID=a&jsessionid=b&sid=c&SessionId=d&page=2';
    expect(normalizeUrl(url)).toBe('https://e.com/p?id=7&page=2');
  });

  it('drops extra parameters given in options', () => {
    expect(normalizeUrl('https://e.com/p?s=abc&t=1&Token=z', undefined, { dropParams: ['s', 'token'] })).toBe(
      'https://e.com/p?t=1',
    );
  });

  it('strips ;jsessionid path parameters', () => {
    expect(normalizeUrl('http://e.com/shop/item;jsessionid=0A1B2C?x=1')).toBe('http://e.com/shop/item?x=1');
    expect(normalizeUrl('http://e.com/a;JSESSIONID=zz/b')).toBe('http://e.com/a/b');
  });

  it('normalises percent-encoding: uppercase hex, unreserved characters decoded', () => {
    expect(normalizeUrl('http://e.com/%7euser/%41%62c%2d%5F?q=%e2%82%ac&k=%7E')).toBe(
      'http://e.com/~user/Abc-_?k=~&q=%E2%82%AC',
    );
    // Reserved characters stay encoded: decoding %2F would change the path structure.
    expect(normalizeUrl('http://e.com/a%2fb?x=a%26b')).toBe('http://e.com/a%2Fb?x=a%26b');
  });

  it('encodes spaces and non-ASCII the WHATWG way', () => {
    expect(normalizeUrl('http://e.com/a b/é')).toBe('http://e.com/a%20b/%C3%A9');
  });

  it('resolves relative references against a base', () => {
    expect(normalizeUrl('../x?b=1&a=2#f', 'https://e.com/dir/sub/page.html')).toBe('https://e.com/dir/x?a=2&b=1');
    expect(normalizeUrl('//other.org/p', 'https://e.com/')).toBe('https://other.org/p');
  });

  it.each([
    'mailto:a@b.c',
    'javascript:alert(1)',
    'ftp://e.com/file',
    'data:text/html,hi',
    'not a url',
    '',
    'http://',
    'file:///etc/passwd',
    'http://.../',
  ])('rejects %s', (input) => {
    expect(normalizeUrl(input)).toBeNull();
  });

  it('rejects URLs longer than the cap', () => {
    const okPath = 'a'.repeat(MAX_URL_LENGTH - 'http://e.com/'.length);
    expect(normalizeUrl(`http://e.com/${okPath}`)).toHaveLength(MAX_URL_LENGTH);
    expect(normalizeUrl(`http://e.com/${okPath}b`)).toBeNull();
    expect(normalizeUrl(`http://e.com/${'x'.repeat(100_000)}`)).toBeNull();
  });

  it('applies a per-target length cap', () => {
    const url = `http://e.com/${'a'.repeat(100)}`;
    expect(normalizeUrl(url)).toBe(url);
    expect(normalizeUrl(url, undefined, { maxLength: 64 })).toBeNull();
    expect(normalizeUrl(url, undefined, { maxLength: url.length })).toBe(url);
    // The cap applies to the normalised form: dropped parameters do not count against it.
    expect(normalizeUrl(`${url}?utm_source=${'x'.repeat(40)}`, undefined, { maxLength: url.length })).toBe(url);
    // A raised cap lets longer URLs through.
    const long = `http://e.com/${'b'.repeat(3000)}`;
    expect(normalizeUrl(long)).toBeNull();
    expect(normalizeUrl(long, undefined, { maxLength: 4096 })).toBe(long);
  });

  it('drops the session parameters of common engines', () => {
    const url = 'https://shop.example/item?id=3&session_id=a&sessid=b&CFID=1&CFTOKEN=2&osCsid=c&zenid=d&XTCsid=e&ASPSESSIONID=f&ttclid=g&srsltid=h';
    expect(normalizeUrl(url)).toBe('https://shop.example/item?id=3');
  });

  it('keeps generic parameter names that are content on many sites', () => {
    expect(normalizeUrl('https://e.com/search?s=drugs&session=1&page=2')).toBe('https://e.com/search?page=2&s=drugs&session=1');
  });

  it('strips ASP.NET cookieless session segments', () => {
    expect(normalizeUrl('http://e.com/(S(lit3py55t21z5v55vlm25s55))/orderform.aspx?a=1')).toBe('http://e.com/orderform.aspx?a=1');
    expect(normalizeUrl('http://e.com/app/(A(anon1)F(ticket2))/list')).toBe('http://e.com/app/list');
    expect(normalizeUrl('http://e.com/(S(x1))')).toBe('http://e.com/');
    // Parentheses that are not a session segment stay.
    expect(normalizeUrl('http://e.com/wiki/Paris_(France)/x')).toBe('http://e.com/wiki/Paris_(France)/x');
    expect(normalizeUrl('http://e.com/(Q(x))/a')).toBe('http://e.com/(Q(x))/a');
  });

  it('is idempotent', () => {
    const inputs = [
      'HTTP://Ex.com:80/a/../b/%7e?z=1&utm_campaign=q&a=%c3%a9#x',
      'https://user@bücher.example./;jsessionid=1?b&a',
      'http://e.com/(S(abc))/x?sid=1&q=%41',
    ];
    for (const input of inputs) {
      const once = normalizeUrl(input);
      expect(once).not.toBeNull();
      expect(normalizeUrl(once!)).toBe(once);
    }
  });
});

describe('urlHost and urlOrigin', () => {
  it('gives the lowercase host', () => {
    expect(urlHost('https://WWW.Example.org:8080/x')).toBe('www.example.org');
    expect(urlHost('mailto:x@y.z')).toBeNull();
    expect(urlHost('garbage')).toBeNull();
  });

  it('gives host:port with an explicit default port', () => {
    expect(urlOrigin('https://Example.org/x')).toBe('example.org:443');
    expect(urlOrigin('http://example.org/x')).toBe('example.org:80');
    expect(urlOrigin('http://example.org:8080/x')).toBe('example.org:8080');
    expect(urlOrigin('http://127.0.0.1:3000/')).toBe('127.0.0.1:3000');
    expect(urlOrigin('http://[::1]/')).toBe('[::1]:80');
    expect(urlOrigin('ftp://example.org/')).toBeNull();
    expect(urlOrigin('http://example.org.:8080/')).toBe('example.org:8080');
    expect(urlOrigin('http://.../')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { archivedResponseHeaders, blockHttpVersion, requestHead, responseHead } from '../../crawler/warc/http-block.ts';

const lines = (head: Buffer) => head.toString('latin1').split('\r\n');

describe('responseHead', () => {
  it('renames Transfer-Encoding, keeps Content-Encoding, ends with a blank line', () => {
    const head = responseHead({
      status: 200,
      headers: { 'content-type': 'text/html', 'content-encoding': 'gzip', 'transfer-encoding': 'chunked' },
      bodyBytes: 42,
    });
    expect(lines(head)).toEqual([
      'HTTP/1.1 200 OK',
      'content-type: text/html',
      'content-encoding: gzip',
      'x-orig-transfer-encoding: chunked',
      '',
      '',
    ]);
  });

  it('keeps a Content-Length that matches the stored body, and the original beside the truth otherwise', () => {
    expect(archivedResponseHeaders({ 'content-length': '42' }, 42)).toEqual([['content-length', '42']]);
    expect(archivedResponseHeaders({ 'content-length': '100' }, 42)).toEqual([
      ['x-orig-content-length', '100'],
      ['content-length', '42'],
    ]);
  });

  it('writes one line per value of a repeated header', () => {
    const head = responseHead({ status: 302, statusText: 'Moved', headers: { 'set-cookie': ['a=1', 'b=2'], location: '/x' }, bodyBytes: 0 });
    expect(lines(head)).toEqual(['HTTP/1.1 302 Moved', 'set-cookie: a=1', 'set-cookie: b=2', 'location: /x', '', '']);
  });

  it('gives back the wire bytes of latin1 header values (Node decodes them one byte per char)', () => {
    const wire = Buffer.from([0x63, 0x61, 0x66, 0xe9]); // "caf\xe9" as a server sent it
    const head = responseHead({ status: 200, headers: { 'x-name': wire.toString('latin1') }, bodyBytes: 0 });
    expect(head.includes(Buffer.concat([Buffer.from('x-name: '), wire, Buffer.from('\r\n')]))).toBe(true);
  });

  it('writes a value beyond latin1 as UTF-8 rather than mangling it', () => {
    const head = responseHead({ status: 200, headers: { 'x-note': '日本' }, bodyBytes: 0 });
    expect(head.includes(Buffer.from('x-note: 日本\r\n', 'utf8'))).toBe(true);
  });

  it('neutralises line breaks in values so no header can be injected', () => {
    const head = responseHead({ status: 200, headers: { 'x-evil': 'a\r\nset-cookie: forged' }, bodyBytes: 0 });
    expect(lines(head)).toContain('x-evil: a set-cookie: forged');
    expect(lines(head).filter((line) => line.startsWith('set-cookie'))).toEqual([]);
  });

  it('uses the standard reason phrase and writes non-1.x exchanges in HTTP/1.1 form', () => {
    expect(lines(responseHead({ status: 404, headers: {}, bodyBytes: 0 }))[0]).toBe('HTTP/1.1 404 Not Found');
    expect(lines(responseHead({ httpVersion: '1.0', status: 299, headers: {}, bodyBytes: 0 }))[0]).toBe('HTTP/1.0 299 ');
    expect(blockHttpVersion('2.0')).toBe('HTTP/1.1');
    expect(blockHttpVersion('HTTP/1.0')).toBe('HTTP/1.0');
  });
});

describe('requestHead', () => {
  it('writes the origin-form request line, adds Host, drops the fragment', () => {
    const head = requestHead({ url: 'http://exämple.test:8080/café?q=1#top', method: 'GET', headers: { 'user-agent': 'Vigie' } });
    expect(lines(head)).toEqual(['GET /caf%C3%A9?q=1 HTTP/1.1', 'host: xn--exmple-cua.test:8080', 'user-agent: Vigie', '', '']);
  });

  it('keeps a Host the caller sent, and redacts credentials', () => {
    const head = requestHead({
      url: 'http://example.test/',
      method: 'GET',
      headers: { Host: 'example.test', Authorization: 'Bearer s3cret', cookie: 'sid=abc', accept: '*/*' },
      redact: ['authorization', 'cookie'],
    });
    const text = head.toString('latin1');
    expect(lines(head)).toEqual(['GET / HTTP/1.1', 'Host: example.test', 'Authorization: [redacted]', 'cookie: [redacted]', 'accept: */*', '', '']);
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('sid=abc');
  });

  it('refuses a header name that would break the message, and a request without a URL', () => {
    expect(() => requestHead({ url: 'http://example.test/', method: 'GET', headers: { 'bad name': 'x' } })).toThrow(/header name/);
    expect(() => requestHead({ url: 'no url', method: 'GET', headers: {} })).toThrow(expect.objectContaining({ code: 'warc-bad-url' }));
  });
});

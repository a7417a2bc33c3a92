// fetchPage against real local servers through the real network guard. The "site" on 127.0.0.1
// is allowed as a private origin (as `--allow-private` would for a seed); 127.0.0.2 plays an
// internal host that must never be reached.
import { X509Certificate } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonRetryableError, RetryableError, ThrottledError, VigieError } from '../../config/errors.ts';
import { fetchPage } from '../../crawler/fetch-page.ts';
import type { FetchOptions } from '../../crawler/fetch-page.ts';
import { createNetworkGuard } from '../../crawler/network-guard.ts';
import type { NetworkGuard } from '../../crawler/network-guard.ts';
import {
  TEST_TLS,
  gzipBomb,
  repeatedBytes,
  routes,
  startHttpServer,
  startHttpsServer,
  startTcpServer,
  streamInto,
} from '../helpers/hostile-server.ts';
import type { Route, TestServer } from '../helpers/hostile-server.ts';

const MiB = 1024 * 1024;
const html = (res: ServerResponse, body: string | Buffer, headers: Record<string, string | number> = {}): void => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(body);
};
const redirect = (location: string, status = 302): Route => (_req, res) => {
  res.writeHead(status, { location }).end();
};

let site: TestServer;
let internal: TestServer;
let otherLocal: TestServer;
let silent: TestServer;
let partner: TestServer;
let partnerRequest: IncomingMessage | undefined;
let guard: NetworkGuard;
let options: FetchOptions;
const seen: { lastRequest?: IncomingMessage; chainHops: number; bomb: { inflatedBytes: number; wireBytes: number }; hugeBytes: { bytes: number } } = {
  chainHops: 0,
  bomb: { inflatedBytes: 0, wireBytes: 0 },
  hugeBytes: { bytes: 0 },
};
const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
// Fixed bytes, so the test can compare them with what the fetcher kept as evidence.
const GZIP_EVIDENCE = zlib.gzipSync('<p>evidence é</p>', { level: 9 });
const ETAG = 'W/"v1-abc"';
const LAST_MODIFIED = 'Tue, 01 Apr 2025 10:00:00 GMT';

function siteRoutes(): Record<string, Route> {
  return {
    '/page': (req, res) => {
      seen.lastRequest = req;
      html(res, '<!doctype html><title>Vigie</title><p>Bonjour, café ✓</p>', { 'x-test': 'yes' });
    },
    '/gzip': (_req, res) => html(res, zlib.gzipSync('<p>gzip é</p>'), { 'content-encoding': 'gzip' }),
    '/br': (_req, res) => html(res, zlib.brotliCompressSync('<p>brotli é</p>'), { 'content-encoding': 'br' }),
    '/deflate': (_req, res) => html(res, zlib.deflateSync('<p>zlib deflate</p>'), { 'content-encoding': 'deflate' }),
    '/raw-deflate': (_req, res) => html(res, zlib.deflateRawSync('<p>raw deflate</p>'), { 'content-encoding': 'deflate' }),
    '/corrupt-gzip': (_req, res) => html(res, Buffer.from('this is not gzip at all'), { 'content-encoding': 'gzip' }),
    '/compress': (_req, res) => html(res, Buffer.from('whatever'), { 'content-encoding': 'compress' }),
    '/bomb': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      streamInto(res, gzipBomb(10 * 1024 * MiB, seen.bomb));
    },
    '/huge': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      streamInto(res, repeatedBytes(Buffer.from('<p>padding</p>\n'.repeat(4096)), 300 * MiB, seen.hugeBytes));
    },
    '/huge-declared': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': 300 * MiB });
      streamInto(res, repeatedBytes(Buffer.alloc(64 * 1024, 0x20), 300 * MiB, { bytes: 0 }));
    },
    '/drip': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<p>');
      const timer = setInterval(() => res.write('.'), 1000);
      res.once('close', () => clearInterval(timer));
    },
    '/chain': (req, res) => {
      seen.chainHops++;
      const n = Number(new URL(req.url ?? '/', 'http://local').searchParams.get('n'));
      redirect(`/chain?n=${n + 1}`)(req, res);
    },
    '/loop-a': redirect('/loop-b'),
    '/loop-b': (_req, res) => {
      // A redirect with a large body: refusing the loop must not wait for (or leak) that body.
      res.writeHead(301, { location: '/loop-a#again', 'content-type': 'text/html' });
      streamInto(res, repeatedBytes(Buffer.alloc(64 * 1024, 0x20), 50 * MiB, { bytes: 0 }));
    },
    '/relative': redirect('sub/../page?from=relative', 307),
    '/to-internal': redirect(''), // replaced in beforeAll once the internal port is known
    '/latin1-header': (_req, res) => html(res, latin1('<p>Café crème à la carte</p>'), { 'content-type': 'text/html; charset=ISO-8859-1' }),
    '/cp1252-meta': (_req, res) =>
      html(res, latin1('<html><head><meta charset="windows-1252"></head><body><p>\x93Prix\x94 : 5 \x80</p></body></html>'), { 'content-type': 'text/html' }),
    '/utf8-bom': (_req, res) =>
      html(res, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<p>naïve</p>')]), { 'content-type': 'text/html; charset=iso-8859-1' }),
    '/shift-jis': (_req, res) =>
      html(res, Buffer.concat([Buffer.from('<p>'), Buffer.from([0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea]), Buffer.from('</p>')]), { 'content-type': 'text/html; charset=Shift_JIS' }),
    '/bad-utf8': (_req, res) => html(res, Buffer.concat([Buffer.from('<p>a'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('b</p>')])),
    '/no-type-html': (_req, res) => res.writeHead(200).end('\n  <!DOCTYPE html><html><p>untyped</p></html>'),
    '/no-type-binary': (_req, res) => res.writeHead(200).end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])),
    '/image': (_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.alloc(4096)),
    '/missing': (_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<p>gone</p>'),
    '/unavailable': (_req, res) => res.writeHead(503, { 'content-type': 'text/html' }).end('<p>later</p>'),
    '/throttled': (_req, res) => res.writeHead(429, { 'retry-after': '120' }).end(),
    '/throttled-date': (_req, res) => res.writeHead(429, { 'retry-after': new Date(Date.now() + 90_000).toUTCString() }).end(),
    '/throttled-forever': (_req, res) => res.writeHead(429, { 'retry-after': '999999' }).end(),
    '/throttled-bare': (_req, res) => res.writeHead(429).end(),
    '/gzip-evidence': (_req, res) => html(res, GZIP_EVIDENCE, { 'content-encoding': 'gzip' }),
    '/etag': (req, res) => {
      seen.lastRequest = req;
      if (req.headers['if-none-match'] === ETAG) res.writeHead(304, { etag: ETAG }).end();
      else html(res, '<p>tagged</p>', { etag: ETAG });
    },
    '/last-modified': (req, res) => {
      seen.lastRequest = req;
      if (req.headers['if-modified-since'] === LAST_MODIFIED) res.writeHead(304, { 'last-modified': LAST_MODIFIED }).end();
      else html(res, '<p>dated</p>', { 'last-modified': LAST_MODIFIED });
    },
    '/unasked-304': (_req, res) => res.writeHead(304).end(),
    '/to-etag': redirect('/etag'),
    '/huge-headers': (_req, res) => res.writeHead(200, { 'content-type': 'text/html', 'x-padding': 'a'.repeat(64 * 1024) }).end('<p>x</p>'),
  };
}

beforeAll(async () => {
  const table = siteRoutes();
  site = await startHttpServer(routes(table));
  internal = await startHttpServer((_req, res) => html(res, '<p>internal secrets</p>'), '127.0.0.2');
  otherLocal = await startHttpServer((_req, res) => html(res, '<p>another local service</p>'));
  partner = await startHttpServer((req, res) => {
    partnerRequest = req;
    html(res, '<p>partner site</p>');
  });
  silent = await startTcpServer(() => {
    // Accepts and never answers.
  });
  table['/to-internal'] = redirect(internal.url('/admin'));
  table['/to-metadata'] = redirect('http://169.254.169.254/latest/meta-data/iam/');
  table['/to-lan'] = redirect('http://10.0.0.1/');
  table['/to-ipv6-loopback'] = redirect(`http://[::1]:${site.port}/page`);
  table['/to-localhost'] = redirect(`http://localhost:${otherLocal.port}/`);
  table['/to-file'] = redirect('file:///etc/passwd');
  table['/to-partner'] = redirect(partner.url('/welcome'));
  table['/same-origin-hop'] = redirect('/page');
  guard = createNetworkGuard({ allowPrivateOrigins: [site.hostPort, silent.hostPort, partner.hostPort] });
  options = {
    guard,
    userAgent: 'VigieTest/1.0 (+https://example.invalid/bot)',
    connectTimeoutMs: 2000,
    readTimeoutMs: 2000,
    totalTimeoutMs: 10_000,
    maxRedirects: 5,
    maxBytes: 2 * MiB,
    maxDecompressedBytes: 4 * MiB,
    allowedContentTypes: ['text/html', 'application/xhtml+xml', 'text/plain'],
  };
});

afterAll(async () => {
  await guard?.close();
  await Promise.all([site, internal, otherLocal, silent, partner].map((server) => server?.close()));
});

async function fetchError(url: string, overrides: Partial<FetchOptions> = {}, signal?: AbortSignal): Promise<VigieError> {
  try {
    await fetchPage(url, { ...options, ...overrides }, signal);
  } catch (err) {
    expect(err).toBeInstanceOf(VigieError);
    return err as VigieError;
  }
  throw new Error(`expected ${url} to fail`);
}

/** Runs `task` while sampling RSS; returns its outcome, the RSS growth peak and the time taken. */
async function measured<T>(task: () => Promise<T>): Promise<{ outcome: T; peakRssGrowth: number; seconds: number }> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const started = performance.now();
  try {
    const outcome = await task();
    return { outcome, peakRssGrowth: peak - baseline, seconds: (performance.now() - started) / 1000 };
  } finally {
    clearInterval(sampler);
  }
}

describe('fetchPage: ordinary pages', () => {
  it('fetches a page with its metadata', async () => {
    const result = await fetchPage(site.url('/page'), options);
    expect(result).toMatchObject({
      url: site.url('/page'),
      finalUrl: site.url('/page'),
      status: 200,
      contentType: 'text/html',
      charset: 'utf-8',
      body: '<!doctype html><title>Vigie</title><p>Bonjour, café ✓</p>',
      redirects: [],
      remoteAddress: '127.0.0.1',
    });
    expect(result.headers['x-test']).toBe('yes');
    expect(result.bodyBytes).toBe(Buffer.byteLength(result.body));
    expect(result.wireBytes).toBe(result.bodyBytes);
    expect(new Date(result.startedAt).toISOString()).toBe(result.startedAt);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(seen.lastRequest?.headers['user-agent']).toBe(options.userAgent);
    expect(seen.lastRequest?.headers['accept-encoding']).toBe('gzip, deflate, br');
    expect(seen.lastRequest?.headers.accept).toContain('text/html');
  });

  it.each([
    ['/gzip', '<p>gzip é</p>'],
    ['/br', '<p>brotli é</p>'],
    ['/deflate', '<p>zlib deflate</p>'],
    ['/raw-deflate', '<p>raw deflate</p>'],
  ])('decompresses %s', async (path, expected) => {
    const result = await fetchPage(site.url(path), options);
    expect(result.body).toBe(expected);
    expect(result.bodyBytes).toBe(Buffer.byteLength(expected));
    expect(result.wireBytes).not.toBe(result.bodyBytes);
  });

  it('follows a relative redirect and reports the chain', async () => {
    const result = await fetchPage(site.url('/relative'), options);
    expect(result.finalUrl).toBe(site.url('/page?from=relative'));
    expect(result.redirects).toEqual([site.url('/page?from=relative')]);
    expect(result.body).toContain('Bonjour');
  });

  it('sniffs HTML when the content type is missing, and refuses other untyped bodies', async () => {
    const result = await fetchPage(site.url('/no-type-html'), options);
    expect(result.contentType).toBe('text/html');
    expect(result.body).toContain('untyped');
    expect((await fetchError(site.url('/no-type-binary'))).code).toBe('content-type-refused');
  });

  it('refuses content types outside the allowed list', async () => {
    const err = await fetchError(site.url('/image'));
    expect(err).toBeInstanceOf(NonRetryableError);
    expect(err.code).toBe('content-type-refused');
    expect(err.details.contentType).toBe('image/jpeg');
  });
});

describe('fetchPage: character sets', () => {
  it.each([
    ['/latin1-header', '<p>Café crème à la carte</p>', 'windows-1252'],
    ['/utf8-bom', '<p>naïve</p>', 'utf-8'],
    ['/shift-jis', '<p>日本語</p>', 'shift_jis'],
  ])('decodes %s', async (path, body, charset) => {
    const result = await fetchPage(site.url(path), options);
    expect(result.body).toBe(body);
    expect(result.charset).toBe(charset);
  });

  it('honours windows-1252 declared only in <meta>', async () => {
    const result = await fetchPage(site.url('/cp1252-meta'), options);
    expect(result.charset).toBe('windows-1252');
    expect(result.body).toContain('<p>“Prix” : 5 €</p>');
  });

  it('replaces malformed UTF-8 rather than failing', async () => {
    const result = await fetchPage(site.url('/bad-utf8'), options);
    expect(result.body).toBe('<p>a\ufffd(\ufffdb</p>');
  });
});

describe('fetchPage: statuses', () => {
  it('maps 404 to a non-retryable error and 503 to a retryable one', async () => {
    const missing = await fetchError(site.url('/missing'));
    expect(missing).toBeInstanceOf(NonRetryableError);
    expect(missing.code).toBe('http-status');
    expect(missing.details.status).toBe(404);
    const unavailable = await fetchError(site.url('/unavailable'));
    expect(unavailable).toBeInstanceOf(RetryableError);
    expect(unavailable).not.toBeInstanceOf(ThrottledError);
    expect(unavailable.code).toBe('http-status');
    expect(unavailable.details.status).toBe(503);
  });

  it('maps 429 to a throttle with the Retry-After delay', async () => {
    const seconds = await fetchError(site.url('/throttled'));
    expect(seconds).toBeInstanceOf(ThrottledError);
    expect(seconds.code).toBe('http-429');
    expect((seconds as ThrottledError).retryAfterMs).toBe(120_000);
    const date = (await fetchError(site.url('/throttled-date'))) as ThrottledError;
    expect(date.retryAfterMs).toBeGreaterThan(80_000);
    expect(date.retryAfterMs).toBeLessThanOrEqual(90_000);
    expect(((await fetchError(site.url('/throttled-forever'))) as ThrottledError).retryAfterMs).toBe(3_600_000);
    expect(((await fetchError(site.url('/throttled-bare'))) as ThrottledError).retryAfterMs).toBe(30_000);
  });

  it('refuses unknown and corrupt encodings', async () => {
    expect((await fetchError(site.url('/compress'))).code).toBe('bad-encoding');
    const corrupt = await fetchError(site.url('/corrupt-gzip'));
    expect(corrupt).toBeInstanceOf(NonRetryableError);
    expect(corrupt.code).toBe('bad-encoding');
  });

  it('refuses oversized response headers', async () => {
    expect((await fetchError(site.url('/huge-headers'))).code).toBe('headers-too-large');
  });

  it('rejects a string that is not a URL', async () => {
    expect((await fetchError('not a url')).code).toBe('bad-url');
  });
});

describe('fetchPage: redirects', () => {
  it('detects a redirect loop', async () => {
    const err = await fetchError(site.url('/loop-a'));
    expect(err).toBeInstanceOf(NonRetryableError);
    expect(err.code).toBe('redirect-loop');
  });

  it('stops after maxRedirects', async () => {
    seen.chainHops = 0;
    const err = await fetchError(site.url('/chain?n=0'), { maxRedirects: 3 });
    expect(err.code).toBe('too-many-redirects');
    expect(seen.chainHops).toBe(4);
  });

  it.each([
    ['/to-internal', 'another loopback address'],
    ['/to-metadata', 'the cloud metadata address'],
    ['/to-lan', 'a LAN address'],
    ['/to-ipv6-loopback', 'IPv6 loopback'],
    ['/to-localhost', 'a host name that resolves to loopback'],
  ])('refuses a redirect from %s to %s without connecting', async (path) => {
    const internalBefore = internal.acceptedConnections();
    const otherBefore = otherLocal.acceptedConnections();
    const err = await fetchError(site.url(path));
    expect(err).toBeInstanceOf(NonRetryableError);
    expect(err.code).toBe('network-refused');
    expect(internal.acceptedConnections()).toBe(internalBefore);
    expect(otherLocal.acceptedConnections()).toBe(otherBefore);
  });

  it('never contacted the internal servers at all', () => {
    expect(internal.acceptedConnections()).toBe(0);
    expect(otherLocal.acceptedConnections()).toBe(0);
  });

  it('keeps credentials on same-origin hops and drops them on cross-origin ones', async () => {
    const headers = { authorization: 'Bearer secret', cookie: 'session=1', 'x-case': 'kept' };
    await fetchPage(site.url('/same-origin-hop'), { ...options, headers });
    expect(seen.lastRequest?.headers).toMatchObject({ authorization: 'Bearer secret', cookie: 'session=1', 'x-case': 'kept' });
    const result = await fetchPage(site.url('/to-partner'), { ...options, headers });
    expect(result.finalUrl).toBe(partner.url('/welcome'));
    expect(partnerRequest?.headers['x-case']).toBe('kept');
    expect(partnerRequest?.headers.authorization).toBeUndefined();
    expect(partnerRequest?.headers.cookie).toBeUndefined();
  });

  it('refuses a redirect to a non-http scheme', async () => {
    expect((await fetchError(site.url('/to-file'))).code).toBe('unsupported-scheme');
  });

  it('re-checks addresses at connection time (DNS rebinding)', async () => {
    let lookups = 0;
    const rebinding = createNetworkGuard({
      allowPrivateOrigins: [site.hostPort],
      // First answer (the URL check) is public; every later one (the connection) is internal.
      resolveHost: async () => {
        lookups++;
        return [{ address: lookups === 1 ? '93.184.216.34' : '127.0.0.2', family: 4 }];
      },
    });
    try {
      const err = await fetchError(`http://rebind.test:${internal.port}/`, { guard: rebinding });
      expect(err.code).toBe('network-refused');
      expect(err.details.address).toBe('127.0.0.2');
      expect(lookups).toBe(2);
      expect(internal.acceptedConnections()).toBe(0);
    } finally {
      await rebinding.close();
    }
  });
});

describe('fetchPage: connection-time resolution', () => {
  it('times out a connection whose resolution hangs', async () => {
    let lookups = 0;
    const hanging = createNetworkGuard({
      allowPrivateOrigins: [site.hostPort],
      connectTimeoutMs: 300,
      resolveHost: async () => {
        lookups++;
        if (lookups === 1) return [{ address: '93.184.216.34', family: 4 }];
        return new Promise<never>(() => {});
      },
    });
    try {
      const { outcome: err, seconds } = await measured(() =>
        fetchError('http://stalled.test/', { guard: hanging, connectTimeoutMs: 5000, readTimeoutMs: 5000 }),
      );
      expect(err).toBeInstanceOf(RetryableError);
      expect(err.code).toBe('timeout');
      expect(err.details.timeoutMs).toBe(300);
      expect(seconds).toBeLessThan(5);
    } finally {
      await hanging.close();
    }
  });
});

describe('fetchPage: evidence', () => {
  it('keeps the body as received, still gzip-compressed, beside the decoded one', async () => {
    const result = await fetchPage(site.url('/gzip-evidence'), options);
    expect(result.body).toBe('<p>evidence é</p>');
    expect(result.rawBody.equals(GZIP_EVIDENCE)).toBe(true);
    expect(result.wireBytes).toBe(GZIP_EVIDENCE.length);
    expect(result.headers['content-encoding']).toBe('gzip');
  });

  it('keeps an uncompressed body as its bytes', async () => {
    const result = await fetchPage(site.url('/latin1-header'), options);
    expect(result.rawBody.equals(latin1('<p>Café crème à la carte</p>'))).toBe(true);
  });

  it('reports exactly the request headers the server received, and the status line', async () => {
    const headers = { 'X-Case': 'kept', Accept: 'text/html' };
    const result = await fetchPage(site.url('/page'), { ...options, headers });
    const received = seen.lastRequest!.rawHeaders;
    const receivedPairs = Array.from({ length: received.length / 2 }, (_, i) => [received[2 * i]!, received[2 * i + 1]!]);
    expect(Object.entries(result.requestHeaders)).toEqual(receivedPairs);
    expect(result.requestHeaders).toMatchObject({ host: site.hostPort, 'user-agent': options.userAgent, Accept: 'text/html', 'X-Case': 'kept' });
    // A configured Accept replaces the default one rather than being sent beside it.
    expect(receivedPairs.filter(([name]) => name!.toLowerCase() === 'accept')).toHaveLength(1);
    expect(result.statusText).toBe('OK');
    expect(result.httpVersion).toBe('1.1');
    expect(result.notModified).toBe(false);
    expect(result.tls).toBeNull();
  });

  it('reports the final hop of a redirect chain, and each redirect as exchanged', async () => {
    const result = await fetchPage(site.url('/relative'), options);
    expect(seen.lastRequest?.url).toBe('/page?from=relative');
    expect(result.requestHeaders.host).toBe(site.hostPort);
    expect(Object.keys(result.requestHeaders)).toHaveLength(seen.lastRequest!.rawHeaders.length / 2);
    expect(result.redirectHops).toEqual([
      {
        url: site.url('/relative'),
        status: 307,
        statusText: 'Temporary Redirect',
        httpVersion: '1.1',
        requestHeaders: result.requestHeaders,
        responseHeaders: expect.objectContaining({ location: 'sub/../page?from=relative' }),
        remoteAddress: '127.0.0.1',
        fetchedAt: expect.any(String),
      },
    ]);
  });

  it('refuses a configured header value that could inject another header', async () => {
    const err = await fetchError(site.url('/page'), { headers: { 'x-note': 'a\r\nx-injected: 1' } });
    expect(err).toBeInstanceOf(NonRetryableError);
    expect(err.code).toBe('bad-header');
  });
});

describe('fetchPage: conditional requests', () => {
  it('answers a matching ETag with a 304 result, not an error', async () => {
    const first = await fetchPage(site.url('/etag'), options);
    expect(first).toMatchObject({ status: 200, notModified: false, body: '<p>tagged</p>' });
    expect(seen.lastRequest?.headers['if-none-match']).toBeUndefined();
    const again = await fetchPage(site.url('/etag'), { ...options, conditional: { etag: first.headers.etag } });
    expect(seen.lastRequest?.headers['if-none-match']).toBe(ETAG);
    expect(again).toMatchObject({ status: 304, notModified: true, body: '', bodyBytes: 0, wireBytes: 0 });
    expect(again.rawBody).toHaveLength(0);
    expect(again.requestHeaders['if-none-match']).toBe(ETAG);
    expect(again.headers.etag).toBe(ETAG);
  });

  it('answers a matching Last-Modified with a 304 result', async () => {
    const first = await fetchPage(site.url('/last-modified'), options);
    expect(first.status).toBe(200);
    const again = await fetchPage(site.url('/last-modified'), { ...options, conditional: { lastModified: first.headers['last-modified'] } });
    expect(seen.lastRequest?.headers['if-modified-since']).toBe(LAST_MODIFIED);
    expect(again).toMatchObject({ status: 304, notModified: true, body: '' });
  });

  it('fetches in full when the stored validator no longer matches', async () => {
    const result = await fetchPage(site.url('/etag'), { ...options, conditional: { etag: '"stale"', lastModified: LAST_MODIFIED } });
    expect(seen.lastRequest?.headers).toMatchObject({ 'if-none-match': '"stale"', 'if-modified-since': LAST_MODIFIED });
    expect(result).toMatchObject({ status: 200, notModified: false, body: '<p>tagged</p>' });
  });

  it('drops stored values that could inject headers, and fetches unconditionally', async () => {
    const result = await fetchPage(site.url('/etag'), {
      ...options,
      conditional: { etag: `${ETAG}\r\nx-injected: 1`, lastModified: 'Tue\n, 01 Apr 2025' },
    });
    expect(result.status).toBe(200);
    expect(seen.lastRequest?.headers['if-none-match']).toBeUndefined();
    expect(seen.lastRequest?.headers['if-modified-since']).toBeUndefined();
    expect(seen.lastRequest?.headers['x-injected']).toBeUndefined();
  });

  it('keeps validators on same-origin redirects and drops them on cross-origin ones', async () => {
    const same = await fetchPage(site.url('/to-etag'), { ...options, conditional: { etag: ETAG } });
    expect(same).toMatchObject({ status: 304, notModified: true, finalUrl: site.url('/etag') });
    const cross = await fetchPage(site.url('/to-partner'), { ...options, conditional: { etag: ETAG, lastModified: LAST_MODIFIED } });
    expect(cross).toMatchObject({ status: 200, finalUrl: partner.url('/welcome') });
    expect(cross.requestHeaders['if-none-match']).toBeUndefined();
    expect(partnerRequest?.headers['if-none-match']).toBeUndefined();
    expect(partnerRequest?.headers['if-modified-since']).toBeUndefined();
  });

  it('still treats a 304 that answers no validator as an unexpected status', async () => {
    const err = await fetchError(site.url('/unasked-304'));
    expect(err.code).toBe('http-status');
    expect(err.details.status).toBe(304);
  });
});

describe('fetchPage: https', () => {
  it('fetches over TLS by host name (SNI) and by IP, verifying the certificate', async () => {
    const secure = await startHttpsServer((_req, res) => html(res, '<p>over tls</p>'));
    const origins = [`localhost:${secure.port}`, `127.0.0.1:${secure.port}`];
    const trusting = createNetworkGuard({ allowPrivateOrigins: origins, tls: { ca: TEST_TLS.cert } });
    const untrusting = createNetworkGuard({ allowPrivateOrigins: origins });
    try {
      const byName = await fetchPage(secure.httpsUrl('/a', 'localhost'), { ...options, guard: trusting });
      expect(byName.body).toBe('<p>over tls</p>');
      expect(byName.remoteAddress).toBe('127.0.0.1');
      expect(byName.tls).toMatchObject({
        protocol: expect.stringMatching(/^TLSv1\.[23]$/),
        subject: 'CN=localhost',
        issuer: 'CN=localhost',
        subjectAltName: expect.stringContaining('IP Address:127.0.0.1'),
        fingerprint256: new X509Certificate(TEST_TLS.cert).fingerprint256,
        serialNumber: '01',
        validTo: '2100-01-01T00:00:00.000Z',
        authorized: true,
        authorizationError: null,
      });
      const byIp = await fetchPage(secure.httpsUrl('/b'), { ...options, guard: trusting });
      expect(byIp.body).toBe('<p>over tls</p>');
      const untrusted = await fetchError(secure.httpsUrl('/c', 'localhost'), { guard: untrusting });
      expect(untrusted).toBeInstanceOf(NonRetryableError);
      expect(untrusted.code).toBe('tls-failed');
    } finally {
      await Promise.all([trusting.close(), untrusting.close(), secure.close()]);
    }
  });
});

describe('fetchPage: concurrent connections to one host', () => {
  // One name, two servers: 127.0.0.1 and 127.0.0.2 on the same port, the resolver alternating
  // between them, so two fetches run at once over connections to different addresses. Each server
  // says who it is (header and body); each result must describe its own connection, not whichever
  // connection to the host opened last.
  it('reports for each hop the address of the connection that carried it', async () => {
    const together = answerInPairs();
    const twins = await startTwinServers((identity) => http.createServer(twinHandler(identity, together)));
    const alternating = alternatingGuard(twins.port);
    try {
      const url = `http://twin.test:${twins.port}/start`;
      const results = await Promise.all([fetchPage(url, { ...options, guard: alternating }), fetchPage(url, { ...options, guard: alternating })]);
      const firstHops = results.map((result) => result.redirectHops[0]!);
      // The premise: the two first hops really went to different servers at the same time.
      expect(new Set(firstHops.map((hop) => hop.responseHeaders['x-served-by']))).toEqual(new Set(['127.0.0.1', '127.0.0.2']));
      for (const hop of firstHops) expect(hop.remoteAddress).toBe(hop.responseHeaders['x-served-by']);
      for (const result of results) {
        expect(result.body).toBe(`<p>served by ${result.headers['x-served-by']}</p>`);
        expect(result.remoteAddress).toBe(result.headers['x-served-by']);
      }
    } finally {
      await alternating.close();
      await twins.close();
    }
  });

  it('reports for each page the certificate of the connection that carried it', async () => {
    const together = answerInPairs();
    const certificates: Record<string, { key: string; cert: string; subject: string }> = {
      '127.0.0.1': { ...TEST_TLS, subject: 'CN=localhost' },
      '127.0.0.2': { ...TWIN_TLS, subject: 'CN=twin-b' },
    };
    const twins = await startTwinServers((identity) => https.createServer(certificates[identity]!, twinHandler(identity, together)));
    const alternating = alternatingGuard(twins.port, { rejectUnauthorized: false });
    try {
      const url = `https://twin.test:${twins.port}/page`;
      const results = await Promise.all([fetchPage(url, { ...options, guard: alternating }), fetchPage(url, { ...options, guard: alternating })]);
      expect(new Set(results.map((result) => result.headers['x-served-by']))).toEqual(new Set(['127.0.0.1', '127.0.0.2']));
      for (const result of results) {
        const identity = result.headers['x-served-by']!;
        expect(result.remoteAddress).toBe(identity);
        expect(result.tls?.subject).toBe(certificates[identity]!.subject);
      }
    } finally {
      await alternating.close();
      await twins.close();
    }
  });
});

/** A second self-signed certificate (CN=twin-b), so that two servers can be told apart by TLS. */
const TWIN_TLS = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgu6BsiqZ9CI9jEkzi
1l2uPcF15wF+svNpKOtmP6sv/omhRANCAARwETLVZe0IzJvPhWLvSar2Aq1p70ve
p8Nq67LK1uk7/I2yyEkQcPQsJSeFf1i19mouduxD4yHnCAtXYDVGrBb8
-----END PRIVATE KEY-----
`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBfTCCASKgAwIBAgIBAjAKBggqhkjOPQQDAjARMQ8wDQYDVQQDDAZ0d2luLWIw
IBcNMjYxMTIzMDc1NDAyWhgPMjEyNjEwMzAwNzU0MDJaMBExDzANBgNVBAMMBnR3
aW4tYjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABHARMtVl7QjMm8+FYu9JqvYC
rWnvS96nw2rrssrW6Tv8jbLISRBw9CwlJ4V/WLX2ai527EPjIecIC1dgNUasFvyj
aTBnMB0GA1UdDgQWBBQMQg/b0SkUxY5bCTzpy2x8SOqHhTAfBgNVHSMEGDAWgBQM
Qg/b0SkUxY5bCTzpy2x8SOqHhTAPBgNVHRMBAf8EBTADAQH/MBQGA1UdEQQNMAuC
CXR3aW4udGVzdDAKBggqhkjOPQQDAgNJADBGAiEA0C5PIvI2Halq4yRv12zAzc/k
Q4xzXER4UM7efEzR5d0CIQDPkwiYhQVq3MJ/LN5gblrUy/VgWCw4kYoxfAyld3RH
hw==
-----END CERTIFICATE-----
`,
};

type AnswerTogether = (path: string, answer: () => void) => void;

/** Holds the answers to each path until two requests wait on it, so both connections are open. */
function answerInPairs(): AnswerTogether {
  const waiting = new Map<string, Array<() => void>>();
  return (path, answer) => {
    const queue = waiting.get(path) ?? [];
    waiting.set(path, queue);
    queue.push(answer);
    if (queue.length === 2) for (const release of queue.splice(0)) release();
  };
}

/** `/start` redirects to `/page`; both answers name the server (`x-served-by` and the body). */
function twinHandler(identity: string, together: AnswerTogether): http.RequestListener {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://twin').pathname;
    together(path, () => {
      if (path === '/start') res.writeHead(302, { location: '/page', 'x-served-by': identity }).end();
      else html(res, `<p>served by ${identity}</p>`, { 'x-served-by': identity });
    });
  };
}

function alternatingGuard(port: number, tls?: { rejectUnauthorized: boolean }): NetworkGuard {
  let lookups = 0;
  return createNetworkGuard({
    allowPrivateOrigins: [`twin.test:${port}`],
    resolveHost: async () => [{ address: lookups++ % 2 === 0 ? '127.0.0.1' : '127.0.0.2', family: 4 }],
    tls,
  });
}

/** Servers made by `create` on 127.0.0.1 and 127.0.0.2 at one port, each told which it serves. */
async function startTwinServers(create: (identity: string) => http.Server | https.Server): Promise<{ port: number; close(): Promise<void> }> {
  for (let attempt = 0; ; attempt++) {
    const first = create('127.0.0.1');
    await new Promise<void>((resolve) => first.listen(0, '127.0.0.1', resolve));
    const { port } = first.address() as AddressInfo;
    const second = create('127.0.0.2');
    const listening = await new Promise<boolean>((resolve) => {
      second.once('error', () => resolve(false));
      second.listen(port, '127.0.0.2', () => resolve(true));
    });
    const servers = listening ? [first, second] : [first];
    const close = async (): Promise<void> => {
      await Promise.all(
        servers.map((server) => {
          server.closeAllConnections();
          return new Promise<void>((resolve) => server.close(() => resolve()));
        }),
      );
    };
    if (listening) return { port, close };
    // That port was taken on 127.0.0.2: try another.
    await close();
    if (attempt === 5) throw new Error('no port free on both 127.0.0.1 and 127.0.0.2');
  }
}

describe('fetchPage: hostile servers', () => {
  it('refuses a 10 GiB gzip bomb at the decompressed cap, in bounded time and memory', async () => {
    const { outcome: err, peakRssGrowth, seconds } = await measured(() => fetchError(site.url('/bomb'), { maxBytes: 64 * MiB }));
    expect(err).toBeInstanceOf(NonRetryableError);
    expect(err.code).toBe('decompressed-too-large');
    expect(err.details.seenBytes).toBeLessThanOrEqual(options.maxDecompressedBytes + MiB);
    expect(seconds).toBeLessThan(20);
    expect(peakRssGrowth).toBeLessThan(200 * MiB);
  });

  it('refuses a 300 MB streamed page at maxBytes without reading it all', async () => {
    seen.hugeBytes.bytes = 0;
    const { outcome: err, peakRssGrowth, seconds } = await measured(() => fetchError(site.url('/huge')));
    expect(err.code).toBe('body-too-large');
    expect(err.details.seenBytes).toBeLessThanOrEqual(options.maxBytes + MiB);
    expect(seconds).toBeLessThan(20);
    expect(peakRssGrowth).toBeLessThan(200 * MiB);
    // The server stops once the client hangs up; socket buffers hold at most a few megabytes.
    await expect.poll(() => site.openConnections(), { timeout: 5000 }).toBeLessThanOrEqual(1);
    expect(seen.hugeBytes.bytes).toBeLessThan(100 * MiB);
  });

  it('refuses a declared Content-Length above maxBytes before reading', async () => {
    const err = await fetchError(site.url('/huge-declared'));
    expect(err.code).toBe('body-too-large');
    expect(err.details.contentLength).toBe(300 * MiB);
  });

  it('ends a one-byte-per-second body at totalTimeoutMs', async () => {
    const { outcome: err, seconds } = await measured(() =>
      fetchError(site.url('/drip'), { totalTimeoutMs: 3000, readTimeoutMs: 2000 }),
    );
    expect(err).toBeInstanceOf(RetryableError);
    expect(err.code).toBe('timeout');
    expect(err.details.phase).toBe('total');
    expect(seconds).toBeLessThan(10);
  });

  it('gives up on a server that accepts and never answers', async () => {
    const { outcome: err, seconds } = await measured(() =>
      fetchError(silent.url('/'), { connectTimeoutMs: 1000, readTimeoutMs: 1000, totalTimeoutMs: 30_000 }),
    );
    expect(err).toBeInstanceOf(RetryableError);
    expect(err.code).toBe('timeout');
    expect(seconds).toBeLessThan(10);
    expect(silent.acceptedConnections()).toBeGreaterThan(0);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutting down')), 200);
    const err = await fetchError(site.url('/drip'), {}, controller.signal);
    expect(err).toBeInstanceOf(RetryableError);
    expect(err.code).toBe('aborted');
  });

  it('leaves no sockets or timers behind after 200 failing fetches', async () => {
    const before = resourceCounts();
    const failing = ['/missing', '/image', '/unavailable', '/huge-declared', '/compress', '/to-internal', '/loop-a', '/no-type-binary'];
    const codes = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const err = await fetchError(site.url(failing[i % failing.length]!));
      codes.set(err.code, (codes.get(err.code) ?? 0) + 1);
    }
    expect([...codes.keys()].sort()).toEqual(
      ['bad-encoding', 'body-too-large', 'content-type-refused', 'http-status', 'network-refused', 'redirect-loop'].sort(),
    );
    await expect.poll(() => site.openConnections(), { timeout: 5000 }).toBeLessThanOrEqual(1);
    const after = resourceCounts();
    expect(after.sockets - before.sockets).toBeLessThanOrEqual(2);
    expect(after.timers - before.timers).toBeLessThanOrEqual(5);
  });
});

function resourceCounts(): { sockets: number; timers: number } {
  const resources = process.getActiveResourcesInfo();
  return {
    sockets: resources.filter((name) => name === 'TCPSocketWrap').length,
    timers: resources.filter((name) => name === 'Timeout').length,
  };
}

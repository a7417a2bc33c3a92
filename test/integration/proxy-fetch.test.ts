// fetchPage through real local proxies: an HTTP CONNECT proxy, SOCKS5 with local resolution and
// socks5h with the proxy resolving names. The test SOCKS server maps `*.onion` names to loopback
// servers: that is how Tor is simulated. Sites on 127.0.0.1 are allowed private origins, as
// `--allow-private` would allow a seed; 127.0.0.2 plays an internal host.
import crypto from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, NonRetryableError, RetryableError, VigieError } from '../../config/errors.ts';
import { fetchPage } from '../../crawler/fetch-page.ts';
import type { FetchOptions } from '../../crawler/fetch-page.ts';
import { createNetworkGuard } from '../../crawler/network-guard.ts';
import type { NetworkGuard, NetworkGuardOptions } from '../../crawler/network-guard.ts';
import { TEST_TLS, routes, startHttpServer, startHttpsServer } from '../helpers/hostile-server.ts';
import type { TestServer } from '../helpers/hostile-server.ts';
import { freePort } from '../helpers/net.ts';
import { startHttpConnectProxy, startSocks5Server } from '../helpers/proxy-servers.ts';
import type { TestConnectProxy, TestSocksServer } from '../helpers/proxy-servers.ts';

const ONION = 'vigietestxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion';
const CREDENTIALS = { username: 'analyst', password: 's3cret:p@ss' };
const CERT = new crypto.X509Certificate(TEST_TLS.cert);

let site: TestServer;
let secure: TestServer & { httpsUrl(path: string, hostName?: string): string };
let internal: TestServer;
let lastSiteRequest: IncomingMessage | undefined;
const guards: NetworkGuard[] = [];

const baseOptions = (guard: NetworkGuard): FetchOptions => ({
  guard,
  userAgent: 'VigieTest/1.0',
  connectTimeoutMs: 3000,
  readTimeoutMs: 3000,
  totalTimeoutMs: 10_000,
  maxRedirects: 3,
  maxBytes: 1024 * 1024,
  maxDecompressedBytes: 2 * 1024 * 1024,
  allowedContentTypes: ['text/html'],
});

function guardWith(options: NetworkGuardOptions): NetworkGuard {
  const guard = createNetworkGuard({ allowPrivateOrigins: [site.hostPort, secure.hostPort], tls: { ca: TEST_TLS.cert }, ...options });
  guards.push(guard);
  return guard;
}

/** A resolver that must never be asked (socks5h, onions): counts and fails. */
function forbiddenDns(): { resolveHost: (host: string) => Promise<LookupAddress[]>; lookups: string[] } {
  const lookups: string[] = [];
  return {
    lookups,
    resolveHost: async (host) => {
      lookups.push(host);
      throw Object.assign(new Error(`unexpected DNS lookup of ${host}`), { code: 'EAI_FAIL' });
    },
  };
}

const fakeDns = (table: Record<string, string>) => async (host: string): Promise<LookupAddress[]> => {
  const address = table[host];
  if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return [{ address, family: 4 }];
};

async function fetchError(url: string, guard: NetworkGuard): Promise<VigieError> {
  try {
    await fetchPage(url, baseOptions(guard));
  } catch (err) {
    expect(err).toBeInstanceOf(VigieError);
    return err as VigieError;
  }
  throw new Error(`expected ${url} to fail`);
}

beforeAll(async () => {
  const page = (body: string) => (req: IncomingMessage, res: ServerResponse) => {
    lastSiteRequest = req;
    res.writeHead(200, { 'content-type': 'text/html' }).end(body);
  };
  site = await startHttpServer(routes({ '/page': page('<p>plain site</p>'), '/hidden': page('<p>hidden service</p>') }));
  secure = await startHttpsServer(routes({ '/secure': page('<p>over tls</p>') }));
  internal = await startHttpServer(page('<p>internal secrets</p>'), '127.0.0.2');
});

afterEach(async () => {
  await Promise.all(guards.splice(0).map((guard) => guard.close()));
});

afterAll(async () => {
  await Promise.all([site, secure, internal].map((server) => server?.close()));
});

describe('through an HTTP CONNECT proxy', () => {
  let proxy: TestConnectProxy;
  beforeAll(async () => {
    proxy = await startHttpConnectProxy();
  });
  afterAll(() => proxy.close());

  it('carries an http fetch in a tunnel to the checked address', async () => {
    const guard = guardWith({ proxy: proxy.url(), resolveHost: fakeDns({ 'site.test': '127.0.0.1' }), allowPrivateOrigins: [`site.test:${site.port}`] });
    const before = proxy.requests.length;
    const result = await fetchPage(`http://site.test:${site.port}/page`, baseOptions(guard));
    expect(result.body).toBe('<p>plain site</p>');
    // The proxy is told the address the guard checked, never the name it could resolve otherwise.
    expect(proxy.requests.slice(before)).toEqual([{ authority: `127.0.0.1:${site.port}`, proxyAuthorization: undefined }]);
    expect(lastSiteRequest?.headers.host).toBe(`site.test:${site.port}`);
    expect(result.remoteAddress).toBe('127.0.0.1');
    expect(result.tls).toBeNull();
  });

  it('carries an https fetch with TLS end to end, and summarises the certificate', async () => {
    const guard = guardWith({ proxy: proxy.url() });
    const result = await fetchPage(secure.httpsUrl('/secure'), baseOptions(guard));
    expect(result.body).toBe('<p>over tls</p>');
    expect(proxy.requests.at(-1)?.authority).toBe(`127.0.0.1:${secure.port}`);
    expect(result.tls).toMatchObject({
      subject: 'CN=localhost',
      issuer: 'CN=localhost',
      fingerprint256: CERT.fingerprint256,
      authorized: true,
      authorizationError: null,
    });
  });

  it('authenticates with Basic credentials, and reports a refusal without the password', async () => {
    const locked = await startHttpConnectProxy({ credentials: CREDENTIALS });
    try {
      const ok = await fetchPage(site.url('/page'), baseOptions(guardWith({ proxy: locked.url(CREDENTIALS) })));
      expect(ok.body).toBe('<p>plain site</p>');
      const basic = locked.requests.at(-1)?.proxyAuthorization ?? '';
      expect(Buffer.from(basic.replace(/^Basic /, ''), 'base64').toString()).toBe('analyst:s3cret:p@ss');

      const wrong = { username: 'analyst', password: 'wrong-secret' };
      for (const url of [locked.url(wrong), locked.url()]) {
        const err = await fetchError(site.url('/page'), guardWith({ proxy: url }));
        expect(err).toBeInstanceOf(NonRetryableError);
        expect(err.code).toBe('proxy-auth');
        expect(err.message).not.toContain('wrong-secret');
        expect(JSON.stringify(err.details)).not.toContain('wrong-secret');
        // Commercial proxies carry API keys and sessions in the user name: masked as well.
        expect(`${err.message} ${JSON.stringify(err.details)}`).not.toContain('analyst');
      }
    } finally {
      await locked.close();
    }
  });

  it('reports a target the proxy cannot reach as retryable', async () => {
    const closedPort = await freePort();
    const guard = guardWith({ proxy: proxy.url(), allowPrivateOrigins: [`127.0.0.1:${closedPort}`] });
    const err = await fetchError(`http://127.0.0.1:${closedPort}/`, guard);
    expect(err).toBeInstanceOf(RetryableError);
    expect(err.code).toBe('proxy-target-unreachable');
    expect(err.details.reply).toBe(502);
  });

  it('still refuses internal addresses, before asking the proxy', async () => {
    const guard = guardWith({ proxy: proxy.url(), resolveHost: fakeDns({ 'evil.test': '127.0.0.2' }) });
    const before = proxy.acceptedConnections();
    expect((await fetchError(`http://evil.test:${internal.port}/`, guard)).code).toBe('network-refused');
    expect((await fetchError(internal.url('/'), guard)).code).toBe('network-refused');
    expect(proxy.acceptedConnections()).toBe(before);
    expect(internal.acceptedConnections()).toBe(0);
  });
});

describe('through a SOCKS5 proxy resolving locally (socks5://)', () => {
  let socks: TestSocksServer;
  beforeAll(async () => {
    socks = await startSocks5Server();
  });
  afterAll(() => socks.close());

  it('resolves and checks the name here, and sends the proxy the checked IP', async () => {
    const guard = guardWith({
      proxy: socks.url('socks5'),
      resolveHost: fakeDns({ 'site.test': '127.0.0.1' }),
      allowPrivateOrigins: [`site.test:${site.port}`],
    });
    const before = socks.requests.length;
    const result = await fetchPage(`http://site.test:${site.port}/page`, baseOptions(guard));
    expect(result.body).toBe('<p>plain site</p>');
    expect(socks.requests.slice(before)).toEqual([{ type: 'ipv4', host: '127.0.0.1', port: site.port }]);
    expect(result.remoteAddress).toBe('127.0.0.1');
  });

  it('refuses a name resolving to a private address without contacting the proxy', async () => {
    const guard = guardWith({ proxy: socks.url('socks5'), resolveHost: fakeDns({ 'rebind.test': '127.0.0.2' }) });
    const before = socks.acceptedConnections();
    const err = await fetchError(`http://rebind.test:${internal.port}/`, guard);
    expect(err.code).toBe('network-refused');
    expect(err.details.address).toBe('127.0.0.2');
    expect(socks.acceptedConnections()).toBe(before);
  });

  it('carries https with the certificate summary', async () => {
    const result = await fetchPage(secure.httpsUrl('/secure', 'localhost'), baseOptions(guardWith({
      proxy: socks.url('socks5'),
      resolveHost: fakeDns({ localhost: '127.0.0.1' }),
      allowPrivateOrigins: [`localhost:${secure.port}`],
    })));
    expect(result.body).toBe('<p>over tls</p>');
    expect(result.tls?.fingerprint256).toBe(CERT.fingerprint256);
    expect(result.tls?.subjectAltName).toContain('DNS:localhost');
  });

  it('authenticates with RFC 1929 credentials, and maps a refusal to proxy-auth', async () => {
    const locked = await startSocks5Server({ credentials: CREDENTIALS });
    try {
      const ok = await fetchPage(site.url('/page'), baseOptions(guardWith({ proxy: locked.url('socks5', CREDENTIALS) })));
      expect(ok.body).toBe('<p>plain site</p>');
      expect(locked.authUsers).toEqual(['analyst']);
      const refused = await fetchError(site.url('/page'), guardWith({ proxy: locked.url('socks5', { username: 'analyst', password: 'nope-secret' }) }));
      expect(refused).toBeInstanceOf(NonRetryableError);
      expect(refused.code).toBe('proxy-auth');
      expect(refused.message).not.toContain('nope-secret');
      expect(refused.message).not.toContain('analyst');
      expect(refused.message).toContain(`***:***@127.0.0.1:${locked.port}`);
      expect(JSON.stringify(refused.details)).not.toContain('analyst');
      const missing = await fetchError(site.url('/page'), guardWith({ proxy: locked.url('socks5') }));
      expect(missing.code).toBe('proxy-auth');
    } finally {
      await locked.close();
    }
  });
});

describe('through a SOCKS5 proxy resolving names (socks5h://, Tor)', () => {
  let tor: TestSocksServer;
  beforeAll(async () => {
    tor = await startSocks5Server({
      hosts: {
        [ONION]: { host: '127.0.0.1', port: site.port },
        'secure-hidden.onion': { host: '127.0.0.1', port: secure.port },
        'public.example': { host: '127.0.0.1', port: site.port },
      },
    });
  });
  afterAll(() => tor.close());

  it('fetches an onion service by name, with no DNS lookup at all', async () => {
    const dns = forbiddenDns();
    const guard = guardWith({ proxy: tor.url('socks5h'), resolveHost: dns.resolveHost });
    const before = tor.requests.length;
    const result = await fetchPage(`http://${ONION}/hidden`, baseOptions(guard));
    expect(result.body).toBe('<p>hidden service</p>');
    expect(tor.requests.slice(before)).toEqual([{ type: 'domain', host: ONION, port: 80 }]);
    expect(lastSiteRequest?.headers.host).toBe(ONION);
    // The proxy resolved the name: the target's address is unknown, not the proxy's.
    expect(result.remoteAddress).toBeNull();
    expect(dns.lookups).toEqual([]);
  });

  it('sends clear-web names to the proxy as well', async () => {
    const dns = forbiddenDns();
    const guard = guardWith({ proxy: tor.url('socks5h'), resolveHost: dns.resolveHost });
    const result = await fetchPage('http://Public.Example./page', baseOptions(guard));
    expect(result.body).toBe('<p>plain site</p>');
    expect(tor.requests.at(-1)).toEqual({ type: 'domain', host: 'public.example', port: 80 });
    expect(dns.lookups).toEqual([]);
  });

  it('carries https to an onion (TLS over the SOCKS tunnel)', async () => {
    const guard = guardWith({ proxy: tor.url('socks5h'), resolveHost: forbiddenDns().resolveHost, tls: { rejectUnauthorized: false } });
    const result = await fetchPage('https://secure-hidden.onion/secure', baseOptions(guard));
    expect(result.body).toBe('<p>over tls</p>');
    expect(tor.requests.at(-1)).toEqual({ type: 'domain', host: 'secure-hidden.onion', port: 443 });
    // The certificate names localhost, not the onion: read anyway, and recorded as unverified.
    expect(result.tls).toMatchObject({ fingerprint256: CERT.fingerprint256, authorized: false });
    expect(result.tls?.authorizationError).toEqual(expect.any(String));
  });

  it('still refuses private IP literals and local names, without asking the proxy', async () => {
    const dns = forbiddenDns();
    const guard = createNetworkGuard({ proxy: tor.url('socks5h'), resolveHost: dns.resolveHost });
    guards.push(guard);
    const before = tor.acceptedConnections();
    for (const url of [
      internal.url('/'),
      'http://10.0.0.1/',
      'http://[::1]:8080/',
      'http://169.254.169.254/latest/meta-data/',
      'http://localhost:8080/',
      'http://admin.localhost/',
      'http://intranet/',
      'http://printer.local/',
      'http://router.home.arpa/',
    ]) {
      const err = await fetchError(url, guard);
      expect(err.code, url).toBe('network-refused');
    }
    expect(tor.acceptedConnections()).toBe(before);
    expect(dns.lookups).toEqual([]);
  });

  it('reports an onion the proxy cannot reach as retryable', async () => {
    const err = await fetchError('http://unknownxxxxxxxxxxxxxxxx.onion/', guardWith({ proxy: tor.url('socks5h'), resolveHost: forbiddenDns().resolveHost }));
    expect(err).toBeInstanceOf(RetryableError);
    expect(err.code).toBe('proxy-target-unreachable');
    expect(err.details.reply).toBe(4);
  });
});

describe('onion services without Tor', () => {
  it.each([
    ['no proxy', undefined],
    ['a socks5 proxy resolving locally', 'socks5://127.0.0.1:9'],
    ['an http proxy', 'http://127.0.0.1:9'],
  ])('refuses them with tor-required and no DNS lookup (%s)', async (_label, proxy) => {
    const dns = forbiddenDns();
    const guard = guardWith({ proxy, resolveHost: dns.resolveHost });
    for (const url of [`http://${ONION}/`, `https://${ONION.toUpperCase()}./x`]) {
      const err = await fetchError(url, guard);
      expect(err).toBeInstanceOf(NonRetryableError);
      expect(err.code).toBe('tor-required');
      expect(err.message).toContain('socks5h://');
    }
    expect(dns.lookups).toEqual([]);
  });
});

describe('proxy failures', () => {
  it.each(['http', 'socks5', 'socks5h'])('maps an unreachable %s proxy to proxy-failed (retryable)', async (scheme) => {
    const port = await freePort();
    const err = await fetchError(site.url('/page'), guardWith({ proxy: `${scheme}://key-1a2b3c:hunter2-secret@127.0.0.1:${port}` }));
    expect(err).toBeInstanceOf(RetryableError);
    expect(err.code).toBe('proxy-failed');
    expect(err.message).toContain(`***:***@127.0.0.1:${port}`);
    for (const secret of ['hunter2-secret', 'key-1a2b3c']) {
      expect(err.message).not.toContain(secret);
      expect(JSON.stringify(err.details)).not.toContain(secret);
    }
  });

  it('maps a proxy that speaks another protocol to proxy-failed', async () => {
    // An HTTP server is not a SOCKS5 proxy: it answers the greeting with an HTTP error or hangs up.
    const err = await fetchError(site.url('/page'), guardWith({ proxy: `socks5://${site.hostPort}` }));
    expect(err).toBeInstanceOf(RetryableError);
    expect(err.code).toBe('proxy-failed');
  });

  it('refuses a malformed proxy URL at construction without echoing its credentials', () => {
    for (const proxy of ['ftp://key-9z:topsecret@127.0.0.1:21', 'socks5h://key-9z:topsecret@127.0.0.1', 'socks5://key-9z:topsecret@127.0.0.1:1080/path']) {
      let caught: unknown;
      try {
        createNetworkGuard({ proxy });
      } catch (err) {
        caught = err;
      }
      expect(caught, proxy).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).message).not.toContain('topsecret');
      expect((caught as ConfigError).message).not.toContain('key-9z');
    }
  });
});

import type { LookupAddress } from 'node:dns';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, NonRetryableError, RetryableError } from '../../config/errors.ts';
import { createNetworkGuard, isPublicAddress, nonPublicReason } from '../../crawler/network-guard.ts';
import type { NetworkGuard } from '../../crawler/network-guard.ts';

describe('isPublicAddress', () => {
  const refused: Array<[string, string]> = [
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local, cloud metadata'],
    ['169.254.0.1', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.100.100.200', 'Alibaba metadata (CGNAT)'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'this network'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['192.0.2.10', 'TEST-NET-1'],
    ['198.51.100.7', 'TEST-NET-2'],
    ['203.0.113.99', 'TEST-NET-3'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['fe80::1', 'IPv6 link-local'],
    ['fe80::1%eth0', 'IPv6 link-local with zone'],
    ['fc00::1', 'unique-local'],
    ['fd00:ec2::254', 'AWS metadata over IPv6'],
    ['ff02::1', 'IPv6 multicast'],
    ['fec0::1', 'deprecated site-local'],
    ['2001:db8::1', 'IPv6 documentation'],
    ['3fff::1', 'IPv6 documentation (RFC 9637)'],
    ['2001:2::1', 'IPv6 benchmarking'],
    ['100::1', 'discard prefix'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::ffff:0:7f00:1', 'IPv4-translated loopback'],
    ['::127.0.0.1', 'IPv4-compatible loopback'],
    ['::a00:1', 'IPv4-compatible private'],
    ['2002:7f00:1::1', '6to4 of loopback'],
    ['2002:a9fe:a9fe::', '6to4 of metadata'],
    ['64:ff9b::a00:1', 'NAT64 of private'],
    ['64:ff9b::7f00:1', 'NAT64 of loopback'],
    ['64:ff9b:1::808:808', 'local-use NAT64'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo with documentation client'],
    ['2001:0:7f00:1::', 'Teredo with loopback server'],
    ['4000::1', 'outside 2000::/3'],
    ['localhost', 'not an address'],
    ['[::1]', 'bracketed is not an address'],
    ['', 'empty'],
    ['8.8.8.8.8', 'malformed'],
  ];
  it.each(refused)('refuses %s (%s)', (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
    expect(nonPublicReason(ip)).toEqual(expect.any(String));
  });

  const accepted = [
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '198.17.255.255',
    '2606:4700:4700::1111',
    '2a00:1450:4007:80e::200e',
    '::ffff:8.8.8.8',
    '2002:808:808::1',
    '64:ff9b::808:808',
  ];
  it.each(accepted)('accepts %s', (ip) => {
    expect(nonPublicReason(ip)).toBeNull();
    expect(isPublicAddress(ip)).toBe(true);
  });
});

describe('createNetworkGuard().checkUrl', () => {
  let guard: NetworkGuard | undefined;
  afterEach(async () => {
    await guard?.close();
    guard = undefined;
  });

  const fakeDns = (table: Record<string, string[]>) => async (host: string): Promise<LookupAddress[]> => {
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

  async function codeOf(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
      return 'resolved';
    } catch (err) {
      return (err as { code?: string }).code ?? 'no-code';
    }
  }

  it('accepts public hosts and IP literals', async () => {
    guard = createNetworkGuard({ resolveHost: fakeDns({ 'example.org': ['93.184.216.34', '2606:2800:220:1::1'] }) });
    await expect(guard.checkUrl(new URL('https://example.org/a'))).resolves.toBeUndefined();
    await expect(guard.checkUrl(new URL('http://8.8.8.8/'))).resolves.toBeUndefined();
    await expect(guard.checkUrl(new URL('http://[2606:4700::1111]:8080/'))).resolves.toBeUndefined();
  });

  it('refuses private literals, including the forms URL parsing normalises', async () => {
    guard = createNetworkGuard({ resolveHost: fakeDns({}) });
    for (const url of [
      'http://127.0.0.1/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://[::1]/',
      'http://[::ffff:169.254.169.254]/',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.100.100.200/',
      'http://[fd00:ec2::254]/',
      'http://0.0.0.0:8080/',
    ]) {
      expect(await codeOf(guard.checkUrl(new URL(url))), url).toBe('network-refused');
    }
  });

  it('refuses a host when any of its addresses is private', async () => {
    guard = createNetworkGuard({ resolveHost: fakeDns({ 'mixed.test': ['93.184.216.34', '10.0.0.5'] }) });
    const err = await guard.checkUrl(new URL('http://mixed.test/')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonRetryableError);
    expect((err as NonRetryableError).code).toBe('network-refused');
    expect((err as NonRetryableError).details).toMatchObject({ url: 'http://mixed.test/', address: '10.0.0.5', reason: 'private' });
  });

  it('refuses schemes other than http and https', async () => {
    guard = createNetworkGuard({ resolveHost: fakeDns({}) });
    for (const url of ['file:///etc/passwd', 'ftp://example.org/', 'gopher://127.0.0.1:6379/_', 'data:text/html,hi', 'javascript:alert(1)']) {
      expect(await codeOf(guard.checkUrl(new URL(url))), url).toBe('unsupported-scheme');
    }
  });

  it('allows exactly the listed private origins, port included', async () => {
    guard = createNetworkGuard({
      allowPrivateOrigins: ['127.0.0.1:8080', 'Intranet.Test:443', '[::1]:9000'],
      resolveHost: fakeDns({ 'intranet.test': ['10.1.2.3'] }),
    });
    await expect(guard.checkUrl(new URL('http://127.0.0.1:8080/x'))).resolves.toBeUndefined();
    await expect(guard.checkUrl(new URL('https://intranet.test/'))).resolves.toBeUndefined();
    await expect(guard.checkUrl(new URL('http://[::1]:9000/'))).resolves.toBeUndefined();
    expect(await codeOf(guard.checkUrl(new URL('http://127.0.0.1:8081/')))).toBe('network-refused');
    expect(await codeOf(guard.checkUrl(new URL('http://127.0.0.2:8080/')))).toBe('network-refused');
    expect(await codeOf(guard.checkUrl(new URL('http://intranet.test/')))).toBe('network-refused');
    expect(await codeOf(guard.checkUrl(new URL('http://169.254.169.254/')))).toBe('network-refused');
  });

  it('rejects allow-list entries without a port', () => {
    expect(() => createNetworkGuard({ allowPrivateOrigins: ['127.0.0.1'] })).toThrow(/port/);
  });

  it('reports unknown hosts as non-retryable and resolver failures as retryable', async () => {
    guard = createNetworkGuard({
      resolveHost: async (host) => {
        if (host === 'flaky.test') throw Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' });
        throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
      },
    });
    const missing = await guard.checkUrl(new URL('http://missing.test/')).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NonRetryableError);
    expect((missing as NonRetryableError).code).toBe('dns-not-found');
    const flaky = await guard.checkUrl(new URL('http://flaky.test/')).catch((e: unknown) => e);
    expect(flaky).toBeInstanceOf(RetryableError);
    expect((flaky as RetryableError).code).toBe('connection-failed');
  });
});

describe('createNetworkGuard().checkUrl with a proxy', () => {
  let guard: NetworkGuard | undefined;
  afterEach(async () => {
    await guard?.close();
    guard = undefined;
  });

  /** A resolver that records every name asked and answers a public address. */
  function recordingDns(): { lookups: string[]; resolveHost: (host: string) => Promise<LookupAddress[]> } {
    const lookups: string[] = [];
    return { lookups, resolveHost: async (host) => (lookups.push(host), [{ address: '93.184.216.34', family: 4 }]) };
  }

  async function codeOf(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
      return 'resolved';
    } catch (err) {
      return (err as { code?: string }).code ?? 'no-code';
    }
  }

  it('never resolves names that a socks5h proxy resolves', async () => {
    const dns = recordingDns();
    guard = createNetworkGuard({ proxy: 'socks5h://127.0.0.1:9050', resolveHost: dns.resolveHost });
    for (const url of ['http://example.org/', 'https://abcdefghijklmnop.onion/x', 'http://93.184.216.34/', 'http://[2606:4700::1111]/']) {
      expect(await codeOf(guard.checkUrl(new URL(url))), url).toBe('resolved');
    }
    expect(dns.lookups).toEqual([]);
  });

  it('refuses private literals and local names under socks5h, unless allowed', async () => {
    const dns = recordingDns();
    guard = createNetworkGuard({
      proxy: 'socks5h://127.0.0.1:9050',
      resolveHost: dns.resolveHost,
      allowPrivateOrigins: ['wiki.internal:80', '127.0.0.1:8080'],
    });
    for (const url of [
      'http://127.0.0.1/',
      'http://2130706433/',
      'http://[::ffff:10.0.0.1]/',
      'http://localhost/',
      'http://LOCALHOST./',
      'http://db.localhost/',
      'http://nas/',
      'http://printer.local/',
      'http://wiki.internal:8080/',
      'http://box.home.arpa/',
    ]) {
      expect(await codeOf(guard.checkUrl(new URL(url))), url).toBe('network-refused');
    }
    await expect(guard.checkUrl(new URL('http://wiki.internal/'))).resolves.toBeUndefined();
    await expect(guard.checkUrl(new URL('http://127.0.0.1:8080/'))).resolves.toBeUndefined();
    expect(dns.lookups).toEqual([]);
  });

  it('refuses onion hosts without a socks5h proxy, before any lookup', async () => {
    for (const proxy of [undefined, 'socks5://127.0.0.1:1080', 'http://127.0.0.1:3128']) {
      const dns = recordingDns();
      guard = createNetworkGuard({ proxy, resolveHost: dns.resolveHost });
      for (const url of ['http://abcdefghijklmnop.onion/', 'https://sub.abcdefghijklmnop.ONION./']) {
        const err = await guard.checkUrl(new URL(url)).catch((e: unknown) => e);
        expect(err, `${url} via ${proxy}`).toBeInstanceOf(NonRetryableError);
        expect((err as NonRetryableError).code).toBe('tor-required');
        expect((err as NonRetryableError).message).toMatch(/socks5h:\/\//);
      }
      expect(dns.lookups).toEqual([]);
      await guard.close();
      guard = undefined;
    }
  });

  it('resolves and checks names locally with socks5 and http proxies', async () => {
    for (const proxy of ['socks5://127.0.0.1:1080', 'http://127.0.0.1:3128']) {
      const lookups: string[] = [];
      guard = createNetworkGuard({
        proxy,
        resolveHost: async (host) => (lookups.push(host), [{ address: '10.0.0.7', family: 4 }]),
      });
      expect(await codeOf(guard.checkUrl(new URL('http://sneaky.example/')))).toBe('network-refused');
      expect(lookups).toEqual(['sneaky.example']);
      await guard.close();
      guard = undefined;
    }
  });

  it('rejects malformed proxy URLs with a ConfigError that hides the password', () => {
    for (const proxy of ['not a url', 'https://127.0.0.1:3128', 'socks4://127.0.0.1:1080', 'socks5h://127.0.0.1', 'http://u:pw-secret@127.0.0.1:3128/x', `socks5://${'u'.repeat(256)}:pw-secret@127.0.0.1:1080`]) {
      let caught: unknown;
      try {
        createNetworkGuard({ proxy });
      } catch (err) {
        caught = err;
      }
      expect(caught, proxy).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).message).not.toContain('pw-secret');
      expect((caught as ConfigError).issues[0]?.path).toBe('proxy');
    }
  });

  it('keeps proxy user names (API keys, sessions) out of its errors, causes included', () => {
    for (const proxy of ['socks5h://key-7f3e:pw-secret@[not-an-ip:9050', 'http://key-7f3e:pw-secret@127.0.0.1:3128/x', 'socks5://key-7f3e:pw-secret@127.0.0.1']) {
      let caught: unknown;
      try {
        createNetworkGuard({ proxy });
      } catch (err) {
        caught = err;
      }
      expect(caught, proxy).toBeInstanceOf(ConfigError);
      const error = caught as ConfigError;
      // Everything a logger may serialise: the message, the issues, and the cause's own fields.
      const cause = error.cause as Record<string, unknown> | undefined;
      const logged = [error.message, JSON.stringify(error.issues), String(cause?.message ?? ''), JSON.stringify(cause ?? {})].join(' ');
      expect(logged, proxy).not.toContain('key-7f3e');
      expect(logged, proxy).not.toContain('pw-secret');
    }
  });
});

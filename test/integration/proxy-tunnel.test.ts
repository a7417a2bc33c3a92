// guard.openTunnel (the renderer's path for Chromium's traffic) directly and through each proxy
// type, against a local echo server: the bytes must go through the proxy, under the same checks.
import type { LookupAddress } from 'node:dns';
import type net from 'node:net';
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NonRetryableError, RetryableError, VigieError } from '../../config/errors.ts';
import { createNetworkGuard } from '../../crawler/network-guard.ts';
import type { NetworkGuard, NetworkGuardOptions } from '../../crawler/network-guard.ts';
import { startTcpServer } from '../helpers/hostile-server.ts';
import type { TestServer } from '../helpers/hostile-server.ts';
import { freePort } from '../helpers/net.ts';
import { startHttpConnectProxy, startSocks5Server } from '../helpers/proxy-servers.ts';
import type { TestConnectProxy, TestSocksServer } from '../helpers/proxy-servers.ts';

let echo: TestServer;
let internal: TestServer;
let httpProxy: TestConnectProxy;
let socks: TestSocksServer;
const guards: NetworkGuard[] = [];
const lookups: string[] = [];

const resolveHost = async (host: string): Promise<LookupAddress[]> => {
  lookups.push(host);
  if (host === 'echo.test') return [{ address: '127.0.0.1', family: 4 }];
  if (host === 'internal.test') return [{ address: '127.0.0.2', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
};

function guardWith(options: NetworkGuardOptions = {}): NetworkGuard {
  const guard = createNetworkGuard({
    allowPrivateOrigins: [echo.hostPort, `echo.test:${echo.port}`],
    resolveHost,
    connectTimeoutMs: 3000,
    ...options,
  });
  guards.push(guard);
  return guard;
}

async function roundTrip(socket: net.Socket, text: string): Promise<string> {
  socket.write(text);
  const [data] = (await once(socket, 'data')) as [Buffer];
  socket.destroy();
  return data.toString();
}

async function tunnelError(guard: NetworkGuard, host: string, port: number): Promise<VigieError> {
  try {
    (await guard.openTunnel(host, port)).destroy();
  } catch (err) {
    expect(err).toBeInstanceOf(VigieError);
    return err as VigieError;
  }
  throw new Error(`expected a tunnel to ${host}:${port} to fail`);
}

beforeAll(async () => {
  const echoing = (socket: net.Socket): void => {
    socket.on('data', (chunk: Buffer) => socket.write(chunk));
  };
  echo = await startTcpServer(echoing);
  internal = await startTcpServer(echoing, '127.0.0.2');
  httpProxy = await startHttpConnectProxy();
  socks = await startSocks5Server({ hosts: { 'echo.onion': { host: '127.0.0.1', port: echo.port } } });
});

afterEach(async () => {
  await Promise.all(guards.splice(0).map((guard) => guard.close()));
  lookups.length = 0;
});

afterAll(async () => {
  await Promise.all([echo, internal, httpProxy, socks].map((server) => server?.close()));
});

describe('openTunnel', () => {
  it('connects directly without a proxy', async () => {
    const socket = await guardWith().openTunnel('echo.test', echo.port);
    expect(await roundTrip(socket, 'direct')).toBe('direct');
  });

  it('goes through an HTTP CONNECT proxy, which is given the checked address', async () => {
    const socket = await guardWith({ proxy: httpProxy.url() }).openTunnel('echo.test', echo.port);
    expect(await roundTrip(socket, 'via connect')).toBe('via connect');
    expect(httpProxy.requests.at(-1)?.authority).toBe(`127.0.0.1:${echo.port}`);
  });

  it('goes through a socks5 proxy with local resolution', async () => {
    const socket = await guardWith({ proxy: socks.url('socks5') }).openTunnel('echo.test', echo.port);
    expect(await roundTrip(socket, 'via socks5')).toBe('via socks5');
    expect(socks.requests.at(-1)).toEqual({ type: 'ipv4', host: '127.0.0.1', port: echo.port });
    expect(lookups).toEqual(['echo.test']);
  });

  it('goes through a socks5h proxy by name, with no lookup', async () => {
    const socket = await guardWith({ proxy: socks.url('socks5h') }).openTunnel('echo.onion', 80);
    expect(await roundTrip(socket, 'via tor')).toBe('via tor');
    expect(socks.requests.at(-1)).toEqual({ type: 'domain', host: 'echo.onion', port: 80 });
    expect(lookups).toEqual([]);
  });

  it('refuses internal hosts with or without a proxy, contacting nobody', async () => {
    const proxiesBefore = httpProxy.acceptedConnections() + socks.acceptedConnections();
    for (const proxy of [undefined, httpProxy.url(), socks.url('socks5')]) {
      const guard = guardWith({ proxy });
      expect((await tunnelError(guard, 'internal.test', internal.port)).code).toBe('network-refused');
      expect((await tunnelError(guard, '127.0.0.2', internal.port)).code).toBe('network-refused');
    }
    const tor = guardWith({ proxy: socks.url('socks5h') });
    expect((await tunnelError(tor, '127.0.0.2', internal.port)).code).toBe('network-refused');
    expect((await tunnelError(tor, 'localhost', internal.port)).code).toBe('network-refused');
    // Numeric forms a proxy's resolver would read as an address are judged as that address.
    expect((await tunnelError(tor, '0x7f.0.0.2', internal.port)).code).toBe('network-refused');
    expect(internal.acceptedConnections()).toBe(0);
    expect(httpProxy.acceptedConnections() + socks.acceptedConnections()).toBe(proxiesBefore);
  });

  it('refuses an onion without a socks5h proxy', async () => {
    const err = await tunnelError(guardWith({ proxy: socks.url('socks5') }), 'echo.onion', 80);
    expect(err).toBeInstanceOf(NonRetryableError);
    expect(err.code).toBe('tor-required');
    expect(lookups).toEqual([]);
  });

  it('maps a closed target and a dead proxy to retryable errors', async () => {
    const closed = await freePort();
    const direct = await tunnelError(guardWith({ allowPrivateOrigins: [`127.0.0.1:${closed}`] }), '127.0.0.1', closed);
    expect(direct).toBeInstanceOf(RetryableError);
    expect(direct.code).toBe('connection-failed');
    const viaSocks = await tunnelError(guardWith({ proxy: socks.url('socks5'), allowPrivateOrigins: [`127.0.0.1:${closed}`] }), '127.0.0.1', closed);
    expect(viaSocks.code).toBe('proxy-target-unreachable');
    expect(viaSocks.details.reply).toBe(5);
    const deadProxy = await tunnelError(guardWith({ proxy: `socks5h://127.0.0.1:${closed}` }), 'echo.onion', 80);
    expect(deadProxy).toBeInstanceOf(RetryableError);
    expect(deadProxy.code).toBe('proxy-failed');
  });

  it('times out a proxy that accepts and never answers', async () => {
    // Reads (so that it sees the client hang up) and never answers.
    const silent = await startTcpServer((socket) => socket.resume());
    try {
      const err = await tunnelError(guardWith({ proxy: `socks5h://${silent.hostPort}`, connectTimeoutMs: 300 }), 'echo.onion', 80);
      expect(err).toBeInstanceOf(RetryableError);
      expect(err.code).toBe('timeout');
      await expect.poll(() => silent.openConnections(), { timeout: 2000 }).toBe(0);
    } finally {
      await silent.close();
    }
  });
});

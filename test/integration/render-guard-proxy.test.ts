// The renderer's forward proxy on its own, driven with raw HTTP: CONNECT tunnels and absolute-form
// requests reach the allowed site, and never 127.0.0.2, which plays an internal host.
import http from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNetworkGuard } from '../../crawler/network-guard.ts';
import type { NetworkGuard } from '../../crawler/network-guard.ts';
import { createGuardProxy, parseAuthority } from '../../crawler/render/guard-proxy.ts';
import type { GuardProxy } from '../../crawler/render/guard-proxy.ts';
import { routes, startHttpServer } from '../helpers/hostile-server.ts';
import type { TestServer } from '../helpers/hostile-server.ts';

const logger = pino({ level: 'silent' });
let site: TestServer;
let internal: TestServer;
let guard: NetworkGuard;
let proxy: GuardProxy;
let lastHeaders: IncomingHttpHeaders = {};
let lastBody = '';

beforeAll(async () => {
  site = await startHttpServer(routes({
    '/echo': (req, res) => {
      lastHeaders = req.headers;
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        lastBody = Buffer.concat(chunks).toString();
        res.writeHead(201, { 'content-type': 'text/plain', 'x-site': 'yes', 'set-cookie': ['a=1', 'b=2'] }).end(`echo ${req.method}`);
      });
    },
  }));
  internal = await startHttpServer((_req, res) => res.end('internal secret'), '127.0.0.2');
  guard = createNetworkGuard({ allowPrivateOrigins: [site.hostPort] });
});

afterAll(async () => {
  await guard.close();
  await Promise.all([site.close(), internal.close()]);
});

beforeEach(async () => {
  proxy = await createGuardProxy(guard, { logger });
});

afterEach(async () => {
  await proxy.close();
});

interface ProxyResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function viaProxy(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<ProxyResponse> {
  const { port } = new URL(proxy.proxyUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function connect(authority: string): Promise<{ res: IncomingMessage; socket: Socket }> {
  const { port } = new URL(proxy.proxyUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'CONNECT', path: authority, agent: false });
    req.on('connect', (res: IncomingMessage, socket: Socket) => resolve({ res, socket }));
    req.on('error', reject);
    req.end();
  });
}

function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString()));
  });
}

describe('guard proxy: plain http requests', () => {
  it('forwards an absolute-form request to an allowed origin, without hop-by-hop headers', async () => {
    const res = await viaProxy(site.url('/echo?q=1'), {
      method: 'POST',
      headers: { 'x-page': 'kept', 'proxy-authorization': 'Basic c2VjcmV0', connection: 'keep-alive, x-drop', 'x-drop': 'gone', 'content-type': 'text/plain' },
      body: 'posted body',
    });
    expect(res.status).toBe(201);
    expect(res.body).toBe('echo POST');
    expect(res.headers['x-site']).toBe('yes');
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(lastBody).toBe('posted body');
    expect(lastHeaders['x-page']).toBe('kept');
    expect(lastHeaders['proxy-authorization']).toBeUndefined();
    expect(lastHeaders['x-drop']).toBeUndefined();
    expect(lastHeaders.host).toBe(site.hostPort);
    expect(proxy.stats()).toMatchObject({ forwarded: 1, refused: 0 });
  });

  it('refuses an internal destination with a 403 and never connects to it', async () => {
    const before = internal.acceptedConnections();
    const res = await viaProxy(internal.url('/secret'));
    expect(res.status).toBe(403);
    expect(res.headers['x-vigie-proxy-error']).toBe('network-refused');
    expect(res.body).not.toContain('internal secret');
    expect(internal.acceptedConnections()).toBe(before);
    expect(proxy.stats().refused).toBe(1);
    expect(proxy.failureFor(internal.hostPort)).toBe('network-refused');
  });

  it('answers a request for the proxy itself (origin-form) with 400', async () => {
    const res = await viaProxy('/echo');
    expect(res.status).toBe(400);
  });

  it('reports a name that does not resolve as a 502 with its code', async () => {
    const failing = createNetworkGuard({
      resolveHost: async () => {
        throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      },
    });
    const own = await createGuardProxy(failing, { logger });
    try {
      const { port } = new URL(own.proxyUrl);
      const status = await new Promise<{ status: number; code: unknown }>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: 'http://nowhere.example/', agent: false }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, code: res.headers['x-vigie-proxy-error'] });
        }).on('error', reject);
      });
      expect(status).toEqual({ status: 502, code: 'dns-not-found' });
      expect(own.stats()).toMatchObject({ failed: 1, refused: 0 });
    } finally {
      await own.close();
      await failing.close();
    }
  });
});

describe('guard proxy: CONNECT tunnels', () => {
  it('tunnels to an allowed origin', async () => {
    const { res, socket } = await connect(site.hostPort);
    expect(res.statusCode).toBe(200);
    const text = readAll(socket);
    socket.write(`GET /echo HTTP/1.1\r\nhost: ${site.hostPort}\r\nconnection: close\r\n\r\n`);
    expect(await text).toContain('echo GET');
    expect(proxy.stats().tunnels).toBe(1);
  });

  it('refuses a tunnel to an internal address, which accepts no connection', async () => {
    const before = internal.acceptedConnections();
    const { res, socket } = await connect(internal.hostPort);
    socket.destroy();
    expect(res.statusCode).toBe(403);
    expect(res.headers['x-vigie-proxy-error']).toBe('network-refused');
    expect(internal.acceptedConnections()).toBe(before);
    expect(proxy.stats()).toMatchObject({ tunnels: 0, refused: 1 });
  });

  it('refuses a tunnel to the proxy itself', async () => {
    const { res, socket } = await connect(new URL(proxy.proxyUrl).host);
    socket.destroy();
    expect(res.statusCode).toBe(403);
  });

  it('close() ends open tunnels', async () => {
    const { socket } = await connect(site.hostPort);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await proxy.close();
    await closed;
    expect(socket.destroyed).toBe(true);
  });
});

describe('parseAuthority', () => {
  it.each([
    ['example.com:443', { host: 'example.com', port: 443 }],
    ['example.com:80', { host: 'example.com', port: 80 }],
    ['[::1]:8443', { host: '[::1]', port: 8443 }],
    ['127.0.0.2:1', { host: '127.0.0.2', port: 1 }],
  ])('%s', (authority, expected) => {
    expect(parseAuthority(authority)).toEqual(expected);
  });

  it.each(['example.com', 'example.com:0', 'example.com:99999', 'user@example.com:443', 'example.com:443/path', ''])('refuses %j', (authority) => {
    expect(parseAuthority(authority)).toBeNull();
  });
});

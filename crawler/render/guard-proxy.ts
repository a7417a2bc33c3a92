// A forward proxy on 127.0.0.1 through which Chromium sends all of a rendered page's traffic, so a
// page's scripts, redirects, frames and websockets meet the same network guard as plain fetches:
// CONNECT tunnels are opened with guard.openTunnel (resolved, every address checked, pinned), and
// absolute-form http:// requests are forwarded with undici through guard.dispatcher. Refused
// destinations get a 403; a page can never reach an internal address through it.
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';
import type { Dispatcher } from 'undici';
import type { Logger } from '../../config/logger.ts';
import { toFetchError } from '../fetch-errors.ts';
import type { NetworkGuard } from '../network-guard.ts';

export interface GuardProxyOptions {
  logger: Logger;
  /** Time for an upstream server to send response headers, or to stay silent mid-body. */
  upstreamTimeoutMs?: number;
}

export interface GuardProxyStats {
  /** CONNECT tunnels opened. */
  tunnels: number;
  /** Plain http requests forwarded. */
  forwarded: number;
  /** Requests and tunnels the guard refused (internal address, bad scheme). */
  refused: number;
  /** Requests and tunnels that failed upstream (DNS, connection, timeout). */
  failed: number;
}

export interface GuardProxy {
  /** `http://127.0.0.1:PORT`, for Playwright's `proxy.server`. */
  readonly proxyUrl: string;
  stats(): GuardProxyStats;
  /** The error code of the last refused or failed request to `host:port`, if any. */
  failureFor(hostPort: string): string | undefined;
  close(): Promise<void>;
}

/** Marks the proxy's own error responses, so a page showing one is not taken for the site's. */
export const PROXY_ERROR_HEADER = 'x-vigie-proxy-error';

const DEFAULT_UPSTREAM_TIMEOUT_MS = 30_000;
const MAX_LOGGED_REFUSALS = 10;
const REFUSAL_CODES = new Set(['network-refused', 'unsupported-scheme', 'bad-url']);
// Hop-by-hop headers (RFC 9110 7.6.1) belong to one connection and are never forwarded; undici
// also rejects several of them outright. Host is dropped too: undici sets it from the target URL,
// so a page cannot send a Host that disagrees with the address the guard checked.
const HOP_BY_HOP = new Set([
  'connection', 'proxy-connection', 'keep-alive', 'proxy-authorization', 'proxy-authenticate',
  'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect', 'host',
]);

export async function createGuardProxy(guard: NetworkGuard, options: GuardProxyOptions): Promise<GuardProxy> {
  const logger = options.logger;
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
  const stats: GuardProxyStats = { tunnels: 0, forwarded: 0, refused: 0, failed: 0 };
  const failures = new Map<string, string>();
  const sockets = new Set<Duplex>();
  const inFlight = new Set<AbortController>();
  let closed = false;

  const track = (socket: Duplex): void => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
  };

  const recordFailure = (hostPort: string, code: string, how: string): number => {
    failures.set(hostPort, code);
    if (REFUSAL_CODES.has(code)) {
      stats.refused++;
      // Only the destination: paths and queries can carry tokens. A hostile page can fire
      // thousands of requests, so only the first few are logged; the count has them all.
      if (stats.refused <= MAX_LOGGED_REFUSALS) {
        logger.info({ destination: hostPort, code, how }, 'renderer request refused by the network guard');
      } else if (stats.refused === MAX_LOGGED_REFUSALS + 1) {
        logger.info({ destination: hostPort }, 'further refused renderer requests are counted, not logged');
      }
      return 403;
    }
    stats.failed++;
    logger.debug({ destination: hostPort, code, how }, 'renderer request failed upstream');
    return code === 'timeout' ? 504 : 502;
  };

  const server = http.createServer((req, res) => {
    forward(req, res).catch((err: unknown) => {
      logger.warn({ err }, 'renderer proxy request handling failed');
      res.destroy();
    });
  });
  server.on('connection', track);
  server.on('clientError', (_err, socket) => socket.destroy());

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      // Origin-form: someone talks to the proxy as if it were a server.
      reply(res, 400, 'bad-url');
      return;
    }
    const hostPort = `${target.hostname}:${target.port || '80'}`;
    if (target.protocol !== 'http:') {
      reply(res, recordFailure(hostPort, 'unsupported-scheme', 'forward'), 'unsupported-scheme');
      return;
    }
    const controller = new AbortController();
    inFlight.add(controller);
    // Chromium gave up (navigation, context closed): stop the upstream request too.
    res.once('close', () => controller.abort());
    try {
      let upstream: Awaited<ReturnType<typeof request>>;
      try {
        upstream = await request(target, {
          method: (req.method ?? 'GET') as Dispatcher.HttpMethod,
          headers: forwardedHeaders(req.rawHeaders),
          body: hasBody(req) ? req : undefined,
          dispatcher: guard.dispatcher,
          signal: controller.signal,
          headersTimeout: upstreamTimeoutMs,
          bodyTimeout: upstreamTimeoutMs,
        });
      } catch (err) {
        if (controller.signal.aborted) return;
        const code = toFetchError(err, target.origin).code;
        reply(res, recordFailure(hostPort, code, 'forward'), code);
        return;
      }
      stats.forwarded++;
      res.writeHead(upstream.statusCode, responseHeaders(upstream.headers));
      await pipeline(upstream.body, res).catch(() => res.destroy());
    } finally {
      inFlight.delete(controller);
    }
  }

  server.on('connect', (req: IncomingMessage, clientSocket: Duplex, head: Buffer) => {
    track(clientSocket);
    const destination = parseAuthority(req.url ?? '');
    if (!destination) {
      clientSocket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      return;
    }
    const hostPort = `${destination.host}:${destination.port}`;
    guard.openTunnel(destination.host, destination.port).then(
      (upstream) => {
        if (closed || clientSocket.destroyed) {
          upstream.destroy();
          return;
        }
        stats.tunnels++;
        track(upstream);
        clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(clientSocket);
        clientSocket.pipe(upstream);
        upstream.once('close', () => clientSocket.destroy());
        clientSocket.once('close', () => upstream.destroy());
      },
      (err: unknown) => {
        const code = toFetchError(err, `https://${hostPort}`).code;
        const status = recordFailure(hostPort, code, 'tunnel');
        const reason = status === 403 ? 'Forbidden' : status === 504 ? 'Gateway Timeout' : 'Bad Gateway';
        clientSocket.end(`HTTP/1.1 ${status} ${reason}\r\n${PROXY_ERROR_HEADER}: ${code}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    proxyUrl: `http://127.0.0.1:${port}`,
    stats: () => ({ ...stats }),
    failureFor: (hostPort) => failures.get(hostPort),
    async close() {
      if (closed) return;
      closed = true;
      for (const controller of inFlight) controller.abort();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `host:port` of a CONNECT request; IPv6 hosts come bracketed. */
export function parseAuthority(authority: string): { host: string; port: number } | null {
  let url: URL;
  try {
    url = new URL(`http://${authority}`);
  } catch {
    return null;
  }
  const port = Number(url.port);
  // `http://host:80` parses with an empty port; CONNECT always names it, so check the raw text.
  const explicitPort = port || (/:80$/.test(authority) ? 80 : 0);
  if (!explicitPort || url.pathname !== '/' || url.username || url.search) return null;
  return { host: url.hostname, port: explicitPort };
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
}

function forwardedHeaders(rawHeaders: string[]): string[] {
  const connectionTokens = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === 'connection') {
      for (const token of (rawHeaders[i + 1] ?? '').split(',')) connectionTokens.add(token.trim().toLowerCase());
    }
  }
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? '';
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || connectionTokens.has(lower)) continue;
    out.push(name, rawHeaders[i + 1] ?? '');
  }
  return out;
}

function responseHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const connectionTokens = new Set(
    String(headers.connection ?? '').split(',').map((token) => token.trim().toLowerCase()),
  );
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || connectionTokens.has(name)) continue;
    out[name] = value;
  }
  return out;
}

function reply(res: ServerResponse, status: number, code: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain', [PROXY_ERROR_HEADER]: code, connection: 'close' });
  res.end(`${code}\n`);
}

// Keeps the crawler off internal hosts. Every URL is checked before a request (checkUrl), and the
// guard's dispatcher checks again at connection time with its own resolution, then connects only
// to the addresses it checked, so neither a redirect nor a DNS answer that changes in between
// (rebinding) can point a fetch at loopback, the LAN or a cloud metadata service.
import dns from 'node:dns';
import type { LookupAddress } from 'node:dns';
import net from 'node:net';
import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import { NonRetryableError, RetryableError } from '../config/errors.ts';
import { nonPublicReason } from './net-address.ts';
import { connectPinned, createGuardedConnector } from './net-connector.ts';
import type { GuardTlsOptions } from './net-connector.ts';
import { defaultPort, originKey, parseOriginEntry, stripBrackets, urlOriginKey } from './net-origin.ts';

export { isPublicAddress, nonPublicReason } from './net-address.ts';

/** Resolves a host name to all its addresses (dns.lookup semantics: hosts file, then DNS). */
export type HostResolver = (hostname: string) => Promise<LookupAddress[]>;

export interface NetworkGuardOptions {
  /**
   * `host:port` origins (the seeds' own, for `--allow-private`) that may resolve to private
   * addresses. Every other private address stays refused.
   */
  allowPrivateOrigins?: string[];
  /** Resolution + TCP connect + TLS handshake of one connection. Default 10 s. */
  connectTimeoutMs?: number;
  /** Replaces dns.lookup; tests use it to simulate DNS rebinding. */
  resolveHost?: HostResolver;
  /** Extra trusted CAs, or `rejectUnauthorized: false` to read sites with broken certificates. */
  tls?: GuardTlsOptions;
}

export interface NetworkGuard {
  /** Throws NonRetryableError 'unsupported-scheme', 'bad-url' or 'network-refused'. */
  checkUrl(url: URL): Promise<void>;
  /** An undici Agent that re-resolves and re-checks every new connection. */
  readonly dispatcher: Dispatcher;
  /**
   * The peer address of the newest open connection to this URL's origin, or null. Exact for the
   * crawler's usual case of one connection per origin at a time.
   */
  remoteAddressFor(url: URL): string | null;
  /**
   * A TCP connection to `host:port` under the same checks as a fetch (resolved once, every
   * address checked, connected only to those): the renderer's local proxy tunnels through it.
   */
  openTunnel(host: string, port: number): Promise<net.Socket>;
  close(): Promise<void>;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export function createNetworkGuard(options: NetworkGuardOptions = {}): NetworkGuard {
  const allowed = new Set((options.allowPrivateOrigins ?? []).map(parseOriginEntry));
  const resolveHost = options.resolveHost ?? lookupAll;
  const openConnections = new Map<string, { socket: net.Socket; address: string }>();

  async function resolveChecked(host: string, port: number | string, subject: string): Promise<LookupAddress[]> {
    const bare = stripBrackets(host);
    const family = net.isIP(bare);
    const addresses = family !== 0 ? [{ address: bare, family }] : await resolveOrThrow(resolveHost, bare, subject);
    const key = originKey(bare, port);
    if (allowed.has(key)) return addresses;
    for (const { address } of addresses) {
      const reason = nonPublicReason(address);
      if (reason) {
        throw new NonRetryableError('network-refused', `refused ${subject}: ${bare} resolves to ${address} (${reason})`, {
          details: { url: subject, host: bare, address, reason },
        });
      }
    }
    return addresses;
  }

  const dispatcher = new Agent({
    connect: createGuardedConnector({
      resolveChecked: (host, port) => resolveChecked(host, port, originKey(host, port)),
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      tls: options.tls,
      onConnected(key, socket) {
        const entry = { socket, address: socket.remoteAddress ?? '' };
        openConnections.set(key, entry);
        socket.once('close', () => {
          if (openConnections.get(key) === entry) openConnections.delete(key);
        });
      },
    }),
  });

  return {
    dispatcher,
    async checkUrl(url) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new NonRetryableError('unsupported-scheme', `refused ${url.href}: only http and https are fetched`, {
          details: { url: url.href, scheme: url.protocol },
        });
      }
      if (!url.hostname) {
        throw new NonRetryableError('bad-url', `refused ${url.href}: no host`, { details: { url: url.href } });
      }
      await resolveChecked(url.hostname, url.port || defaultPort(url.protocol), url.href);
    },
    async openTunnel(host, port) {
      const addresses = await resolveChecked(host, port, originKey(host, port));
      return connectPinned(stripBrackets(host), port, addresses, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    },
    remoteAddressFor(url) {
      return openConnections.get(urlOriginKey(url))?.address || null;
    },
    async close() {
      // Nothing should be in flight when the owner closes the guard; destroying (rather than
      // draining) guarantees that a hostile slow response cannot hold shutdown open.
      await dispatcher.destroy();
      openConnections.clear();
    },
  };
}

async function lookupAll(hostname: string): Promise<LookupAddress[]> {
  return dns.promises.lookup(hostname, { all: true, verbatim: true });
}

async function resolveOrThrow(resolve: HostResolver, host: string, subject: string): Promise<LookupAddress[]> {
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA') {
      throw new NonRetryableError('dns-not-found', `cannot fetch ${subject}: ${host} does not resolve`, {
        cause: err,
        details: { url: subject, host },
      });
    }
    throw new RetryableError('connection-failed', `cannot fetch ${subject}: resolving ${host} failed (${code ?? 'error'})`, {
      cause: err,
      details: { url: subject, host },
    });
  }
  if (addresses.length === 0) {
    throw new NonRetryableError('dns-not-found', `cannot fetch ${subject}: ${host} has no address`, {
      details: { url: subject, host },
    });
  }
  return addresses;
}

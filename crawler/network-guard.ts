// Keeps the crawler off internal hosts. Every URL is checked before a request (checkUrl), and the
// guard's dispatcher checks again at connection time with its own resolution, then connects only
// to the addresses it checked, so neither a redirect nor a DNS answer that changes in between
// (rebinding) can point a fetch at loopback, the LAN or a cloud metadata service.
//
// With a proxy, every connection (fetches and the renderer's tunnels) goes through it:
// - `socks5` and `http`: names are resolved and checked here, and the proxy is given the checked
//   address (never the name), so the checks hold exactly as without a proxy.
// - `socks5h` (Tor): names go to the proxy unresolved, with no local DNS lookup at all (a lookup
//   would reveal the investigation). Private IP literals and local names (`localhost`, `.local`,
//   single labels) are still refused; where any other name resolves is the proxy's responsibility.
// `.onion` names are only ever sent to a socks5h proxy; without one they are refused before any
// lookup ('tor-required'). The proxy's own address is the operator's choice and is not checked.
import dns from 'node:dns';
import type { LookupAddress } from 'node:dns';
import net from 'node:net';
import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import { NonRetryableError, RetryableError, VigieError } from '../config/errors.ts';
import { nonPublicReason } from './net-address.ts';
import { createCarrierLedger } from './net-carrier.ts';
import { connectTimeout, createGuardedConnector } from './net-connector.ts';
import type { ConnectionFacts, GuardTlsOptions } from './net-connector.ts';
import { createDialer } from './net-dial.ts';
import { canonicalHost, isOnionHost, localNameReason, numericHostAddress } from './net-names.ts';
import { defaultPort, originKey, parseOriginEntry, stripBrackets } from './net-origin.ts';
import { attemptConnect } from './net-socket.ts';
import { parseProxyUrl } from './proxy-config.ts';

export { isPublicAddress, nonPublicReason } from './net-address.ts';
export type { ConnectionFacts } from './net-connector.ts';

/** Resolves a host name to all its addresses (dns.lookup semantics: hosts file, then DNS). */
export type HostResolver = (hostname: string) => Promise<LookupAddress[]>;

export interface NetworkGuardOptions {
  /**
   * `host:port` origins (the seeds' own, for `--allow-private`) that may resolve to private
   * addresses. Every other private address stays refused.
   */
  allowPrivateOrigins?: string[];
  /** Resolution + TCP connect (+ proxy handshake) + TLS handshake of one connection. Default 10 s. */
  connectTimeoutMs?: number;
  /** Replaces dns.lookup for target names; tests use it to simulate DNS rebinding. */
  resolveHost?: HostResolver;
  /** Extra trusted CAs, or `rejectUnauthorized: false` to read sites with broken certificates. */
  tls?: GuardTlsOptions;
  /**
   * `http://`, `socks5://` or `socks5h://host:port`, with optional `user:pass@` (never logged).
   * Throws ConfigError when malformed.
   */
  proxy?: string;
}

export interface NetworkGuard {
  /**
   * Throws NonRetryableError 'unsupported-scheme', 'bad-url', 'network-refused', 'tor-required'
   * or 'dns-not-found'. Does not resolve names a socks5h proxy will resolve.
   */
  checkUrl(url: URL): Promise<void>;
  /**
   * An undici dispatcher that re-resolves and re-checks every new connection. A request given an
   * object as its `opaque` can then be asked about with connectionOf.
   */
  readonly dispatcher: Dispatcher;
  /**
   * What the connection that carried the response to the request dispatched with `opaque` knew of
   * its target: its IP address (through a `socks5` or `http` proxy, the checked address the proxy
   * was told to connect to; through `socks5h`, null unless the URL names an IP) and its TLS
   * summary, captured at its handshake (null for http). Null until that response's headers
   * arrived, or when its connection cannot be told; never the facts of another connection.
   */
  connectionOf(opaque: object): ConnectionFacts | null;
  /**
   * A TCP stream to `host:port` under the same checks as a fetch (resolved once, every address
   * checked, connected only to those), through the proxy when there is one: the renderer's local
   * proxy tunnels Chromium's traffic through it.
   */
  openTunnel(host: string, port: number): Promise<net.Socket>;
  close(): Promise<void>;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export function createNetworkGuard(options: NetworkGuardOptions = {}): NetworkGuard {
  const allowed = new Set((options.allowPrivateOrigins ?? []).map(parseOriginEntry));
  const resolveHost = options.resolveHost ?? lookupAll;
  const proxy = options.proxy === undefined ? null : parseProxyUrl(options.proxy);
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  // Facts are kept per socket and looked up per request: several connections to one origin may
  // be open at once, and each response must be described by its own.
  const carriers = createCarrierLedger();

  function refuseOnionWithoutTor(host: string, subject: string): void {
    if (proxy?.resolvesRemotely || !isOnionHost(host)) return;
    throw new NonRetryableError(
      'tor-required',
      `refused ${subject}: ${canonicalHost(host)} is a Tor onion service; it is only fetched through a socks5h:// proxy ` +
        `(Tor, such as socks5h://127.0.0.1:9050), never looked up in DNS`,
      { details: { url: subject, host: canonicalHost(host), proxy: proxy?.display ?? null } },
    );
  }

  function refuseAddress(subject: string, host: string, address: string, reason: string): never {
    throw new NonRetryableError('network-refused', `refused ${subject}: ${host} resolves to ${address} (${reason})`, {
      details: { url: subject, host, address, reason },
    });
  }

  async function resolveChecked(host: string, port: number | string, subject: string): Promise<LookupAddress[]> {
    const bare = stripBrackets(host);
    refuseOnionWithoutTor(bare, subject);
    const family = net.isIP(bare);
    const addresses = family !== 0 ? [{ address: bare, family }] : await resolveOrThrow(resolveHost, bare, subject);
    if (allowed.has(originKey(bare, port))) return addresses;
    for (const { address } of addresses) {
      const reason = nonPublicReason(address);
      if (reason) refuseAddress(subject, bare, address, reason);
    }
    return addresses;
  }

  /** The checks possible without resolving, for names a socks5h proxy resolves. */
  function checkRemoteName(host: string, port: number | string, subject: string): void {
    const bare = stripBrackets(host);
    refuseOnionWithoutTor(bare, subject);
    if (allowed.has(originKey(bare, port))) return;
    const address = numericHostAddress(bare);
    const reason = address === null ? localNameReason(bare) : nonPublicReason(address);
    if (reason) refuseAddress(subject, bare, address ?? bare, reason);
  }

  const dial = createDialer({
    proxy,
    resolveChecked: (host, port) => resolveChecked(host, port, originKey(host, port)),
    checkRemoteName: (host, port) => checkRemoteName(host, port, originKey(host, port)),
  });

  const agent = new Agent({
    connect: createGuardedConnector({
      dial,
      connectTimeoutMs,
      tls: options.tls,
      onConnected(_originKey, socket, facts) {
        carriers.remember(socket, facts);
      },
    }),
  });

  return {
    dispatcher: agent.compose(carriers.interceptor),
    async checkUrl(url) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new NonRetryableError('unsupported-scheme', `refused ${url.href}: only http and https are fetched`, {
          details: { url: url.href, scheme: url.protocol },
        });
      }
      if (!url.hostname) {
        throw new NonRetryableError('bad-url', `refused ${url.href}: no host`, { details: { url: url.href } });
      }
      const port = url.port || defaultPort(url.protocol);
      if (proxy?.resolvesRemotely) checkRemoteName(url.hostname, port, url.href);
      else await resolveChecked(url.hostname, port, url.href);
    },
    async openTunnel(host, port) {
      const bare = stripBrackets(host);
      try {
        return await attemptConnect(connectTimeoutMs, () => connectTimeout(bare, port, connectTimeoutMs), async (attempt) => {
          return (await dial(bare, port, attempt)).socket;
        });
      } catch (err) {
        if (err instanceof VigieError) throw err;
        throw new RetryableError('connection-failed', `connect to ${originKey(bare, port)} failed: ${(err as Error).message}`, {
          cause: err,
          details: { host: bare, port },
        });
      }
    },
    connectionOf(opaque) {
      return carriers.factsFor(opaque);
    },
    async close() {
      // Nothing should be in flight when the owner closes the guard; destroying (rather than
      // draining) guarantees that a hostile slow response cannot hold shutdown open.
      try {
        await agent.destroy();
      } finally {
        carriers.close();
      }
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

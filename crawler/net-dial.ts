// Opens a raw TCP stream to a checked target, directly or through the target's proxy. The guard
// decides what is checked (resolveChecked for local resolution, checkRemoteName when the proxy
// resolves names); this file only connects to what was checked, and reports the target's address
// as far as it is known.
import type { LookupAddress, LookupOptions } from 'node:dns';
import net from 'node:net';
import { VigieError } from '../config/errors.ts';
import type { ProxyConfig } from './proxy-config.ts';
import { proxyError } from './proxy-errors.ts';
import { httpConnect } from './proxy-http-connect.ts';
import { socks5Connect } from './proxy-socks5.ts';
import { remoteHostForm } from './net-names.ts';
import { connectTcp, discard } from './net-socket.ts';
import type { ConnectAttempt } from './net-socket.ts';

export interface DialedStream {
  socket: net.Socket;
  /**
   * The target's IP address as evidence: the peer's address when direct, the checked address the
   * proxy was told to connect to when we resolved, null when the proxy resolved the name.
   */
  address: string | null;
}

export interface DialerOptions {
  proxy: ProxyConfig | null;
  /** Resolves `host` locally and checks every address; throws a VigieError when one is refused. */
  resolveChecked(host: string, port: number): Promise<LookupAddress[]>;
  /** For names the proxy will resolve: throws a VigieError when the name itself is refused. */
  checkRemoteName(host: string, port: number): void;
}

export type Dialer = (host: string, port: number, attempt: ConnectAttempt) => Promise<DialedStream>;

export function createDialer(options: DialerOptions): Dialer {
  const { proxy } = options;
  return async (host, port, attempt) => {
    if (!proxy) {
      const addresses = await options.resolveChecked(host, port);
      const socket = await connectTcp({ host, port, lookup: pinnedLookup(addresses) }, attempt);
      return { socket, address: socket.remoteAddress ?? null };
    }
    if (proxy.resolvesRemotely) {
      options.checkRemoteName(host, port);
      const target = remoteHostForm(host);
      const socket = await tunnel(proxy, target, port, attempt);
      return { socket, address: net.isIP(target) !== 0 ? target : null };
    }
    // The proxy is given a checked address, never the name, so it cannot resolve it differently.
    // IPv4 first (proxies without IPv6 are common); the next address when one is unreachable.
    const addresses = [...(await options.resolveChecked(host, port))].sort((a, b) => a.family - b.family);
    for (let index = 0; ; index++) {
      const { address } = addresses[index]!;
      try {
        return { socket: await tunnel(proxy, address, port, attempt), address };
      } catch (err) {
        const more = index + 1 < addresses.length && !attempt.signal.aborted;
        if (!more || !(err instanceof VigieError) || err.code !== 'proxy-target-unreachable') throw err;
      }
    }
  };
}

/** A socket connected to the proxy and through it to `host:port`; destroyed if anything fails. */
async function tunnel(proxy: ProxyConfig, host: string, port: number, attempt: ConnectAttempt): Promise<net.Socket> {
  const destination = { host, port };
  let socket: net.Socket;
  try {
    // The proxy's own name (if it has one) is resolved by the system: it is the operator's choice.
    socket = await connectTcp({ host: proxy.host, port: proxy.port }, attempt);
  } catch (err) {
    if (attempt.signal.aborted || err instanceof VigieError) throw err;
    throw proxyError('proxy-failed', proxy, destination, `cannot reach the proxy (${(err as Error).message})`, { cause: err });
  }
  try {
    if (proxy.kind === 'http') await httpConnect(socket, proxy, destination, attempt.signal);
    else await socks5Connect(socket, proxy, destination, attempt.signal);
    return socket;
  } catch (err) {
    discard(socket);
    if (attempt.signal.aborted || err instanceof VigieError) throw err;
    throw proxyError('proxy-failed', proxy, destination, `the proxy closed or broke the handshake (${(err as Error).message})`, { cause: err });
  }
}

/** A `lookup` that answers with addresses already resolved and checked, never asking DNS again. */
export function pinnedLookup(addresses: LookupAddress[]): net.LookupFunction {
  return (_hostname: string, lookupOptions: LookupOptions, callback) => {
    const family = lookupOptions.family === 'IPv4' ? 4 : lookupOptions.family === 'IPv6' ? 6 : lookupOptions.family;
    const wanted = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
    // Node expects lookup callbacks to be asynchronous, as dns.lookup's are.
    process.nextTick(() => {
      const first = wanted[0];
      if (!first) {
        const err: NodeJS.ErrnoException = new Error(`no IPv${family} address among the checked ones`);
        err.code = 'ENOTFOUND';
        callback(err, '', 0);
      } else if (lookupOptions.all) {
        callback(null, wanted);
      } else {
        callback(null, first.address, first.family);
      }
    });
  };
}

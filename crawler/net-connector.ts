// The socket factory of the guard's undici Agent. It resolves the host itself, checks every
// address, and connects only to those checked addresses (through a pinned `lookup`), so a DNS
// answer that changes between the guard's URL check and the connection (rebinding) cannot reach a
// private host. Node's happy-eyeballs still picks among the checked addresses.
import net from 'node:net';
import tls from 'node:tls';
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { buildConnector } from 'undici';
import { RetryableError } from '../config/errors.ts';
import { defaultPort, originKey } from './net-origin.ts';

export interface GuardedConnectorOptions {
  /** Resolves and checks a host; rejects with a VigieError when any address is refused. */
  resolveChecked(host: string, port: number): Promise<LookupAddress[]>;
  /** Covers resolution, TCP connect and TLS handshake together. */
  connectTimeoutMs: number;
  /** Told about every socket once connected, with its `host:port` origin key. */
  onConnected(originKey: string, socket: net.Socket): void;
  tls?: GuardTlsOptions;
}

/** Certificate checking for https; the defaults (system CAs, verification on) suit most uses. */
export type GuardTlsOptions = Pick<tls.ConnectionOptions, 'ca' | 'rejectUnauthorized'>;

export function createGuardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  return (connectOptions, callback) => {
    const { hostname, protocol } = connectOptions;
    const port = Number(connectOptions.port) || defaultPort(protocol);
    let socket: net.Socket | null = null;
    let settled = false;

    const settle = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (socket) socket.removeListener('error', settle);
      if (err || !socket) {
        // A late error from a socket given up on must not become an uncaught exception.
        socket?.on('error', noop).destroy();
        callback(err ?? new Error('connection closed before it opened'), null);
        return;
      }
      options.onConnected(originKey(hostname, port), socket);
      callback(null, socket);
    };

    const timer = setTimeout(() => {
      settle(new RetryableError('timeout', `connect to ${hostname}:${port} timed out after ${options.connectTimeoutMs} ms`, {
        details: { host: hostname, port, timeoutMs: options.connectTimeoutMs },
      }));
    }, options.connectTimeoutMs);

    options.resolveChecked(hostname, port).then(
      (addresses) => {
        if (settled) return;
        socket = openSocket(connectOptions, port, addresses, options.tls);
        socket.once(protocol === 'https:' ? 'secureConnect' : 'connect', () => settle(null));
        socket.on('error', settle);
      },
      (err: Error) => settle(err),
    );
  };
}

function openSocket(
  connectOptions: buildConnector.Options,
  port: number,
  addresses: LookupAddress[],
  tlsOptions: GuardTlsOptions = {},
): net.Socket {
  const { hostname, protocol } = connectOptions;
  const lookup = pinnedLookup(addresses);
  let socket: net.Socket;
  if (protocol === 'https:') {
    const servername = connectOptions.servername || (net.isIP(hostname) ? undefined : hostname);
    socket = tls.connect({ ...tlsOptions, host: hostname, port, servername, lookup, ALPNProtocols: ['http/1.1'] });
  } else {
    socket = net.connect({ host: hostname, port, lookup });
  }
  socket.setNoDelay(true);
  return socket;
}

/**
 * A plain TCP connection to `host:port` through checked addresses only, for tunnels (the
 * renderer's proxy). Rejects with a RetryableError on timeout or connection failure.
 */
export function connectPinned(host: string, port: number, addresses: LookupAddress[], timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, lookup: pinnedLookup(addresses) });
    const fail = (err: Error): void => {
      clearTimeout(timer);
      socket.on('error', noop).destroy();
      reject(err instanceof RetryableError ? err : new RetryableError('connection-failed', `connect to ${host}:${port} failed: ${err.message}`, {
        cause: err,
        details: { host, port },
      }));
    };
    const timer = setTimeout(() => {
      fail(new RetryableError('timeout', `connect to ${host}:${port} timed out after ${timeoutMs} ms`, {
        details: { host, port, timeoutMs },
      }));
    }, timeoutMs);
    socket.once('error', fail);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeListener('error', fail);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

/** A `lookup` that answers with addresses already resolved and checked, never asking DNS again. */
function pinnedLookup(addresses: LookupAddress[]): net.LookupFunction {
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

function noop(): void {}

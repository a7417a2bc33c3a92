// The socket factory of the guard's undici Agent. The guard's dialer resolves and checks the host
// and connects only to the checked addresses (or through the target's proxy), so a DNS answer that
// changes between the guard's URL check and the connection (rebinding) cannot reach a private
// host. TLS for https runs here over whatever stream the dialer opened, direct or tunnelled, and
// the certificate is summarised at that moment for the page's evidence.
import net from 'node:net';
import type tls from 'node:tls';
import type { buildConnector } from 'undici';
import { RetryableError } from '../config/errors.ts';
import type { Dialer } from './net-dial.ts';
import { defaultPort, originKey, stripBrackets } from './net-origin.ts';
import { attemptConnect, startTls } from './net-socket.ts';
import { summarizeTls } from './tls-summary.ts';
import type { TlsSummary } from './tls-summary.ts';

/** What a connection told us about its target, kept as evidence of the pages fetched over it. */
export interface ConnectionFacts {
  /** See DialedStream.address. */
  address: string | null;
  tls: TlsSummary | null;
}

export interface GuardedConnectorOptions {
  dial: Dialer;
  /** Covers resolution, TCP connect, proxy handshake and TLS handshake together. */
  connectTimeoutMs: number;
  /** Told about every socket once connected, with its `host:port` origin key. */
  onConnected(originKey: string, socket: net.Socket, facts: ConnectionFacts): void;
  tls?: GuardTlsOptions;
}

/** Certificate checking for https; the defaults (system CAs, verification on) suit most uses. */
export type GuardTlsOptions = Pick<tls.ConnectionOptions, 'ca' | 'rejectUnauthorized'>;

export function createGuardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  return (connectOptions, callback) => {
    const { protocol } = connectOptions;
    const hostname = stripBrackets(connectOptions.hostname);
    const port = Number(connectOptions.port) || defaultPort(protocol);
    const opened = attemptConnect(options.connectTimeoutMs, () => connectTimeout(hostname, port, options.connectTimeoutMs), async (attempt) => {
      const dialed = await options.dial(hostname, port, attempt);
      if (protocol !== 'https:') return { socket: dialed.socket, facts: { address: dialed.address, tls: null } };
      const servername = connectOptions.servername || (net.isIP(hostname) !== 0 ? undefined : hostname);
      const secure = await startTls(
        dialed.socket,
        { ...options.tls, host: hostname, servername, ALPNProtocols: ['http/1.1'] },
        attempt,
      );
      return { socket: secure as net.Socket, facts: { address: dialed.address, tls: summarizeTls(secure) } };
    });
    opened.then(
      ({ socket, facts }) => {
        options.onConnected(originKey(hostname, port), socket, facts);
        callback(null, socket);
      },
      (err: Error) => callback(err, null),
    );
  };
}

export function connectTimeout(host: string, port: number, timeoutMs: number): RetryableError {
  return new RetryableError('timeout', `connect to ${host}:${port} timed out after ${timeoutMs} ms`, {
    details: { host, port, timeoutMs },
  });
}


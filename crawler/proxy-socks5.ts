// The client side of a SOCKS5 CONNECT (RFC 1928) with optional user/password authentication
// (RFC 1929), over a socket already connected to the proxy. Written out rather than taken from a
// library so that every refusal maps to a precise error and no error object carries the credentials.
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import type { ProxyConfig } from './proxy-config.ts';
import { proxyError } from './proxy-errors.ts';
import type { ProxyDestination, ProxyFailure } from './proxy-errors.ts';
import { readExactly } from './net-socket.ts';

const VERSION = 0x05;
const METHOD_NONE = 0x00;
const METHOD_USER_PASSWORD = 0x02;
const NO_ACCEPTABLE_METHOD = 0xff;
const USER_PASSWORD_VERSION = 0x01;
const CMD_CONNECT = 0x01;
const ATYP_IPV4 = 0x01;
const ATYP_DOMAIN = 0x03;
const ATYP_IPV6 = 0x04;

// RFC 1928 section 6 reply codes, and what each means for a retry.
const REPLIES: Record<number, { text: string; failure: ProxyFailure }> = {
  0x01: { text: 'general SOCKS server failure', failure: 'proxy-target-unreachable' },
  0x02: { text: 'connection not allowed by ruleset', failure: 'proxy-refused' },
  0x03: { text: 'network unreachable', failure: 'proxy-target-unreachable' },
  0x04: { text: 'host unreachable', failure: 'proxy-target-unreachable' },
  0x05: { text: 'connection refused', failure: 'proxy-target-unreachable' },
  0x06: { text: 'TTL expired', failure: 'proxy-target-unreachable' },
  0x07: { text: 'command not supported', failure: 'proxy-refused' },
  0x08: { text: 'address type not supported', failure: 'proxy-refused' },
};

/**
 * Asks the proxy to connect to `destination`: an IP address goes as one, anything else as a
 * DOMAINNAME that the proxy resolves. Resolves once the tunnel is open; the socket then carries
 * the target's bytes.
 */
export async function socks5Connect(socket: net.Socket, proxy: ProxyConfig, destination: ProxyDestination, signal: AbortSignal): Promise<void> {
  const fail = (code: ProxyFailure, reason: string, reply?: number): never => {
    throw proxyError(code, proxy, destination, reason, { reply });
  };
  const address = encodeAddress(destination.host) ?? fail('proxy-refused', 'host name longer than 255 bytes');

  const withCredentials = proxy.username !== null;
  socket.write(Buffer.from([VERSION, 1, withCredentials ? METHOD_USER_PASSWORD : METHOD_NONE]));
  const [version, method] = await readExactly(socket, 2, signal);
  if (version !== VERSION) fail('proxy-failed', `not a SOCKS5 proxy (version byte ${version})`);
  if (method === NO_ACCEPTABLE_METHOD) {
    fail('proxy-auth', withCredentials ? 'the proxy does not accept user/password authentication' : 'the proxy requires authentication');
  }
  if (method === METHOD_USER_PASSWORD && withCredentials) {
    await authenticate(socket, proxy.username ?? '', proxy.password ?? '', signal, fail);
  } else if (method !== METHOD_NONE || withCredentials) {
    fail('proxy-failed', `the proxy chose an authentication method that was not offered (${method})`);
  }

  const port = Buffer.alloc(2);
  port.writeUInt16BE(destination.port);
  socket.write(Buffer.concat([Buffer.from([VERSION, CMD_CONNECT, 0x00]), address, port]));
  const [replyVersion, reply, , boundType] = await readExactly(socket, 4, signal);
  if (replyVersion !== VERSION) fail('proxy-failed', `malformed SOCKS5 reply (version byte ${replyVersion})`);
  if (reply !== 0x00) {
    const known = REPLIES[reply!];
    fail(known?.failure ?? 'proxy-failed', known?.text ?? `unknown SOCKS5 reply ${reply}`, reply);
  }
  // The bound address is of no use to a CONNECT client, but must be read off the stream.
  const boundLength =
    boundType === ATYP_IPV4 ? 4 : boundType === ATYP_IPV6 ? 16 : boundType === ATYP_DOMAIN ? (await readExactly(socket, 1, signal))[0]! : -1;
  if (boundLength < 0) fail('proxy-failed', `malformed SOCKS5 reply (address type ${boundType})`);
  await readExactly(socket, boundLength + 2, signal);
}

async function authenticate(
  socket: net.Socket,
  username: string,
  password: string,
  signal: AbortSignal,
  fail: (code: ProxyFailure, reason: string) => never,
): Promise<void> {
  const user = Buffer.from(username);
  const pass = Buffer.from(password);
  socket.write(Buffer.concat([Buffer.from([USER_PASSWORD_VERSION, user.length]), user, Buffer.from([pass.length]), pass]));
  const [, status] = await readExactly(socket, 2, signal);
  if (status !== 0x00) fail('proxy-auth', 'the proxy refused the user name or password');
}

/** ATYP and address bytes; null when a name does not fit in one length byte. */
function encodeAddress(host: string): Buffer | null {
  if (net.isIPv4(host)) return Buffer.from([ATYP_IPV4, ...ipaddr.parse(host).toByteArray()]);
  if (net.isIPv6(host)) return Buffer.from([ATYP_IPV6, ...ipaddr.parse(host).toByteArray()]);
  const name = Buffer.from(host, 'ascii');
  if (name.length === 0 || name.length > 255) return null;
  return Buffer.concat([Buffer.from([ATYP_DOMAIN, name.length]), name]);
}

// The client side of an HTTP CONNECT tunnel (RFC 9110 section 9.3.6) over a socket already
// connected to the proxy, with Basic proxy authentication when the proxy URL has credentials.
// Used for http and https targets alike: undici (or TLS) then speaks to the target through it.
import net from 'node:net';
import type { ProxyConfig } from './proxy-config.ts';
import { proxyError } from './proxy-errors.ts';
import type { ProxyDestination } from './proxy-errors.ts';
import { readHead } from './net-socket.ts';

// A proxy's answer to CONNECT is a status line and a few headers; more is not an answer.
const MAX_HEAD_BYTES = 16 * 1024;

export async function httpConnect(socket: net.Socket, proxy: ProxyConfig, destination: ProxyDestination, signal: AbortSignal): Promise<void> {
  const authority = `${net.isIPv6(destination.host) ? `[${destination.host}]` : destination.host}:${destination.port}`;
  if (/[^\x21-\x7e]/.test(authority)) {
    throw proxyError('proxy-refused', proxy, destination, 'host is not a valid authority');
  }
  const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
  if (proxy.username !== null) {
    const token = Buffer.from(`${proxy.username}:${proxy.password ?? ''}`).toString('base64');
    lines.push(`Proxy-Authorization: Basic ${token}`);
  }
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);

  let head: Buffer;
  try {
    head = await readHead(socket, MAX_HEAD_BYTES, signal);
  } catch (err) {
    if (signal.aborted) throw err;
    throw proxyError('proxy-failed', proxy, destination, `no valid answer to CONNECT (${(err as Error).message})`, { cause: err });
  }
  const statusLine = head.toString('latin1', 0, head.indexOf('\r\n'));
  const match = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!match) throw proxyError('proxy-failed', proxy, destination, 'not an HTTP proxy (malformed status line)');
  const status = Number(match[1]);
  if (status >= 200 && status < 300) return;
  const reason = `the proxy answered ${status}${match[2] ? ` ${match[2].slice(0, 100)}` : ''}`;
  if (status === 407) throw proxyError('proxy-auth', proxy, destination, reason, { reply: status });
  // 502, 503 and 504 are the proxy's "could not reach it"; other 4xx are its rules or our request.
  if (status >= 500) throw proxyError('proxy-target-unreachable', proxy, destination, reason, { reply: status });
  throw proxyError('proxy-refused', proxy, destination, reason, { reply: status });
}

// Tiny proxies for tests: a SOCKS5 server (RFC 1928, with RFC 1929 user/password) and an HTTP
// CONNECT proxy, both recording what they were asked. A `hosts` table maps names to local servers:
// that is how a Tor onion service (or any name only the proxy can resolve) is simulated here.
import http from 'node:http';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { listen } from './hostile-server.ts';

export interface ProxyCredentials {
  username: string;
  password: string;
}

/** Where a name asked of the proxy really goes (a local server). */
export type ProxyHosts = Record<string, { host: string; port: number }>;

export interface SocksRequestRecord {
  /** The address type the client used: a DOMAINNAME request means the proxy resolved the name. */
  type: 'ipv4' | 'ipv6' | 'domain';
  host: string;
  port: number;
}

export interface ConnectRequestRecord {
  /** The request target of CONNECT, `host:port`. */
  authority: string;
  proxyAuthorization: string | undefined;
}

interface TestProxyBase {
  readonly host: string;
  readonly port: number;
  /** Client connections accepted so far. */
  acceptedConnections(): number;
  close(): Promise<void>;
}

export interface TestSocksServer extends TestProxyBase {
  /** CONNECT requests, after authentication succeeded. */
  readonly requests: SocksRequestRecord[];
  /** User names presented (whether accepted or not). */
  readonly authUsers: string[];
  /** `socks5h://[user:pass@]host:port` (or `socks5://` with scheme 'socks5'). */
  url(scheme?: 'socks5' | 'socks5h', credentials?: ProxyCredentials): string;
}

export interface TestConnectProxy extends TestProxyBase {
  readonly requests: ConnectRequestRecord[];
  url(credentials?: ProxyCredentials): string;
}

export interface TestProxyOptions {
  /** Required credentials; without them, no authentication is asked. */
  credentials?: ProxyCredentials;
  hosts?: ProxyHosts;
}

const REPLY_SUCCEEDED = 0x00;
const REPLY_HOST_UNREACHABLE = 0x04;
const REPLY_CONNECTION_REFUSED = 0x05;

export async function startSocks5Server(options: TestProxyOptions = {}): Promise<TestSocksServer> {
  const requests: SocksRequestRecord[] = [];
  const authUsers: string[] = [];
  const server = net.createServer((socket) => {
    handleSocks(socket, options, requests, authUsers).catch(() => socket.destroy());
  });
  const base = await listen(server, '127.0.0.1');
  return {
    ...base,
    requests,
    authUsers,
    url: (scheme = 'socks5h', credentials) => `${scheme}://${userInfo(credentials)}${base.host}:${base.port}`,
  };
}

async function handleSocks(socket: net.Socket, options: TestProxyOptions, requests: SocksRequestRecord[], authUsers: string[]): Promise<void> {
  const handshake = reader(socket);
  const read = handshake.read;
  const [, methodCount] = await read(2);
  const methods = [...(await read(methodCount!))];
  const wanted = options.credentials ? 0x02 : 0x00;
  if (!methods.includes(wanted)) {
    socket.end(Buffer.from([0x05, 0xff]));
    return;
  }
  socket.write(Buffer.from([0x05, wanted]));
  if (options.credentials) {
    const [, userLength] = await read(2);
    const username = (await read(userLength!)).toString();
    const [passwordLength] = await read(1);
    const password = (await read(passwordLength!)).toString();
    authUsers.push(username);
    const ok = username === options.credentials.username && password === options.credentials.password;
    socket.write(Buffer.from([0x01, ok ? 0x00 : 0x01]));
    if (!ok) {
      socket.end();
      return;
    }
  }
  const [, command, , addressType] = await read(4);
  let record: SocksRequestRecord;
  if (addressType === 0x01) {
    record = { type: 'ipv4', host: [...(await read(4))].join('.'), port: 0 };
  } else if (addressType === 0x04) {
    record = { type: 'ipv6', host: ipaddr.fromByteArray([...(await read(16))]).toString(), port: 0 };
  } else {
    const [length] = await read(1);
    record = { type: 'domain', host: (await read(length!)).toString('ascii'), port: 0 };
  }
  record.port = (await read(2)).readUInt16BE(0);
  requests.push(record);
  if (command !== 0x01) {
    socket.end(Buffer.from([0x05, 0x07, 0x00, 0x01, 0, 0, 0, 0, 0, 0]));
    return;
  }
  const target = record.type === 'domain' ? options.hosts?.[record.host.toLowerCase()] : { host: record.host, port: record.port };
  const reply = (code: number): Buffer => Buffer.from([0x05, code, 0x00, 0x01, 0, 0, 0, 0, 0, 0]);
  if (!target) {
    socket.end(reply(REPLY_HOST_UNREACHABLE));
    return;
  }
  const upstream = net.connect(target.port, target.host);
  upstream.once('error', () => socket.end(reply(REPLY_CONNECTION_REFUSED)));
  upstream.once('connect', () => {
    upstream.removeAllListeners('error');
    socket.write(reply(REPLY_SUCCEEDED));
    handshake.release();
    splice(socket, upstream);
  });
}

export async function startHttpConnectProxy(options: TestProxyOptions = {}): Promise<TestConnectProxy> {
  const requests: ConnectRequestRecord[] = [];
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, client: net.Socket) => {
    client.on('error', () => {});
    const authority = req.url ?? '';
    requests.push({ authority, proxyAuthorization: req.headers['proxy-authorization'] });
    if (options.credentials) {
      const expected = `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`;
      if (req.headers['proxy-authorization'] !== expected) {
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
        return;
      }
    }
    const url = new URL(`http://${authority}`);
    const mapped = options.hosts?.[url.hostname.toLowerCase()];
    const target = mapped ?? { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) };
    const upstream = net.connect(target.port, target.host);
    upstream.once('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n'));
    upstream.once('connect', () => {
      upstream.removeAllListeners('error');
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      splice(client, upstream);
    });
  });
  const base = await listen(server, '127.0.0.1');
  return { ...base, requests, url: (credentials) => `http://${userInfo(credentials)}${base.host}:${base.port}` };
}

function userInfo(credentials: ProxyCredentials | undefined): string {
  return credentials ? `${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}@` : '';
}

function splice(a: net.Socket, b: net.Socket): void {
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.pipe(b);
  b.pipe(a);
}

interface HandshakeReader {
  read(size: number): Promise<Buffer>;
  /** Stops reading, putting back anything read ahead, so the socket can be piped. */
  release(): void;
}

/** Reads exact byte counts from a socket in order (enough for a handshake). */
function reader(socket: net.Socket): HandshakeReader {
  let buffered = Buffer.alloc(0);
  let waiting: { size: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;
  const flush = (): void => {
    if (waiting && buffered.length >= waiting.size) {
      const { size, resolve } = waiting;
      waiting = null;
      const chunk = buffered.subarray(0, size);
      buffered = buffered.subarray(size);
      resolve(chunk);
    }
  };
  const onData = (chunk: Buffer): void => {
    buffered = Buffer.concat([buffered, chunk]);
    flush();
  };
  const onClose = (): void => waiting?.reject(new Error('closed'));
  socket.on('data', onData);
  socket.on('error', () => {});
  socket.once('close', onClose);
  return {
    read: (size) =>
      new Promise<Buffer>((resolve, reject) => {
        waiting = { size, resolve, reject };
        flush();
      }),
    release() {
      socket.removeListener('data', onData);
      socket.removeListener('close', onClose);
      socket.pause();
      if (buffered.length > 0) socket.unshift(buffered);
    },
  };
}

// Local servers for fetcher tests: well-behaved pages and hostile ones (slow drips, endless bodies,
// compression bombs, silent sockets), with counts of what each server accepted and produced.
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';

export interface TestServer {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` */
  readonly origin: string;
  /** `host:port`, the form the network guard's allow list takes. */
  readonly hostPort: string;
  url(path: string): string;
  /** Connections accepted since start. */
  acceptedConnections(): number;
  openConnections(): number;
  close(): Promise<void>;
}

/** An HTTP server on `host` (any 127/8 address works on Linux) and a free port. */
export function startHttpServer(handler: RequestListener, host = '127.0.0.1'): Promise<TestServer> {
  const server = http.createServer(handler);
  // undici closes an idle socket 2 s before the server's Keep-Alive hint (whole seconds), so a
  // hint under 3 s would make it drop every connection after one response.
  server.keepAliveTimeout = 5000;
  return listen(server, host);
}

// A throwaway self-signed certificate for localhost and 127.0.0.1, valid 2000-2100 so that no
// machine clock makes it "not yet valid". Test use only.
export const TEST_TLS = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg0he5697YLGEsf8yL
uJCEptzqw2JiPfyGO6jaunD8146hRANCAAQoJYLJyTXo64tO6ZS4OtALuLyP2rdV
u3OYUB4J8xqovZSwmhGp69GnOhhoX8XBBd9wg0oPyI9yFe4a94pkLW2M
-----END PRIVATE KEY-----
`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBYzCCAQqgAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAlsb2NhbGhv
c3QwIBcNMDAwMTAxMDAwMDAwWhgPMjEwMDAxMDEwMDAwMDBaMBQxEjAQBgNVBAMM
CWxvY2FsaG9zdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABCglgsnJNejri07p
lLg60Au4vI/at1W7c5hQHgnzGqi9lLCaEanr0ac6GGhfxcEF33CDSg/Ij3IV7hr3
imQtbYyjSzBJMBoGA1UdEQQTMBGCCWxvY2FsaG9zdIcEfwAAATAMBgNVHRMBAf8E
AjAAMB0GA1UdDgQWBBRc5LL+1kE0s+jzunqOFnC5hw8pQzAKBggqhkjOPQQDAgNH
ADBEAiBKga2HFCEfGhlK6NpxwzkeEa4iIjgVapLSAAJe4qtmQAIgQZ3/IYjS4iyM
L5SDmc+wNzYY/hC+UyPW4DistaVRVs4=
-----END CERTIFICATE-----
`,
};

/** An HTTPS server with TEST_TLS; `origin` and `url()` still say http, use `httpsUrl()`. */
export async function startHttpsServer(handler: RequestListener, host = '127.0.0.1'): Promise<TestServer & { httpsUrl(path: string, hostName?: string): string }> {
  const server = https.createServer({ key: TEST_TLS.key, cert: TEST_TLS.cert }, handler);
  server.keepAliveTimeout = 5000;
  const base = await listen(server, host);
  return { ...base, httpsUrl: (path, hostName = host) => `https://${hostName}:${base.port}${path}` };
}

/** A raw TCP server: `onSocket` decides what (if anything) the peer ever gets. */
export function startTcpServer(onSocket: (socket: net.Socket) => void, host = '127.0.0.1'): Promise<TestServer> {
  return listen(net.createServer(onSocket), host);
}

/** Listens on `host` and a free port, counting and tracking connections so close() ends them all. */
export async function listen(server: net.Server, host: string): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  server.on('connection', (socket: net.Socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  const hostPort = `${host}:${port}`;
  return {
    host,
    port,
    origin: `http://${hostPort}`,
    hostPort,
    url: (path) => `http://${hostPort}${path}`,
    acceptedConnections: () => accepted,
    openConnections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** Dispatches on the request path (query ignored); unknown paths get a 404. */
export function routes(table: Record<string, Route>): RequestListener {
  return (req, res) => {
    const route = table[new URL(req.url ?? '/', 'http://local').pathname];
    if (route) route(req, res);
    else res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>not found</h1>');
  };
}

/** Streams `source` into `res` with back-pressure, and stops producing once the client goes. */
export function streamInto(res: ServerResponse, source: Iterable<Buffer> | AsyncIterable<Buffer>): void {
  const readable = Readable.from(source, { objectMode: false });
  readable.pipe(res);
  res.once('close', () => readable.destroy());
}

/** `totalBytes` of `chunk` repeated, counting what was produced in `counter.bytes`. */
export function* repeatedBytes(chunk: Buffer, totalBytes: number, counter: { bytes: number }): Generator<Buffer> {
  while (counter.bytes < totalBytes) {
    const piece = chunk.subarray(0, Math.min(chunk.length, totalBytes - counter.bytes));
    counter.bytes += piece.length;
    yield piece;
  }
}

/**
 * A gzip stream that inflates to `inflatedBytes` zeros, generated lazily: one fully-flushed raw
 * deflate block of 1 MiB of zeros is byte-aligned and self-contained, so repeating it yields a
 * valid deflate stream of any length for about 1 KiB per MiB. The CRC trailer is deliberately
 * wrong: a client that honoured its cap never reaches it, and one that did would fail to decode.
 */
export function* gzipBomb(inflatedBytes: number, counter: { inflatedBytes: number; wireBytes: number }): Generator<Buffer> {
  const mebibyte = 1024 * 1024;
  const block = zlib.deflateRawSync(Buffer.alloc(mebibyte), { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  const header = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0x02, 0xff]);
  counter.wireBytes += header.length;
  yield header;
  while (counter.inflatedBytes < inflatedBytes) {
    counter.inflatedBytes += mebibyte;
    counter.wireBytes += block.length;
    yield block;
  }
  const end = Buffer.concat([zlib.deflateRawSync(Buffer.alloc(0)), Buffer.alloc(8)]);
  counter.wireBytes += end.length;
  yield end;
}

// A real exchange with a local server, read with undici as the fetcher reads it (raw bytes, no
// decompression), written to a WARC and read back with warcio.js, library and CLI indexer.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWarcWriter, type HttpHeaders, type WarcCapture } from '../../crawler/warc/index.ts';
import { routes, startHttpServer, type TestServer } from '../helpers/hostile-server.ts';
import { readWarc } from '../helpers/warc-read.ts';

const WARCIO_CLI = fileURLToPath(new URL('../../node_modules/warcio/dist/cli.js', import.meta.url));
const PAGE = '<html><head><meta charset="utf-8"></head><body>Café, 日本語, ünïcödé</body></html>';
const blob = randomBytes(64 * 1024);
const blobGzip = gzipSync(blob);

let server: TestServer;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigie-warc-http-'));
  server = await startHttpServer(
    routes({
      '/caf%C3%A9': (_req, res) => {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.setHeader('content-encoding', 'gzip');
        res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/']);
        res.setHeader('x-note', 'caf\u00e9'); // Node writes string header values as latin1 bytes
        // No Content-Length: Node sends the body chunked, in several chunks.
        const gz = gzipSync(Buffer.from(PAGE));
        res.write(gz.subarray(0, 10));
        res.write(gz.subarray(10, 20));
        res.end(gz.subarray(20));
      },
      '/blob': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip', 'content-length': blobGzip.length });
        res.end(blobGzip);
      },
    }),
  );
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function fetchCapture(url: string, metadata: Record<string, string>): Promise<WarcCapture> {
  const requestHeaders = { 'user-agent': 'Vigie-test', 'accept-encoding': 'gzip', authorization: 'Bearer s3cret-token' };
  const fetchedAt = new Date().toISOString();
  const response = await request(url, { headers: requestHeaders });
  const rawBody = Buffer.from(await response.body.arrayBuffer());
  const responseHeaders = Object.fromEntries(Object.entries(response.headers).filter(([, value]) => value !== undefined)) as HttpHeaders;
  return { url, finalUrl: url, method: 'GET', requestHeaders, status: response.statusCode, responseHeaders, rawBody, remoteAddress: server.host, fetchedAt, metadata };
}

describe('WARC capture of a real HTTP exchange', () => {
  it('stores the de-chunked, still gzip-encoded body under headers that describe it, readable by warcio', async () => {
    const writer = createWarcWriter({ dir, filePrefix: 'http', writerId: 'w1', runId: 'run-http', software: 'Vigie/test' });
    const page = await fetchCapture(server.url('/café?q=ü'), { 'vigie-page-id': 'p1', 'vigie-tls': JSON.stringify({ subject: 'CN=Ünïcode' }) });
    expect(page.responseHeaders['transfer-encoding']).toBe('chunked');
    const blobCapture = await fetchCapture(server.url('/blob'), { 'vigie-page-id': 'p2' });
    const [pageResult, blobResult] = await Promise.all([writer.writeCapture(page), writer.writeCapture(blobCapture)]);
    await writer.close();

    const path = join(dir, pageResult.file);
    const records = await readWarc(path);
    const pageResponse = records.find((r) => r.type === 'response' && r.offset === pageResult.offset)!;
    expect(pageResponse.targetUri).toBe(`${server.origin}/caf%C3%A9?q=%C3%BC`);
    expect(pageResponse.payload.equals(page.rawBody)).toBe(true);
    expect(pageResponse.contentText).toBe(PAGE); // warcio undoes Content-Encoding; nothing left chunked
    const names = pageResponse.httpHeaders.map(([name]) => name.toLowerCase());
    expect(names).toContain('x-orig-transfer-encoding');
    expect(names).not.toContain('transfer-encoding');
    expect(pageResponse.httpHeaders).toContainEqual(['content-encoding', 'gzip']);
    expect(pageResponse.httpHeaders.filter(([name]) => name === 'set-cookie').map(([, value]) => value)).toEqual(['a=1; Path=/', 'b=2; Path=/']);

    // The latin1 header value is stored as the bytes the server sent.
    const file = await readFile(path);
    const member = gunzipSync(file.subarray(pageResult.offset, pageResult.offset + pageResult.length));
    expect(member.includes(Buffer.from([...Buffer.from('x-note: caf'), 0xe9, 0x0d, 0x0a]))).toBe(true);

    const pageRequest = records.find((r) => r.type === 'request' && r.concurrentTo === pageResponse.id)!;
    const requestHead = (await requestBlock(path, pageRequest.offset, pageRequest.length)).toString('latin1');
    expect(requestHead.startsWith('GET /caf%C3%A9?q=%C3%BC HTTP/1.1\r\n')).toBe(true);
    expect(requestHead).toContain('authorization: [redacted]\r\n');
    expect(requestHead).not.toContain('s3cret');

    const metadata = records.find((r) => r.type === 'metadata' && r.concurrentTo === pageResponse.id)!;
    expect(metadata.payload.toString('utf8')).toContain('vigie-tls: {"subject":"CN=Ünïcode"}\r\n');

    const blobResponse = records.find((r) => r.type === 'response' && r.offset === blobResult.offset)!;
    expect(blobResponse.payload.equals(blobGzip)).toBe(true);
    expect(gunzipSync(blobResponse.payload).equals(blob)).toBe(true);
    expect(blobResponse.httpHeaders).toContainEqual(['content-length', String(blobGzip.length)]);
  });

  it('is indexed by warcio’s CDX indexer at the offsets and digests the writer reported', async () => {
    const writer = createWarcWriter({ dir, filePrefix: 'cdx', writerId: 'w1', runId: 'run-cdx', software: 'Vigie/test' });
    const capture = await fetchCapture(server.url('/café'), { 'vigie-page-id': 'p3' });
    const result = await writer.writeCapture({ ...capture, screenshot: randomBytes(100) });
    await writer.close();

    const { stdout } = await promisify(execFile)(process.execPath, [WARCIO_CLI, 'cdx-index', join(dir, result.file)]);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line.slice(line.indexOf('{'))) as Record<string, string>);
    const page = lines.find((line) => line.url === `${server.origin}/caf%C3%A9`)!;
    expect(page).toMatchObject({ status: '200', offset: String(result.offset), length: String(result.length), filename: result.file });
    expect(page.digest).toBe(createHash('sha256').update(capture.rawBody).digest('hex'));
    expect(lines.map((line) => line.url)).toContain(`urn:view:${server.origin}/caf%C3%A9`);
  });
});

/** The block of the record in one gzip member (after its WARC headers). */
async function requestBlock(path: string, offset: number, length: number): Promise<Buffer> {
  const member = gunzipSync((await readFile(path)).subarray(offset, offset + length));
  return member.subarray(member.indexOf('\r\n\r\n') + 4);
}

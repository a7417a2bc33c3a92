import { createHash } from 'node:crypto';
import { WARCParser } from 'warcio';
import { describe, expect, it } from 'vitest';
import { errorCode } from '../../config/errors.ts';
import { warcFileName } from '../../crawler/warc/warc-file.ts';
import {
  formatWarcDate,
  newRecordId,
  serializeRecord,
  sha256Digest,
  warcFieldsBlock,
  warcTargetUri,
  type WarcRecordInput,
} from '../../crawler/warc/warc-record.ts';

const hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function parseOne(bytes: Buffer, keepHeadersCase = false) {
  // keepHeadersCase: warcio's multi-map keeps UTF-8 values as is (WHATWG Headers holds latin1 only).
  const parser = new WARCParser([bytes], { keepHeadersCase });
  const record = await parser.parse();
  if (!record) throw new Error('no record');
  const payload = Buffer.from(await record.readFully(false));
  return { record, payload, next: await parser.parse() };
}

function splitRecord(bytes: Buffer) {
  const headerEnd = bytes.indexOf('\r\n\r\n');
  const headerText = bytes.subarray(0, headerEnd).toString('utf8');
  const length = Number(/\r\nContent-Length: (\d+)/.exec(headerText)![1]);
  const block = bytes.subarray(headerEnd + 4, headerEnd + 4 + length);
  const trailer = bytes.subarray(headerEnd + 4 + length);
  return { headerText, block, trailer };
}

const response: WarcRecordInput = {
  type: 'response',
  id: newRecordId(),
  date: '2024-03-05T06:07:08.009Z',
  targetUri: 'http://example.test/',
  contentType: 'application/http;msgtype=response',
  head: Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n', 'latin1'),
  payload: Buffer.from([0x1f, 0x8b, 0x00, 0xff, 0x0d, 0x0a]),
  headers: [['WARC-IP-Address', '127.0.0.1']],
};

describe('serializeRecord', () => {
  it('writes CRLF header lines, an exact Content-Length and two CRLFs after the block', () => {
    const bytes = serializeRecord(response);
    const { headerText, block, trailer } = splitRecord(bytes);
    expect(headerText.startsWith('WARC/1.1\r\nWARC-Type: response\r\n')).toBe(true);
    expect(headerText.split('\r\n').every((line) => !line.includes('\n') && !line.includes('\r'))).toBe(true);
    expect(block).toEqual(Buffer.concat([response.head!, response.payload]));
    expect(trailer.toString('latin1')).toBe('\r\n\r\n');
  });

  it('labels block and payload SHA-256 digests the way warcio.js writes them, and warcio reads them back', async () => {
    const bytes = serializeRecord(response);
    const { record, payload, next } = await parseOne(bytes);
    expect(next).toBeNull();
    expect(record.warcType).toBe('response');
    expect(record.warcDate).toBe('2024-03-05T06:07:08.009Z');
    expect(record.warcHeader('WARC-IP-Address')).toBe('127.0.0.1');
    expect(record.httpHeaders?.statusCode).toBe(200);
    expect(payload).toEqual(response.payload);
    expect(record.warcPayloadDigest).toBe(`sha256:${hex(response.payload)}`);
    expect(record.warcBlockDigest).toBe(`sha256:${hex(Buffer.concat([response.head!, response.payload]))}`);
  });

  it('leaves warcinfo records without digests (as warcio.js does)', () => {
    const bytes = serializeRecord({ type: 'warcinfo', id: newRecordId(), date: new Date(0), contentType: 'application/warc-fields', payload: warcFieldsBlock([['software', 'x']]) });
    const { headerText } = splitRecord(bytes);
    expect(headerText).not.toContain('Digest');
    expect(headerText).toContain('WARC-Date: 1970-01-01T00:00:00.000Z');
  });

  it('writes non-ASCII header values as UTF-8 (WARC 1.1)', async () => {
    const bytes = serializeRecord({ ...response, type: 'resource', head: undefined, targetUri: 'urn:note:café/日本' });
    expect(bytes.includes(Buffer.from('WARC-Target-URI: urn:note:café/日本\r\n', 'utf8'))).toBe(true);
    const { record } = await parseOne(bytes, true);
    expect(record.warcTargetURI).toBe('urn:note:café/日本');
  });

  it('cannot be made to forge a header through a value, and refuses invalid names', () => {
    const bytes = serializeRecord({ ...response, targetUri: 'http://x.test/\r\nWARC-Type: revisit' });
    const { headerText } = splitRecord(bytes);
    expect(headerText.match(/^WARC-Type:/gm)).toHaveLength(1);
    let thrown: unknown;
    try {
      serializeRecord({ ...response, headers: [['Bad Name', 'x']] });
    } catch (err) {
      thrown = err;
    }
    expect(errorCode(thrown)).toBe('warc-bad-field');
  });
});

describe('warc fields and helpers', () => {
  it('keeps metadata values on one line each', () => {
    const block = warcFieldsBlock([
      ['vigie-page-id', 'p1'],
      ['note', 'line one\r\nWARC-Type: response\nend'],
      ['lang', '日本語'],
    ]);
    expect(block.toString('utf8')).toBe('vigie-page-id: p1\r\nnote: line one WARC-Type: response end\r\nlang: 日本語\r\n');
  });

  it('formats dates with milliseconds in UTC and rejects non-dates', () => {
    expect(formatWarcDate('2024-03-05T07:07:08.1+01:00')).toBe('2024-03-05T06:07:08.100Z');
    expect(() => formatWarcDate('yesterday')).toThrow(/not a date/);
  });

  it('normalises target URIs as the fetcher requested them', () => {
    expect(warcTargetUri('http://exämple.test/café?q=ü#frag')).toBe('http://xn--exmple-cua.test/caf%C3%A9?q=%C3%BC#frag');
    expect(warcTargetUri('not a url')).toBe('not a url');
  });

  it('makes urn:uuid record ids and digests', () => {
    expect(newRecordId()).toMatch(/^<urn:uuid:[0-9a-f-]{36}>$/);
    expect(sha256Digest(Buffer.from('a'), Buffer.from('b'))).toBe(`sha256:${hex(Buffer.from('ab'))}`);
  });

  it('names files <prefix>-<UTC yyyyMMddHHmmssSSS>-<writerId>-<serial>.warc.gz', () => {
    const name = warcFileName({ filePrefix: 'vigie-run7', writerId: 'w-2', openedAt: new Date('2024-03-05T06:07:08.009Z'), serial: 12 });
    expect(name).toBe('vigie-run7-20240305060708009-w-2-00012.warc.gz');
  });
});

import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, errorCode, RetryableError } from '../../config/errors.ts';
import { createWarcWriter, type WarcCapture, type WarcWriterOptions } from '../../crawler/warc/index.ts';
import { groupCaptures, readWarc } from '../helpers/warc-read.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigie-warc-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function options(extra: Partial<WarcWriterOptions> = {}): WarcWriterOptions {
  return { dir, filePrefix: 'vigie-run1', writerId: 'w1', runId: 'run-1', software: 'Vigie/test', ...extra };
}

function capture(i: number, extra: Partial<WarcCapture> = {}): WarcCapture {
  const html = Buffer.from(`<html><body>page ${i}</body></html>`);
  const url = `http://site.test/p/${i}`;
  return {
    url,
    finalUrl: url,
    method: 'GET',
    requestHeaders: { 'user-agent': 'Vigie-test' },
    status: 200,
    responseHeaders: { 'content-type': 'text/html', 'content-length': String(html.length) },
    rawBody: html,
    remoteAddress: '192.0.2.7',
    fetchedAt: '2024-03-05T06:07:08.009Z',
    metadata: { 'vigie-page-id': `page-${i}`, 'vigie-run-id': 'run-1' },
    renderedDom: html,
    ...extra,
  };
}

describe('WARC writer', () => {
  it('writes warcinfo then a linked capture, with the file .open until closed', async () => {
    const writer = createWarcWriter(options({ clock: () => new Date('2024-03-05T06:07:08.009Z') }));
    const screenshot = randomBytes(300);
    const result = await writer.writeCapture(capture(1, { screenshot }));
    expect(result.file).toBe('vigie-run1-20240305060708009-w1-00000.warc.gz');
    expect(await readdir(dir)).toEqual([`${result.file}.open`]);

    await writer.close();
    expect(await readdir(dir)).toEqual([result.file]);
    const records = await readWarc(join(dir, result.file));
    expect(records.map((r) => r.type)).toEqual(['warcinfo', 'response', 'request', 'metadata', 'resource', 'resource']);
    const [info, response, request, metadata, dom, shot] = records as [any, any, any, any, any, any];

    const infoText = info.payload.toString('utf8');
    expect(infoText).toContain('format: WARC File Format 1.1\r\n');
    expect(infoText).toContain('isPartOf: run-1\r\n');
    expect(infoText).toContain('software: Vigie/test\r\n');
    expect(info.header('WARC-Filename')).toBe(result.file);

    expect(response.id).toBe(result.recordIds.response);
    expect(response.offset).toBe(result.offset);
    expect(response.length).toBe(result.length);
    expect(response.header('WARC-IP-Address')).toBe('192.0.2.7');
    expect(response.header('WARC-Date')).toBe('2024-03-05T06:07:08.009Z');
    expect(response.payload.toString()).toBe('<html><body>page 1</body></html>');
    for (const linked of [request, metadata, dom, shot]) expect(linked.concurrentTo).toBe(result.recordIds.response);
    expect([request.id, metadata.id, dom.id, shot.id]).toEqual([
      result.recordIds.request,
      result.recordIds.metadata,
      result.recordIds.dom,
      result.recordIds.screenshot,
    ]);
    expect(new Set([response.targetUri, request.targetUri, metadata.targetUri])).toEqual(new Set(['http://site.test/p/1']));
    expect(metadata.header('Content-Type')).toBe('application/warc-fields');
    expect(metadata.payload.toString()).toBe('vigie-page-id: page-1\r\nvigie-run-id: run-1\r\n');
    expect(dom.targetUri).toBe('urn:dom:http://site.test/p/1');
    expect(dom.header('Content-Type')).toBe('text/html; charset=utf-8');
    expect(shot.targetUri).toBe('urn:view:http://site.test/p/1');
    expect(shot.header('Content-Type')).toBe('image/png');
    expect(shot.payload.equals(screenshot)).toBe(true);
  });

  it('serialises concurrent writes: every capture contiguous and where its result says', async () => {
    const writer = createWarcWriter(options());
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => writer.writeCapture(capture(i, { screenshot: randomBytes(2000 + i) }))));
    await writer.close();
    expect(new Set(results.map((r) => r.file)).size).toBe(1);

    const records = await readWarc(join(dir, results[0]!.file));
    const groups = groupCaptures(records);
    expect(groups).toHaveLength(30);
    for (const group of groups) {
      expect(group.map((r) => r.type)).toEqual(['response', 'request', 'metadata', 'resource', 'resource']);
      const target = group[0]!.targetUri!;
      expect(group.slice(0, 3).every((r) => r.targetUri === target)).toBe(true);
      expect(group.slice(1).every((r) => r.concurrentTo === group[0]!.id)).toBe(true);
      expect(group[2]!.payload.toString()).toContain(`vigie-page-id: page-${target.split('/').pop()}\r\n`);
    }
    const byOffset = new Map(groups.map((group) => [group[0]!.offset, group[0]!]));
    results.forEach((result, i) => {
      expect(byOffset.get(result.offset)?.targetUri).toBe(`http://site.test/p/${i}`);
      expect(byOffset.get(result.offset)?.id).toBe(result.recordIds.response);
    });
  });

  it('rotates before a file passes maxFileBytes, each file whole and opening with warcinfo', async () => {
    const maxFileBytes = 6000;
    const writer = createWarcWriter(options({ maxFileBytes }));
    const results = [];
    for (let i = 0; i < 8; i += 1) results.push(await writer.writeCapture(capture(i, { screenshot: randomBytes(1500) })));
    // Larger than a whole file: written alone in a file of its own rather than split or refused.
    results.push(await writer.writeCapture(capture(99, { screenshot: randomBytes(3 * maxFileBytes) })));
    await writer.close();

    const names = (await readdir(dir)).sort();
    expect(names.every((name) => /^vigie-run1-\d{17}-w1-\d{5}\.warc\.gz$/.test(name))).toBe(true);
    expect(names.map((name) => name.slice(-13, -8))).toEqual(names.map((_, i) => String(i).padStart(5, '0')));
    expect(names.length).toBeGreaterThanOrEqual(4);
    const seen: string[] = [];
    for (const name of names) {
      const records = await readWarc(join(dir, name));
      expect(records[0]!.type).toBe('warcinfo');
      expect(records[0]!.header('WARC-Filename')).toBe(name);
      const captures = groupCaptures(records);
      const sizeBytes = (await stat(join(dir, name))).size;
      if (captures.length > 1) expect(sizeBytes).toBeLessThanOrEqual(maxFileBytes);
      seen.push(...captures.map((group) => group[0]!.targetUri!));
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 99].map((i) => `http://site.test/p/${i}`));
    expect(results.at(-1)!.file).not.toBe(results.at(-2)!.file);
  });

  it('records real redirect hops as their own exchanges, the discarded hop body marked truncated', async () => {
    const writer = createWarcWriter(options());
    const hop = {
      url: 'http://site.test/old',
      requestHeaders: { 'user-agent': 'Vigie-test' },
      status: 301,
      responseHeaders: { location: '/p/5', 'content-length': '57' },
      remoteAddress: '192.0.2.7',
      fetchedAt: '2024-03-05T06:07:08.000Z',
    };
    const result = await writer.writeCapture(capture(5, { url: 'http://site.test/old', redirectHops: [hop], renderedDom: undefined }));
    await writer.close();
    const records = await readWarc(join(dir, result.file));
    expect(records.map((r) => `${r.type} ${r.targetUri}`)).toEqual([
      'warcinfo null',
      'response http://site.test/old',
      'request http://site.test/old',
      'response http://site.test/p/5',
      'request http://site.test/p/5',
      'metadata http://site.test/p/5',
    ]);
    const hopResponse = records[1]!;
    expect(hopResponse.id).toBe(result.recordIds.redirects[0]!.response);
    expect(hopResponse.httpStatus).toBe(301);
    expect(hopResponse.header('WARC-Truncated')).toBe('unspecified');
    expect(hopResponse.httpHeaders).toContainEqual(['location', '/p/5']);
    expect(records[2]!.concurrentTo).toBe(hopResponse.id);
    expect(result.offset).toBe(records[3]!.offset);
    expect(records[5]!.payload.toString()).toContain('vigie-requested-url: http://site.test/old\r\n');
  });

  it('leaves no file when nothing was written, refuses writes after close, closes idempotently', async () => {
    const writer = createWarcWriter(options());
    await writer.close();
    await writer.close();
    expect(await readdir(dir)).toEqual([]);
    await expect(writer.writeCapture(capture(1))).rejects.toMatchObject({ code: 'warc-writer-closed' });
  });

  it('fails a write with a retryable error and writes a new file once the disk allows', async () => {
    const blocked = join(dir, 'warcs');
    await writeFile(blocked, 'not a directory');
    const writer = createWarcWriter(options({ dir: blocked }));
    const failure = await writer.writeCapture(capture(1)).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(RetryableError);
    expect(errorCode(failure)).toBe('warc-write-failed');

    await rm(blocked);
    await mkdir(blocked);
    const result = await writer.writeCapture(capture(2));
    await writer.close();
    const records = await readWarc(join(blocked, result.file));
    expect(groupCaptures(records).map((group) => group[0]!.targetUri)).toEqual(['http://site.test/p/2']);
  });

  it('refuses options that would make unsafe file names, listing every problem', () => {
    let thrown: unknown;
    try {
      createWarcWriter(options({ filePrefix: '../escape', writerId: 'a/b', maxFileBytes: 0 }));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).issues.map((issue) => issue.path)).toEqual(['filePrefix', 'writerId', 'maxFileBytes']);
  });
});

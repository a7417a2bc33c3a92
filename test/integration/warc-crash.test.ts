// WARC files after failures and crashes. Evidence manifests name a capture's file by its final
// name as soon as writeCapture() resolves, so a file must reach that name with every acknowledged
// capture in it: a writer that hits a write error cuts its file back to what it acknowledged and
// finishes it; the `.open` file of a writer that died is finished by recovery once the process is
// gone. Writers run in child processes here, so that disk limits and deaths are real.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, copyFile, readdir, readFile, rm, mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../config/logger.ts';
import { recoverOpenWarcFiles, warcHostTag, type WarcWriteResult } from '../../crawler/warc/index.ts';
import { WarcWriters } from '../../workers/warc-writers.ts';
import { groupCaptures, readWarc } from '../helpers/warc-read.ts';

const WARC_INDEX = fileURLToPath(new URL('../../crawler/warc/index.ts', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigie-warc-crash-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Runs in the child: a writer over $DIR, `capture(i, bytes)` building a page of incompressible bytes.
const PRELUDE = `
import { randomBytes } from 'node:crypto';
import { writeSync } from 'node:fs';
const { createWarcWriter, newWarcWriterId } = await import(process.env.WARC_INDEX);
const writerId = process.env.WRITER_ID || newWarcWriterId();
const writer = createWarcWriter({ dir: process.env.DIR, filePrefix: 'vigie', writerId, runId: 'run-1', software: 'Vigie/test' });
const capture = (i, bytes) => ({
  url: 'http://site.test/p/' + i, finalUrl: 'http://site.test/p/' + i, method: 'GET', requestHeaders: {}, status: 200,
  responseHeaders: { 'content-type': 'application/octet-stream' }, rawBody: randomBytes(bytes), remoteAddress: null,
  fetchedAt: '2024-03-05T06:07:08.009Z', metadata: {},
});
const write = (i, bytes) => writer.writeCapture(capture(i, bytes)).then((r) => r, (err) => ({ error: err.code }));
// Synchronous: the process may be killed right after.
const report = (value) => writeSync(1, JSON.stringify(value) + '\\n');
`;

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs PRELUDE + body in a fresh node (tsx loader), optionally with a maximum file size (ulimit -f). */
function runWriterChild(body: string, options: { fileSizeLimitKiB?: number; writerId?: string; dir?: string } = {}): Promise<ChildResult> {
  const limit = options.fileSizeLimitKiB ? `ulimit -f ${options.fileSizeLimitKiB} && ` : '';
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `${limit}exec "$0" --import tsx --input-type=module -e "$1"`, process.execPath, PRELUDE + body], {
      env: { ...process.env, WARC_INDEX, DIR: options.dir ?? dir, WRITER_ID: options.writerId ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const sorted = async (path: string) => (await readdir(path)).sort();
const targets = async (path: string) => groupCaptures(await readWarc(path)).map((group) => group[0]!.targetUri);

describe('a writer that hits a write error', () => {
  it('cuts the file back to its acknowledged captures and finishes it under its final name', async () => {
    // 64 KiB per file (RLIMIT_FSIZE): a 200 kB capture fails with EFBIG half way through its write.
    const child = await runWriterChild(
      `
      const results = [];
      results.push(await write(0, 200_000)); // nothing acknowledged yet in its file
      results.push(await write(1, 2_000));
      results.push(await write(2, 2_000));
      results.push(await write(3, 200_000)); // after two acknowledged captures
      results.push(await write(4, 2_000));
      await writer.close();
      report(results);
      `,
      { fileSizeLimitKiB: 64, writerId: 'w1' },
    );
    expect(child.code, child.stderr).toBe(0);
    const [first, one, two, three, four] = JSON.parse(child.stdout) as Array<WarcWriteResult & { error?: string }>;
    expect(first!.error).toBe('warc-write-failed');
    expect(three!.error).toBe('warc-write-failed');
    expect(one!.file).toBe(two!.file);
    expect(four!.file).not.toBe(two!.file);

    // The file of the first failure held nothing acknowledged: gone. No `.open` left anywhere.
    expect(await sorted(dir)).toEqual([one!.file, four!.file].sort());
    expect(await targets(join(dir, one!.file))).toEqual(['http://site.test/p/1', 'http://site.test/p/2']);
    expect(await targets(join(dir, four!.file))).toEqual(['http://site.test/p/4']);
  });
});

/** A writer killed (SIGKILL) after three acknowledged captures: its `.open` file and results. */
async function crashedWriter(inDir = dir): Promise<{ openName: string; results: WarcWriteResult[] }> {
  const child = await runWriterChild(
    `
    const results = [];
    for (const i of [1, 2, 3]) results.push(await write(i, 3_000));
    report(results);
    process.kill(process.pid, 'SIGKILL');
    `,
    { dir: inDir },
  );
  expect(child.signal, child.stderr).toBe('SIGKILL');
  const results = JSON.parse(child.stdout) as WarcWriteResult[];
  const openName = `${results[0]!.file}.open`;
  expect(await readdir(inDir)).toEqual([openName]);
  return { openName, results };
}

describe('recoverOpenWarcFiles', () => {
  it('cuts the torn member a crash left at the end and gives the file its final name', async () => {
    const { openName, results } = await crashedWriter();
    const torn = gzipSync(randomBytes(5_000)).subarray(0, 1_000);
    await appendFile(join(dir, openName), torn);

    const report = await recoverOpenWarcFiles(dir, { olderThanMs: 0 });
    expect(report).toEqual([{ file: openName, outcome: 'finished', keptBytes: expect.any(Number), droppedBytes: torn.length, message: expect.stringMatching(/no complete gzip member/) }]);
    expect(await readdir(dir)).toEqual([results[0]!.file]);
    // Every acknowledged capture is there, where its result said.
    const records = await readWarc(join(dir, results[0]!.file));
    expect(groupCaptures(records).map((group) => group[0]!.id)).toEqual(results.map((r) => r.recordIds.response));
    expect(records.find((r) => r.type === 'response')!.offset).toBe(results[0]!.offset);
  });

  it('finishes a file with no torn tail, and one whose tail the crash left as zeros', async () => {
    const { openName, results } = await crashedWriter();
    const copyName = openName.replace('-00000.warc.gz.open', '-00001.warc.gz.open');
    await copyFile(join(dir, openName), join(dir, copyName));
    await appendFile(join(dir, copyName), Buffer.alloc(4096));
    const report = await recoverOpenWarcFiles(dir, { olderThanMs: 0 });
    expect(report.map((r) => [r.file, r.outcome, r.droppedBytes]).sort()).toEqual([
      [openName, 'finished', 0],
      [copyName, 'finished', 4096],
    ]);
    expect(await targets(join(dir, results[0]!.file))).toEqual(['http://site.test/p/1', 'http://site.test/p/2', 'http://site.test/p/3']);
    expect(await targets(join(dir, copyName.slice(0, -'.open'.length)))).toHaveLength(3);
  });

  it('removes a file that holds no complete member', async () => {
    const name = `vigie-20240305060708009-999999999-${warcHostTag()}-abcdef-00000.warc.gz.open`;
    await writeFile(join(dir, name), gzipSync(Buffer.from('WARC/1.1\r\n')).subarray(0, 12));
    // A pid above any pid_max: certainly not running.
    expect(await recoverOpenWarcFiles(dir, { olderThanMs: 0 })).toEqual([{ file: name, outcome: 'removed', keptBytes: 0, droppedBytes: 12, message: expect.any(String) }]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves files of live writers, of other hosts, unknown writers and recent files alone', async () => {
    const { openName } = await crashedWriter();
    const original = await readFile(join(dir, openName));
    const tag = warcHostTag();
    const stamp = 'vigie-20240305060708009';
    const names = {
      thisProcess: `${stamp}-${process.pid}-${tag}-aaaaaa-00000.warc.gz.open`,
      liveProcess: `${stamp}-1-${tag}-bbbbbb-00000.warc.gz.open`, // pid 1 always runs
      otherHost: `${stamp}-999999999-${tag === 'ffffffff' ? '00000000' : 'ffffffff'}-cccccc-00000.warc.gz.open`,
      legacyId: `${stamp}-999999999-dddddd-00000.warc.gz.open`,
    };
    for (const name of Object.values(names)) await writeFile(join(dir, name), original);

    const outcomes = async (options: Parameters<typeof recoverOpenWarcFiles>[1]) =>
      Object.fromEntries((await recoverOpenWarcFiles(dir, options)).map((r) => [r.file, r.outcome]));
    expect(await outcomes({ olderThanMs: 60_000 })).toEqual({
      [openName]: 'too-recent',
      [names.thisProcess]: 'writer-alive',
      [names.liveProcess]: 'writer-alive',
      [names.otherHost]: 'other-host',
      [names.legacyId]: 'unknown-writer',
    });
    for (const name of [openName, ...Object.values(names)]) expect((await readFile(join(dir, name))).equals(original)).toBe(true);

    // This process's pid under a writer id it does not run: an earlier process with the same pid.
    expect(await outcomes({ olderThanMs: 0, liveWriterIds: new Set([`${process.pid}-${tag}-aaaaaa`]) })).toMatchObject({ [names.thisProcess]: 'writer-alive' });
    expect(await outcomes({ olderThanMs: 0, liveWriterIds: new Set(['other']) })).toMatchObject({ [names.thisProcess]: 'finished' });
  });

  it('leaves a file damaged before its tail as it is: cutting there would drop acknowledged captures', async () => {
    const { openName, results } = await crashedWriter();
    const path = join(dir, openName);
    const bytes = await readFile(path);
    const at = results[1]!.offset + 20; // inside the second capture's response record
    bytes[at] = bytes[at]! ^ 0xff;
    await writeFile(path, bytes);
    const report = await recoverOpenWarcFiles(dir, { olderThanMs: 0 });
    expect(report).toEqual([{ file: openName, outcome: 'damaged', message: expect.stringMatching(/yet a whole member starts at byte \d+/) }]);
    expect((await readFile(path)).equals(bytes)).toBe(true);
  });

  it('leaves a file whose final name is taken', async () => {
    const { openName, results } = await crashedWriter();
    await writeFile(join(dir, results[0]!.file), 'someone else');
    expect(await recoverOpenWarcFiles(dir, { olderThanMs: 0 })).toEqual([{ file: openName, outcome: 'name-taken' }]);
    expect(await readFile(join(dir, results[0]!.file), 'utf8')).toBe('someone else');
  });
});

describe('WarcWriters', () => {
  it('recovers crashed writers\' files in every run directory when created, and logs it', async () => {
    const dataDir = dir;
    const runDir = WarcWriters.runDir(dataDir, 'forum', 'run-1');
    await mkdir(runDir, { recursive: true });
    const { openName, results } = await crashedWriter(runDir);

    const lines: string[] = [];
    const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
    const writers = new WarcWriters({ dataDir, software: 'Vigie/test', logger, recoverOlderThanMs: 0 });
    await writers.recovered();
    expect(await readdir(runDir)).toEqual([results[0]!.file]);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.file === openName);
    expect(logged).toMatchObject({ outcome: 'finished', dir: runDir, level: 40 });

    // Its own files are its own: a capture written now is not touched by a later pass.
    const written = await writers.write('forum', 'run-2', {
      url: 'http://site.test/x',
      finalUrl: 'http://site.test/x',
      method: 'GET',
      requestHeaders: {},
      status: 200,
      responseHeaders: {},
      rawBody: Buffer.from('x'),
      remoteAddress: null,
      fetchedAt: '2024-03-05T06:07:08.009Z',
      metadata: {},
    });
    expect(written.file.includes(writers.writerId)).toBe(true);
    expect(await recoverOpenWarcFiles(written.dir, { olderThanMs: 0, liveWriterIds: new Set([writers.writerId]) })).toEqual([
      { file: `${written.file}.open`, outcome: 'writer-alive' },
    ]);
    await writers.close();
    expect(await readdir(written.dir)).toEqual([written.file]);
  });

  it('looks again once the margin has passed when a gone writer\'s file was too recent', async () => {
    const dataDir = dir;
    const runDir = WarcWriters.runDir(dataDir, 'forum', 'run-1');
    await mkdir(runDir, { recursive: true });
    const { openName, results } = await crashedWriter(runDir);
    const logger = createLogger('silent');
    const writers = new WarcWriters({ dataDir, software: 'Vigie/test', logger, recoverOlderThanMs: 5_000 });
    try {
      await writers.recovered();
      expect(await readdir(runDir)).toEqual([openName]);
      // The second pass comes on its own; wait for it without assuming how long it takes.
      await expect.poll(() => readdir(runDir), { timeout: 45_000, interval: 250 }).toEqual([results[0]!.file]);
    } finally {
      await writers.close();
    }
  });
});

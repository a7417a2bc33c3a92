import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { loadSettings } from '../../config/index.ts';
import { CliError, EXIT_UNAVAILABLE } from '../../cli/cli-error.ts';
import { ensureRedis } from '../../cli/redis-bootstrap.ts';
import { pingRedis } from '../../workers/redis-connection.ts';
import { freePort } from '../helpers/net.ts';

const logger = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});


async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-redis-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Settings as if REDIS_URL were unset, but on a free port so the test never touches :6379. */
function defaultLikeSettings(dataDir: string, port: number, path: string[]) {
  return { ...loadSettings({ PATH: path.join(':') }, { dataDir }), redisUrl: `redis://127.0.0.1:${port}`, redisUrlIsDefault: true, executablePath: path };
}

describe('ensureRedis', () => {
  it('uses a Redis that answers and starts nothing', async () => {
    const settings = loadSettings({ REDIS_URL: 'redis://127.0.0.1:6379' }, { dataDir: await tempDir() });
    const handle = await ensureRedis(settings, logger);
    expect(handle.url).toBe('redis://127.0.0.1:6379');
    await handle.stop();
    expect(await pingRedis('redis://127.0.0.1:6379')).toBe(true);
  });

  it('starts a local redis-server with its files under the data directory when none answers', async () => {
    const dataDir = await tempDir();
    const port = await freePort();
    const settings = defaultLikeSettings(dataDir, port, ['/usr/local/bin', '/usr/bin', '/usr/sbin', '/bin']);
    const handle = await ensureRedis(settings, logger);
    cleanups.push(() => handle.stop());
    expect(await pingRedis(settings.redisUrl)).toBe(true);
    expect(await readdir(join(dataDir, 'redis'))).not.toHaveLength(0);
    await handle.stop();
    expect(await pingRedis(settings.redisUrl, 300)).toBe(false);
  });

  it('names what to install when nothing answers and no redis-server exists', async () => {
    const settings = defaultLikeSettings(await tempDir(), await freePort(), ['/nonexistent']);
    const error = await ensureRedis(settings, logger).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT_UNAVAILABLE);
    expect((error as CliError).message).toMatch(/no redis-server is installed[\s\S]*apt-get install redis-server/);
  });

  it('does not start anything for an explicit REDIS_URL that does not answer', async () => {
    const settings = loadSettings({ REDIS_URL: `redis://:secret@127.0.0.1:${await freePort()}` }, { dataDir: await tempDir() });
    const error = await ensureRedis(settings, logger).catch((err: unknown) => err);
    expect((error as CliError).message).toMatch(/does not answer at redis:\/\/:\*\*\*@127\.0\.0\.1/);
    expect((error as CliError).message).not.toContain('secret');
  });
});

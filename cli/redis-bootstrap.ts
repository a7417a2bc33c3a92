// Finding Redis for a one-machine setup: use REDIS_URL if it answers; with the default URL and
// nothing listening, start a local redis-server (files under the data directory, AOF on so the
// frontier and schedules survive restarts) and say so; otherwise exit with what to install.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { redactUrl, type Logger, type Settings } from '../config/index.ts';
import { pingRedis } from '../workers/redis-connection.ts';
import { CliError, EXIT_UNAVAILABLE } from './cli-error.ts';

export interface RedisHandle {
  url: string;
  /** Stops the redis-server Vigie started, if it started one. */
  stop(): Promise<void>;
}

export async function ensureRedis(settings: Settings, logger: Logger): Promise<RedisHandle> {
  if (await pingRedis(settings.redisUrl)) return { url: settings.redisUrl, stop: async () => undefined };
  if (!settings.redisUrlIsDefault) {
    throw new CliError(`Redis does not answer at ${redactUrl(settings.redisUrl)} (REDIS_URL). Start it, or fix REDIS_URL.`, EXIT_UNAVAILABLE);
  }
  const binary = await findExecutable('redis-server', settings.executablePath);
  if (!binary) {
    throw new CliError(
      `Redis does not answer at ${settings.redisUrl} and no redis-server is installed.\n` +
        'Install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL to a running server.',
      EXIT_UNAVAILABLE,
    );
  }
  const url = new URL(settings.redisUrl);
  const dir = join(settings.dataDir, 'redis');
  await mkdir(dir, { recursive: true });
  const child = spawn(binary, [
    '--port', url.port || '6379', '--bind', '127.0.0.1', '--dir', dir,
    '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--daemonize', 'no',
  ], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 50; attempt++) {
    if (child.exitCode !== null) break;
    if (await pingRedis(settings.redisUrl, 500)) {
      logger.info({ dir, pid: child.pid }, `no Redis was running: started redis-server on ${settings.redisUrl} with its files in ${dir}`);
      process.stderr.write(`vigie: started a local redis-server (files in ${dir})\n`);
      return { url: settings.redisUrl, stop: () => stopChild(child) };
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new CliError(`redis-server (${binary}) did not start on ${settings.redisUrl}; is the port taken?`, EXIT_UNAVAILABLE);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

async function findExecutable(name: string, directories: readonly string[]): Promise<string | null> {
  for (const dir of directories) {
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

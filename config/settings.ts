// Process-wide settings: parsed once at start from the environment and command-line flags,
// validated with zod, then frozen. Watch targets have their own schema (target-schema.ts).
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import type { EnvInput } from './env.ts';
import { zodIssuesToConfigIssues } from './zod-issues.ts';

export const DEFAULT_RULES_DIR = fileURLToPath(new URL('./rules/', import.meta.url));

const settingsSchema = z.object({
  dataDir: z.string().min(1),
  redisUrl: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
  /** Whether the Redis URL was the default (then Vigie may start a local redis-server). */
  redisUrlIsDefault: z.boolean(),
  redisPrefix: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, - and _ only'),
  elasticsearchUrl: z.url().optional(),
  elasticsearchPrefix: z.string().regex(/^[a-z0-9_-]{1,40}$/, 'lowercase letters, digits, - and _ only'),
  httpHost: z.string().min(1),
  httpPort: z.coerce.number().int().min(0).max(65535),
  workerConcurrency: z.coerce.number().int().min(1).max(512),
  rulesDir: z.string().min(1),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  /** Directories searched for helper executables (redis-server). */
  executablePath: z.array(z.string()),
});

export type Settings = Readonly<z.infer<typeof settingsSchema>>;

export interface SettingsFlags {
  dataDir?: string;
  port?: number | string;
  host?: string;
  concurrency?: number | string;
  /** The command's default log level (LOG_LEVEL wins): quiet for one-shot commands. */
  defaultLogLevel?: string;
}

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export function loadSettings(env: EnvInput, flags: SettingsFlags = {}): Settings {
  const candidate = {
    dataDir: resolve(flags.dataDir ?? env.VIGIE_DATA_DIR ?? './data'),
    redisUrl: env.REDIS_URL ?? DEFAULT_REDIS_URL,
    redisUrlIsDefault: env.REDIS_URL === undefined,
    redisPrefix: env.VIGIE_REDIS_PREFIX ?? 'vigie',
    elasticsearchUrl: env.ELASTICSEARCH_URL,
    elasticsearchPrefix: env.VIGIE_ES_PREFIX ?? 'vigie',
    httpHost: flags.host ?? env.VIGIE_HTTP_HOST ?? '127.0.0.1',
    httpPort: flags.port ?? env.VIGIE_HTTP_PORT ?? 8080,
    workerConcurrency: flags.concurrency ?? env.VIGIE_CONCURRENCY ?? 16,
    rulesDir: resolve(env.VIGIE_RULES_DIR ?? DEFAULT_RULES_DIR),
    logLevel: env.LOG_LEVEL ?? flags.defaultLogLevel ?? 'info',
    executablePath: (env.PATH ?? '').split(':').filter(Boolean),
  };
  const parsed = settingsSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new ConfigError('invalid settings', zodIssuesToConfigIssues(parsed.error.issues, 'settings'));
  }
  return Object.freeze(parsed.data);
}

/** A URL with its password masked, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

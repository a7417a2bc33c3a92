// One root pino logger per process (entry points create it); components take `child({ component })`.
// Logs go to stderr so stdout stays clean for command output (JSON lines, summaries).
import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths pino must never print: credentials in headers, URLs and settings. */
export const REDACTED_PATHS = [
  'headers.authorization',
  'headers.Authorization',
  'headers.cookie',
  'headers.Cookie',
  'headers["set-cookie"]',
  // Watch targets carry their request headers whole: never log their values.
  'target.headers',
  '*.target.headers',
  'req.headers.authorization',
  'req.headers.cookie',
  'settings.redisUrl',
  'settings.elasticsearchUrl',
  'redisUrl',
  'elasticsearchUrl',
  'password',
  '*.password',
  'token',
  '*.token',
];

export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}

// Maps SQLite failures onto Vigie's error policy.
import { NonRetryableError, RetryableError } from '../../config/errors.ts';
import type { VigieError } from '../../config/errors.ts';

function sqliteCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

export function wrapSqliteError(err: unknown, what: string): VigieError {
  if (err instanceof NonRetryableError || err instanceof RetryableError) return err;
  const code = sqliteCode(err);
  const message = `${what}: ${err instanceof Error ? err.message : String(err)}`;
  const details = { sqliteCode: code };
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new RetryableError('index-busy', message, { cause: err, details });
  }
  if (code.startsWith('SQLITE_FULL') || code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) {
    return new RetryableError('index-storage-failed', message, { cause: err, details });
  }
  return new NonRetryableError('index-write-failed', message, { cause: err, details });
}

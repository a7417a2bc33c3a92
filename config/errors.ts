// Errors carry their retry policy (the Crawlee convention). Workers map them onto BullMQ in one
// place (workers/job-policy.ts); everything else only throws them. Always pass `{ cause }` when
// wrapping, and give every error a stable `code` that logs, summaries and tests can count on.

export interface VigieErrorOptions {
  cause?: unknown;
  /** Extra facts for logs and summaries (never secrets). */
  details?: Record<string, unknown>;
}

export abstract class VigieError extends Error {
  abstract readonly retryable: boolean;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, options: VigieErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** The input itself is wrong (a refused address, a 404, a page too large): retrying cannot help. */
export class NonRetryableError extends VigieError {
  readonly retryable = false;
}

/** A passing failure (a timeout, a reset connection, a 503): worth another attempt with backoff. */
export class RetryableError extends VigieError {
  readonly retryable = true;
}

/** Not now, but later: politeness or a 429. The job is delayed without spending an attempt. */
export class ThrottledError extends VigieError {
  readonly retryable = true;
  readonly retryAfterMs: number;

  constructor(code: string, message: string, retryAfterMs: number, options: VigieErrorOptions = {}) {
    super(code, message, options);
    this.retryAfterMs = retryAfterMs;
  }
}

/** A configuration problem found at load time; `issues` lists every problem, not just the first. */
export class ConfigError extends VigieError {
  readonly retryable = false;
  readonly issues: readonly ConfigIssue[];

  constructor(message: string, issues: readonly ConfigIssue[] = [], options: VigieErrorOptions = {}) {
    super('config-invalid', message, options);
    this.issues = issues;
  }
}

export interface ConfigIssue {
  file?: string;
  /** Dotted path to the field, e.g. `targets.2.schedule.cron`. */
  path: string;
  message: string;
}

export function formatConfigIssue(issue: ConfigIssue): string {
  const where = [issue.file, issue.path || '(root)'].filter(Boolean).join(': ');
  return `${where}: ${issue.message}`;
}

/** The stable code of any thrown value, for counting outcomes. */
export function errorCode(err: unknown): string {
  if (err instanceof VigieError) return err.code;
  return 'internal-error';
}

// Process-wide settings: parsed once at start from the environment and command-line flags,
// validated with zod, then frozen. Watch targets have their own schema (target-schema.ts).
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { inspect } from 'node:util';
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from './errors.ts';
import type { EnvInput } from './env.ts';
import { zodIssuesToConfigIssues } from './zod-issues.ts';

export const DEFAULT_RULES_DIR = fileURLToPath(new URL('./rules/', import.meta.url));
export const DEFAULT_BRANDS_FILE = fileURLToPath(new URL('./brands.yaml', import.meta.url));
export const DEFAULT_REFERRAL_SERVICES_FILE = fileURLToPath(new URL('./referral-services.yaml', import.meta.url));

/** A secret that never prints: JSON, pino and util.inspect all see `[redacted]`. */
export class Redacted<T> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  /** For the one client that needs it. */
  reveal(): T {
    return this.#value;
  }

  toJSON(): string {
    return '[redacted]';
  }

  toString(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return '[redacted]';
  }
}

type S3Secret = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** S3 credentials, redacted. */
export class S3Credentials extends Redacted<S3Secret> {
  constructor(value: S3Secret) {
    super({ ...value });
  }

  /** A fresh object each time (the AWS SDK annotates what it is given). */
  override reveal(): S3Secret {
    return { ...super.reveal() };
  }
}

const oidcSchema = z.object({
  issuer: z.url({ protocol: /^https?$/ }),
  clientId: z.string().min(1).max(300),
  clientSecret: z.instanceof(Redacted<string>).optional(),
  /** The desk's public callback URL, registered at the provider (never derived from the Host header). */
  redirectUrl: z.url({ protocol: /^https?$/ }),
  usernameClaim: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/),
  label: z.string().min(1).max(60),
  allowHttp: z.boolean(),
});

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
  /** The brand list of phishing detection (extractors/phishing). */
  brandsFile: z.string().min(1),
  /** The services alerts are referred to (review/referrals/services.ts). */
  referralServicesFile: z.string().min(1),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  /** Directories searched for helper executables (redis-server). */
  executablePath: z.array(z.string()),
  /** The browser the renderer drives (playwright-core ships none). */
  chromiumPath: z.string().min(1),
  /** Pages rendered at once per worker process (each is a browser tab). */
  renderConcurrency: z.coerce.number().int().min(1).max(32),
  /** Where evidence artifacts and manifests go when not in `<dataDir>/evidence` (the key stays local). */
  evidenceS3: z
    .object({
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (s3://bucket/prefix)'),
      /** Key prefix, empty or ending with `/`. */
      prefix: z.string().regex(/^(?:[A-Za-z0-9!_.*'()-]+\/)*$/, 'letters, digits, / and !_.*\'()- only, without empty segments'),
      endpoint: z.url({ protocol: /^https?$/ }).refine((url) => !/^[a-z]+:\/\/[^/]*@/i.test(url), 'must not carry credentials (use AWS_ACCESS_KEY_ID)').optional(),
      region: z.string().regex(/^[a-z0-9-]{1,40}$/, 'lowercase letters, digits and - only'),
      forcePathStyle: z.boolean(),
      /** Absent: the AWS SDK's default provider chain (instance roles, profiles). */
      credentials: z.instanceof(S3Credentials).optional(),
    })
    .optional(),
  /** Fastify's trustProxy: false, true, or the proxies' addresses (X-Forwarded-For is believed from them only). */
  httpTrustProxy: z.union([z.boolean(), z.array(z.string().min(1))]),
  oidc: oidcSchema.optional(),
});

export type OidcSettings = z.infer<typeof oidcSchema>;

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
    brandsFile: resolve(env.VIGIE_BRANDS_FILE ?? DEFAULT_BRANDS_FILE),
    referralServicesFile: resolve(env.VIGIE_REFERRAL_SERVICES ?? DEFAULT_REFERRAL_SERVICES_FILE),
    logLevel: env.LOG_LEVEL ?? flags.defaultLogLevel ?? 'info',
    executablePath: (env.PATH ?? '').split(':').filter(Boolean),
    chromiumPath: env.VIGIE_CHROMIUM_PATH ?? '/usr/bin/chromium',
    renderConcurrency: env.VIGIE_RENDER_CONCURRENCY ?? 2,
  };
  const evidence = evidenceS3Candidate(env);
  const parsed = settingsSchema.safeParse({ ...candidate, evidenceS3: evidence.candidate, httpTrustProxy: trustProxyCandidate(env), oidc: oidcCandidate(env) });
  const issues = [...evidence.issues, ...(parsed.success ? [] : zodIssuesToConfigIssues(parsed.error.issues, 'settings'))];
  if (!parsed.success || issues.length > 0) throw new ConfigError('invalid settings', issues);
  return Object.freeze(parsed.data);
}

function trustProxyCandidate(env: EnvInput): boolean | string[] {
  const value = env.VIGIE_HTTP_TRUST_PROXY;
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  return value.split(',').map((part) => part.trim()).filter(Boolean);
}

/** OpenID Connect is on when an issuer is set; the rest is then required (zod says what is missing). */
function oidcCandidate(env: EnvInput): Record<string, unknown> | undefined {
  if (env.VIGIE_OIDC_ISSUER === undefined) return undefined;
  return {
    issuer: env.VIGIE_OIDC_ISSUER,
    clientId: env.VIGIE_OIDC_CLIENT_ID,
    clientSecret: env.VIGIE_OIDC_CLIENT_SECRET === undefined ? undefined : new Redacted(env.VIGIE_OIDC_CLIENT_SECRET),
    redirectUrl: env.VIGIE_OIDC_REDIRECT_URL,
    usernameClaim: env.VIGIE_OIDC_USERNAME_CLAIM ?? 'preferred_username',
    label: env.VIGIE_OIDC_LABEL ?? 'OpenID Connect',
    allowHttp: env.VIGIE_OIDC_ALLOW_HTTP === '1',
  };
}

/** The S3 evidence settings from `VIGIE_EVIDENCE_S3_*` and `AWS_*`; problems zod cannot see as issues. */
function evidenceS3Candidate(env: EnvInput): { candidate: Record<string, unknown> | undefined; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ file: 'settings', path, message });
  const url = env.VIGIE_EVIDENCE_S3_URL;
  if (url === undefined) {
    for (const name of ['VIGIE_EVIDENCE_S3_ENDPOINT', 'VIGIE_EVIDENCE_S3_REGION', 'VIGIE_EVIDENCE_S3_PATH_STYLE'] as const) {
      if (env[name] !== undefined) issue('evidenceS3', `${name} is set but VIGIE_EVIDENCE_S3_URL is not`);
    }
    return { candidate: undefined, issues };
  }
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  if (!match) {
    issue('evidenceS3.url', 'VIGIE_EVIDENCE_S3_URL must look like s3://bucket or s3://bucket/prefix');
    return { candidate: undefined, issues };
  }
  const rawPrefix = match[2] ?? '';
  const pathStyle = env.VIGIE_EVIDENCE_S3_PATH_STYLE;
  if (pathStyle !== undefined && !['true', 'false', '1', '0'].includes(pathStyle)) issue('evidenceS3.forcePathStyle', 'VIGIE_EVIDENCE_S3_PATH_STYLE must be true or false');
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    issue('evidenceS3.credentials', 'set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither');
  } else if (accessKeyId === undefined && env.VIGIE_EVIDENCE_S3_ENDPOINT !== undefined) {
    // Without keys the AWS SDK would try instance roles, probing the metadata address
    // 169.254.169.254: only meaningful on AWS itself, never for an S3-compatible server.
    issue('evidenceS3.credentials', 'an S3-compatible endpoint needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  }
  return {
    candidate: {
      bucket: match[1],
      prefix: rawPrefix === '' || rawPrefix.endsWith('/') ? rawPrefix : `${rawPrefix}/`,
      endpoint: env.VIGIE_EVIDENCE_S3_ENDPOINT,
      region: env.VIGIE_EVIDENCE_S3_REGION ?? 'us-east-1',
      // S3-compatible servers (MinIO, Ceph) mostly want path-style; AWS itself wants virtual-hosted.
      forcePathStyle: pathStyle === undefined ? env.VIGIE_EVIDENCE_S3_ENDPOINT !== undefined : pathStyle === 'true' || pathStyle === '1',
      credentials: accessKeyId && secretAccessKey ? new S3Credentials({ accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }) : undefined,
    },
    issues,
  };
}

/**
 * A URL with its credentials masked (`***:***@host:port`), for logs and messages. The user name
 * is masked too: many proxies and services carry an API key or a session in it.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username) parsed.username = '***';
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

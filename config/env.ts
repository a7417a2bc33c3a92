// The only place that reads process.env. Everything else receives Settings.
export interface EnvInput {
  REDIS_URL?: string;
  VIGIE_REDIS_PREFIX?: string;
  ELASTICSEARCH_URL?: string;
  VIGIE_ES_PREFIX?: string;
  VIGIE_DATA_DIR?: string;
  VIGIE_HTTP_HOST?: string;
  VIGIE_HTTP_PORT?: string;
  VIGIE_CONCURRENCY?: string;
  VIGIE_RULES_DIR?: string;
  /** The brand list of phishing detection (default: config/brands.yaml). */
  VIGIE_BRANDS_FILE?: string;
  /** The referral services list (default: config/referral-services.yaml). */
  VIGIE_REFERRAL_SERVICES?: string;
  LOG_LEVEL?: string;
  /** The executable search path, to find a redis-server to start. */
  PATH?: string;
  VIGIE_CHROMIUM_PATH?: string;
  VIGIE_RENDER_CONCURRENCY?: string;
  /** `s3://bucket/prefix`: keep evidence in S3-compatible storage instead of the data directory. */
  VIGIE_EVIDENCE_S3_URL?: string;
  VIGIE_EVIDENCE_S3_ENDPOINT?: string;
  VIGIE_EVIDENCE_S3_REGION?: string;
  VIGIE_EVIDENCE_S3_PATH_STYLE?: string;
  /** Secrets: passed to the S3 client only, never logged (settings keep them redacted). */
  AWS_ACCESS_KEY_ID?: string;
  AWS_SECRET_ACCESS_KEY?: string;
  AWS_SESSION_TOKEN?: string;
  /** Which proxies' X-Forwarded-For to believe (the desk behind a reverse proxy): `true`, or addresses/CIDRs. */
  VIGIE_HTTP_TRUST_PROXY?: string;
  /** OpenID Connect sign-in (review/auth/oidc.ts); the client secret is kept redacted. */
  VIGIE_OIDC_ISSUER?: string;
  VIGIE_OIDC_CLIENT_ID?: string;
  VIGIE_OIDC_CLIENT_SECRET?: string;
  VIGIE_OIDC_REDIRECT_URL?: string;
  VIGIE_OIDC_USERNAME_CLAIM?: string;
  VIGIE_OIDC_LABEL?: string;
  /** `1`: allow an http:// issuer (a provider on loopback in tests and development only). */
  VIGIE_OIDC_ALLOW_HTTP?: string;
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): EnvInput {
  const pick = (name: keyof EnvInput) => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  return {
    REDIS_URL: pick('REDIS_URL'),
    VIGIE_REDIS_PREFIX: pick('VIGIE_REDIS_PREFIX'),
    ELASTICSEARCH_URL: pick('ELASTICSEARCH_URL'),
    VIGIE_ES_PREFIX: pick('VIGIE_ES_PREFIX'),
    VIGIE_DATA_DIR: pick('VIGIE_DATA_DIR'),
    VIGIE_HTTP_HOST: pick('VIGIE_HTTP_HOST'),
    VIGIE_HTTP_PORT: pick('VIGIE_HTTP_PORT'),
    VIGIE_CONCURRENCY: pick('VIGIE_CONCURRENCY'),
    VIGIE_RULES_DIR: pick('VIGIE_RULES_DIR'),
    VIGIE_BRANDS_FILE: pick('VIGIE_BRANDS_FILE'),
    VIGIE_REFERRAL_SERVICES: pick('VIGIE_REFERRAL_SERVICES'),
    LOG_LEVEL: pick('LOG_LEVEL'),
    VIGIE_HTTP_TRUST_PROXY: pick('VIGIE_HTTP_TRUST_PROXY'),
    VIGIE_OIDC_ISSUER: pick('VIGIE_OIDC_ISSUER'),
    VIGIE_OIDC_CLIENT_ID: pick('VIGIE_OIDC_CLIENT_ID'),
    VIGIE_OIDC_CLIENT_SECRET: pick('VIGIE_OIDC_CLIENT_SECRET'),
    VIGIE_OIDC_REDIRECT_URL: pick('VIGIE_OIDC_REDIRECT_URL'),
    VIGIE_OIDC_USERNAME_CLAIM: pick('VIGIE_OIDC_USERNAME_CLAIM'),
    VIGIE_OIDC_LABEL: pick('VIGIE_OIDC_LABEL'),
    VIGIE_OIDC_ALLOW_HTTP: pick('VIGIE_OIDC_ALLOW_HTTP'),
    PATH: pick('PATH'),
    VIGIE_CHROMIUM_PATH: pick('VIGIE_CHROMIUM_PATH'),
    VIGIE_RENDER_CONCURRENCY: pick('VIGIE_RENDER_CONCURRENCY'),
    VIGIE_EVIDENCE_S3_URL: pick('VIGIE_EVIDENCE_S3_URL'),
    VIGIE_EVIDENCE_S3_ENDPOINT: pick('VIGIE_EVIDENCE_S3_ENDPOINT'),
    VIGIE_EVIDENCE_S3_REGION: pick('VIGIE_EVIDENCE_S3_REGION'),
    VIGIE_EVIDENCE_S3_PATH_STYLE: pick('VIGIE_EVIDENCE_S3_PATH_STYLE'),
    AWS_ACCESS_KEY_ID: pick('AWS_ACCESS_KEY_ID'),
    AWS_SECRET_ACCESS_KEY: pick('AWS_SECRET_ACCESS_KEY'),
    AWS_SESSION_TOKEN: pick('AWS_SESSION_TOKEN'),
  };
}

// Settings added for issue 3: the renderer's browser and concurrency, and the S3 evidence store,
// whose credentials must never come out of Settings in logs or JSON.
import { inspect } from 'node:util';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadSettings, readEnv, type ConfigIssue } from '../../config/index.ts';

function issuesOf(run: () => unknown): ConfigIssue[] {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return [...err.issues];
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('renderer settings', () => {
  it('default to /usr/bin/chromium and 2 pages at once', () => {
    const settings = loadSettings({});
    expect(settings.chromiumPath).toBe('/usr/bin/chromium');
    expect(settings.renderConcurrency).toBe(2);
  });

  it('read VIGIE_CHROMIUM_PATH and VIGIE_RENDER_CONCURRENCY', () => {
    const settings = loadSettings(readEnv({ VIGIE_CHROMIUM_PATH: '/opt/chrome/chrome', VIGIE_RENDER_CONCURRENCY: '8' }));
    expect(settings.chromiumPath).toBe('/opt/chrome/chrome');
    expect(settings.renderConcurrency).toBe(8);
  });

  it.each(['0', '33', '2.5', 'many', '-1'])('refuse VIGIE_RENDER_CONCURRENCY=%s', (value) => {
    const issues = issuesOf(() => loadSettings(readEnv({ VIGIE_RENDER_CONCURRENCY: value })));
    expect(issues.map((issue) => issue.path)).toEqual(['renderConcurrency']);
  });

  it('accept the bounds 1 and 32', () => {
    expect(loadSettings({ VIGIE_RENDER_CONCURRENCY: '1' }).renderConcurrency).toBe(1);
    expect(loadSettings({ VIGIE_RENDER_CONCURRENCY: '32' }).renderConcurrency).toBe(32);
  });
});

describe('S3 evidence settings', () => {
  it('are absent by default: evidence stays in the data directory', () => {
    expect(loadSettings({}).evidenceS3).toBeUndefined();
  });

  it('parse bucket and prefix, default the region, and use path-style with a custom endpoint', () => {
    const settings = loadSettings(
      readEnv({ VIGIE_EVIDENCE_S3_URL: 's3://vigie-evidence/prod/eu', VIGIE_EVIDENCE_S3_ENDPOINT: 'http://127.0.0.1:9000', AWS_ACCESS_KEY_ID: 'minio', AWS_SECRET_ACCESS_KEY: 'minio-secret' }),
    );
    expect(settings.evidenceS3).toMatchObject({ bucket: 'vigie-evidence', prefix: 'prod/eu/', region: 'us-east-1', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true });
  });

  it('leave credentials to the AWS SDK chain (instance roles) on AWS, but require them for another endpoint', () => {
    expect(loadSettings({ VIGIE_EVIDENCE_S3_URL: 's3://bucket' }).evidenceS3?.credentials).toBeUndefined();
    const issues = issuesOf(() => loadSettings({ VIGIE_EVIDENCE_S3_URL: 's3://bucket', VIGIE_EVIDENCE_S3_ENDPOINT: 'http://127.0.0.1:9000' }));
    expect(issues).toEqual([expect.objectContaining({ path: 'evidenceS3.credentials', message: expect.stringMatching(/S3-compatible endpoint needs AWS_ACCESS_KEY_ID/) })]);
  });

  it('use virtual-hosted style on AWS itself unless told otherwise', () => {
    expect(loadSettings({ VIGIE_EVIDENCE_S3_URL: 's3://bucket' }).evidenceS3).toMatchObject({ bucket: 'bucket', prefix: '', forcePathStyle: false });
    expect(loadSettings({ VIGIE_EVIDENCE_S3_URL: 's3://bucket/', VIGIE_EVIDENCE_S3_PATH_STYLE: 'true', VIGIE_EVIDENCE_S3_REGION: 'eu-west-3' }).evidenceS3).toMatchObject({
      prefix: '',
      forcePathStyle: true,
      region: 'eu-west-3',
    });
  });

  it('list every problem at once', () => {
    const issues = issuesOf(() =>
      loadSettings({
        VIGIE_EVIDENCE_S3_URL: 's3://Bad_Bucket/a//b',
        VIGIE_EVIDENCE_S3_ENDPOINT: 'ftp://example',
        VIGIE_EVIDENCE_S3_PATH_STYLE: 'yes',
        AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      }),
    );
    expect(issues.map((issue) => issue.path).sort()).toEqual(
      ['evidenceS3.bucket', 'evidenceS3.credentials', 'evidenceS3.endpoint', 'evidenceS3.forcePathStyle', 'evidenceS3.prefix'].sort(),
    );
  });

  it('refuse a URL that is not s3://, S3 options without a URL, and credentials in the endpoint', () => {
    expect(issuesOf(() => loadSettings({ VIGIE_EVIDENCE_S3_URL: 'https://bucket.s3.amazonaws.com/' })).map((i) => i.path)).toEqual(['evidenceS3.url']);
    expect(issuesOf(() => loadSettings({ VIGIE_EVIDENCE_S3_ENDPOINT: 'http://127.0.0.1:9000' }))[0]?.message).toMatch(/VIGIE_EVIDENCE_S3_URL is not/);
    const issues = issuesOf(() =>
      loadSettings({ VIGIE_EVIDENCE_S3_URL: 's3://bucket', VIGIE_EVIDENCE_S3_ENDPOINT: 'http://user:hunter2@127.0.0.1:9000', AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' }),
    );
    expect(issues.map((i) => i.path)).toEqual(['evidenceS3.endpoint']);
    expect(JSON.stringify(issues)).not.toContain('hunter2');
  });

  it('keep credentials for the client but never print them', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const settings = loadSettings(readEnv({ VIGIE_EVIDENCE_S3_URL: 's3://bucket/p', AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: secret, AWS_SESSION_TOKEN: 'token-xyz' }));
    expect(settings.evidenceS3?.credentials?.reveal()).toEqual({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: secret, sessionToken: 'token-xyz' });
    expect(JSON.stringify(settings)).not.toContain(secret);
    expect(inspect(settings, { depth: 10, showHidden: true })).not.toContain(secret);
    expect(`${String(settings.evidenceS3?.credentials)}`).toBe('[redacted]');

    let logged = '';
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => ((logged += chunk.toString()), done()) });
    pino(sink).info({ settings }, 'settings');
    await new Promise((resolve) => setImmediate(resolve));
    expect(logged).toContain('[redacted]');
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain('token-xyz');
  });
});

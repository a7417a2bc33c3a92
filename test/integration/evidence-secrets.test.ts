// A target's credentials travel with its requests, never with its evidence: the headers it
// configures (an API key, a bearer token, a cookie) are sent to the site but written as
// `[redacted]` in the WARC request records and in the request-headers artifact.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlOnce } from '../../cli/commands/crawl.ts';
import { targetSchema } from '../../config/index.ts';
import { startHttpServer, type TestServer } from '../helpers/hostile-server.ts';
import { startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';

const SECRETS = { 'X-Api-Key': 'k3y-0f-the-partner', Authorization: 'Bearer t0ken-of-the-unit', Cookie: 'session=c00kie-value' };

describe('credentials in evidence', () => {
  let site: TestServer;
  let pipeline: TestPipeline;
  const received: Record<string, string | undefined>[] = [];

  beforeAll(async () => {
    site = await startHttpServer((req, res) => {
      received.push({ apiKey: req.headers['x-api-key'] as string | undefined, authorization: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>p</title><main><p>Une page protégée par une clé.</p></main>');
    });
    pipeline = await startTestPipeline('evidence-secrets');
  });

  afterAll(async () => {
    await pipeline?.close();
    await site?.close();
  });

  it('sends the target headers but stores them redacted in the WARC and the artifacts', async () => {
    const target = targetSchema.parse({
      id: 'with-secrets',
      name: 'secrets',
      seeds: [site.url('/')],
      allowPrivate: true,
      robots: 'ignore',
      robotsIgnoreReason: 'test',
      headers: SECRETS,
      maxDepth: 0,
    });
    const report = await crawlOnce(pipeline.deps, target, { concurrency: 1, pollMs: 100 });
    expect(report).toMatchObject({ pages: 1, errors: 0 });
    expect(received[0]).toEqual({ apiKey: SECRETS['X-Api-Key'], authorization: SECRETS.Authorization });

    const dataDir = pipeline.deps.settings.dataDir;
    const stored = [...filesUnder(join(dataDir, 'warc')), ...filesUnder(join(dataDir, 'evidence'))];
    expect(stored.some((file) => file.includes('.warc.gz'))).toBe(true);
    const text = stored.map((file) => {
      const bytes = readFileSync(file);
      return file.includes('.warc.gz') ? gunzipSync(bytes).toString('latin1') : bytes.toString('latin1');
    }).join('\n');
    expect(text).toContain('[redacted]');
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
  });
});

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

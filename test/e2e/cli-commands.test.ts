// The `vigie` command as a user runs it: analyze over stdin, targets validate/apply/list against
// the real Redis, and clear errors (never stack traces) for bad usage and bad files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lastJson, runVigie } from '../helpers/cli.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../helpers/redis.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigie-cli-'));
const prefix = uniquePrefix('cli');
const env = { VIGIE_REDIS_PREFIX: prefix };
afterAll(async () => {
  const redis = testRedis();
  await deletePrefix(redis, prefix);
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
});

describe('vigie analyze', () => {
  it('answers every line, in order, with errors for bad lines and the stream going on', async () => {
    const lines = [
      JSON.stringify({ id: 'a', text: 'Vente de cocaïne et de MDMA, livraison discrète partout en France, paiement en bitcoin. Contact: vendeur@example.org' }),
      '{"id": "broken", "text": ',
      JSON.stringify({ id: 2, html: '<html lang="en"><head><title>Shop</title></head><body><nav><a href="/x">Home</a></nav><main><p>Fresh CVV and fullz for sale, high balance dumps with track2, cashout service available. Wallet 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2</p></main></body></html>', url: 'https://shop.example/' }),
      JSON.stringify({ id: 'c', text: 'Le match de football de ce soir a été reporté à cause de la pluie.' }),
      JSON.stringify({ nothing: true }),
      JSON.stringify({ id: 'd' }),
      '[1,2]',
    ];
    const result = await runVigie(['analyze'], { input: `${lines.join('\n')}\n` });
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(out.map((o) => o.id)).toEqual(['a', 'broken', 2, 'c', null, 'd', null]);

    expect(out[0]!.flags.map((f: any) => f.category)).toContain('drugs');
    expect(out[0]!.entities).toContainEqual(expect.objectContaining({ type: 'email', value: 'vendeur@example.org' }));
    const email = out[0]!.entities.find((e: any) => e.type === 'email');
    expect(JSON.parse(lines[0]!).text.slice(email.start, email.end)).toBe('vendeur@example.org');
    expect(out[0]!.language).toBe('fr');

    expect(out[1]!.error.code).toBe('bad-json');
    expect(out[2]!.title).toBe('Shop');
    expect(out[2]!.text).not.toContain('Home');
    expect(out[2]!.flags.map((f: any) => f.category)).toContain('carding');
    expect(out[2]!.entities).toContainEqual(expect.objectContaining({ type: 'btc', value: '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2' }));
    const flag = out[2]!.flags.find((f: any) => f.category === 'carding');
    expect(flag.rules.length).toBeGreaterThan(0);
    expect(flag.tags.length).toBeGreaterThan(0);
    expect(flag.score).toBeGreaterThanOrEqual(0.6);

    expect(out[3]!.flags).toEqual([]);
    expect(out[4]!.error.code).toBe('missing-id');
    expect(out[5]!.error.code).toBe('bad-input');
    expect(out[6]!.error.code).toBe('bad-input');
  });
});

describe('vigie targets', () => {
  it('validate prints every problem with file, line and field, and exits 78', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'targets:\n  - id: UPPER\n    name: x\n    seeds: [nope]\n    schedule: { intervalSecs: 5 }\n');
    const result = await runVigie(['targets', 'validate', file]);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`${file}:2: targets.0.id:`);
    expect(result.stderr).toContain(`${file}:4: targets.0.seeds.0:`);
    expect(result.stderr).toMatch(/targets\.0\.schedule/);
    expect(result.stderr).not.toMatch(/\s+at .+\(.+:\d+:\d+\)/);
  });

  it('validate refuses a rules section naming rules the rule set lacks', async () => {
    const file = join(dir, 'overrides.yaml');
    writeFileSync(file, 'targets:\n  - id: t1\n    name: x\n    seeds: [https://a.example/]\n    rules:\n      disable: [no-such-rule]\n');
    const result = await runVigie(['targets', 'validate', file]);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`${file}: targets.0.rules.disable.0: unknown rule id "no-such-rule" (target t1)`);
  });

  it('apply stores and schedules, list shows the next run, repeated applies change nothing', async () => {
    const file = join(dir, 'good.yaml');
    writeFileSync(file, 'targets:\n  - id: hourly\n    name: Hourly\n    seeds: [https://a.example/]\n    schedule: { intervalSecs: 3600 }\n  - id: manual\n    name: Manual\n    seeds: [https://b.example/]\n');
    for (let i = 0; i < 2; i++) {
      const applied = await runVigie(['targets', 'apply', file, '--data-dir', dir], { env });
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toContain('scheduled: hourly');
    }
    const listed = await runVigie(['targets', 'list', '--json', '--data-dir', dir], { env });
    expect(listed.code, listed.stderr).toBe(0);
    const rows = lastJson<Array<{ id: string; nextRunAt: string | null }>>(listed.stdout);
    expect(rows.map((r) => r.id)).toEqual(['hourly', 'manual']);
    expect(rows[0]!.nextRunAt).not.toBeNull();
    expect(rows[1]!.nextRunAt).toBeNull();
  });
});

describe('bad usage', () => {
  it('refuses bad options and URLs with a message, not a stack trace', async () => {
    const badNumber = await runVigie(['crawl', 'https://a.example/', '--max-pages', 'lots']);
    expect(badNumber.code).toBe(64);
    expect(badNumber.stderr).toMatch(/--max-pages must be a whole number/);
    const badUrl = await runVigie(['crawl', 'ftp://a.example/', '--data-dir', dir], { env });
    expect(badUrl.code).toBe(78);
    expect(badUrl.stderr).toMatch(/URL ftp:\/\/a\.example\/: must be an absolute http/);
    const badEntity = await runVigie(['search', '--entity', 'iban:FR00 0000', '--data-dir', dir]);
    expect(badEntity.code).toBe(64);
    expect(badEntity.stderr).toMatch(/not a valid iban/);
    const badThreshold = await runVigie(['analyze', '--threshold', 'high']);
    expect(badThreshold.code).toBe(64);
    expect(badThreshold.stderr).toMatch(/--threshold must be a number between 0 and 1/);
    const unknown = await runVigie(['crawl', 'https://a.example/', '--frobnicate']);
    expect(unknown.code).toBe(64);
    const help = await runVigie(['--help']);
    expect(help.code).toBe(0);
    for (const r of [badNumber, badUrl, badEntity, badThreshold, unknown]) expect(r.stderr).not.toMatch(/\s+at .+:\d+:\d+\)/);
  });
});

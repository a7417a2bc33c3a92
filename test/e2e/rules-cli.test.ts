// `vigie rules test` and `vigie rules retrohunt` as the real command: explanations with offsets,
// exit codes, and a retro-hunt over an embedded index that raises explained alerts, idempotently.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeText } from '../../extractors/analyze.ts';
import { loadRuleSet } from '../../extractors/rules/index.ts';
import type { Explanation } from '../../extractors/rules/explain.ts';
import type { RetrohuntSummary } from '../../extractors/rules/retrohunt.ts';
import { createIndex } from '../../indexer/index.ts';
import { alertId, contentHashOf, pageId } from '../../indexer/ids.ts';
import type { PageDocument } from '../../indexer/types.ts';
import { lastJson, runVigie } from '../helpers/cli.ts';
import { uniquePrefix } from '../helpers/redis.ts';

const HUNT_FILE = `category: drugs
unless:
  - description: reporting on a seizure
    terms: [saisie, seized]
    within: 5
rules:
  - id: drugs.hunt-nitazene
    description: nitazene opioids offered
    weight: 0.8
    near: { a: [nitazène, nitazene*, isotonitazene], b: [dispo, available, stock], within: 4 }
  - id: drugs.hunt-wallet
    description: a wallet near a nitazene
    weight: 0.5
    entities: { types: [btc], terms: [nitazene*, nitazène, isotonitazene], within: 10 }
  - id: drugs.hunt-unused
    description: never matches here
    weight: 0.3
    set: { terms: [zzyzx, qqxq], min: 2 }
`;

let dir: string;
let dataDir: string;
let env: Record<string, string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-rules-cli-'));
  dataDir = join(dir, 'data');
  env = { VIGIE_DATA_DIR: dataDir, VIGIE_REDIS_PREFIX: uniquePrefix('rules-cli') };
  writeFileSync(join(dir, 'hunt.yaml'), HUNT_FILE);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each run starts the real command (several seconds on a busy machine): generous timeouts.
const SLOW = { timeout: 300_000 };

describe('vigie rules test', SLOW, () => {
  it('shows what fires and why, with offsets into the original text', async () => {
    const text = 'Isotonitazene dispo en stock, paiement bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq uniquement.';
    const result = await runVigie(['rules', 'test', join(dir, 'hunt.yaml'), '--json', '--text', text], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const e = lastJson<Explanation & { file: string }>(result.stdout);
    const drugs = e.categories.find((c) => c.category === 'drugs')!;
    expect(drugs.rules).toEqual(expect.arrayContaining(['drugs.hunt-nitazene', 'drugs.hunt-wallet']));
    expect(drugs.threshold).toBe(0.5); // drugs.yaml's threshold
    expect(drugs.alert).toBe(true);
    const hunt = e.rules.find((r) => r.id === 'drugs.hunt-nitazene')!;
    expect(hunt.outcome).toBe('fired');
    for (const m of hunt.matches) expect(text.slice(m.start, m.end)).toBe(m.text);
    expect(hunt.matches.map((m) => m.text)).toEqual(['Isotonitazene', 'dispo', 'stock']);
    expect(e.rules.find((r) => r.id === 'drugs.hunt-wallet')?.entities).toEqual(['btc']);
    expect(e.notFired).toEqual([expect.objectContaining({ id: 'drugs.hunt-unused', reason: 'no term matched' })]);
  });

  it('shows negative context that cancelled a hit', async () => {
    const text = 'Les douanes ont annoncé la saisie de nitazène dispo sur le marché noir.';
    const result = await runVigie(['rules', 'test', join(dir, 'hunt.yaml'), '--text', text], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/drugs\.hunt-nitazene \[near\] \(drugs\): cancelled/);
    expect(result.stdout).toMatch(/cancelled x0 by .*hunt\.yaml: unless\.0 \(near\) "reporting on a seizure": "saisie" at 27-33/);
    expect(result.stdout).toMatch(/\. drugs\.hunt-nitazene \(drugs\): every match was cancelled by negative context/);
  });

  it('reads a page file or stdin, and refuses bad input with clear errors', async () => {
    const page = join(dir, 'page.html');
    writeFileSync(page, '<html lang="en"><head><title>Shop</title></head><body><main><p>Fresh nitazene available now, worldwide shipping, discreet packaging and tracked parcels to every country.</p></main></body></html>');
    const fromPage = await runVigie(['rules', 'test', join(dir, 'hunt.yaml'), '--page', page, '--url', 'https://shop.example/x'], { env });
    expect(fromPage.code).toBe(0);
    expect(fromPage.stdout).toMatch(/page title "Shop"/);
    expect(fromPage.stdout).toMatch(/\+ drugs\.hunt-nitazene \[near\] weight 0\.80/);
    const fromStdin = await runVigie(['rules', 'test', join(dir, 'hunt.yaml'), '--stdin', '--json'], { env, input: 'nitazene available' });
    expect(lastJson<Explanation>(fromStdin.stdout).categories[0]?.category).toBe('drugs');

    expect((await runVigie(['rules', 'test', join(dir, 'hunt.yaml')], { env })).code).toBe(64);
    expect((await runVigie(['rules', 'test', join(dir, 'hunt.yaml'), '--text', 'x', '--stdin'], { env })).code).toBe(64);
    expect((await runVigie(['rules', 'test', join(dir, 'hunt.yaml'), '--page', join(dir, 'nope.html')], { env })).code).toBe(64);
  });

  it("applies a target's thresholds and overrides with --targets/--target", async () => {
    const targets = join(dir, 'test-targets.yaml');
    writeFileSync(targets, 'targets:\n  - id: t1\n    name: T\n    seeds: [https://x.example/]\n    rules:\n      thresholds: { drugs: 0.99 }\n      disable: [drugs.hunt-wallet, drugs.no-such-rule]\n');
    const text = 'Isotonitazene dispo en stock, paiement bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq uniquement.';
    const result = await runVigie(['rules', 'test', join(dir, 'hunt.yaml'), '--json', '--targets', targets, '--target', 't1', '--text', text], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('t1: rules.disable.1: unknown rule id "drugs.no-such-rule"');
    const e = lastJson<Explanation>(result.stdout);
    expect(e.categories.find((c) => c.category === 'drugs')).toMatchObject({ threshold: 0.99, alert: false });
    expect(e.rules.find((r) => r.id === 'drugs.hunt-wallet')?.outcome).toBe('disabled');
    expect((await runVigie(['rules', 'test', join(dir, 'hunt.yaml'), '--target', 't1', '--text', 'x'], { env })).code).toBe(64);
  });

  it('exits 78 with every problem as file: path: message', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, "category: drugs\nrules:\n  - { id: drugs.offer, description: d, weight: 0.5, terms: [x] }\n  - { id: b, description: d, weight: 0.5, regex: { pattern: '(?<=x)y' } }\n  - { id: c, description: d, weight: 0.5, terms: ['@nolist'] }\n");
    const result = await runVigie(['rules', 'test', bad, '--text', 'x'], { env });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`${bad}: rules.0.id: rule id "drugs.offer" is already used in`);
    expect(result.stderr).toContain(`${bad}: rules.2.terms.0: unknown list "nolist"`);
    expect(result.stderr).toContain(`${bad}: rules.1.regex.pattern: lookbehind is not supported by RE2`);
  });
});

describe('vigie rules retrohunt', SLOW, () => {
  const pages: PageDocument[] = [];

  beforeAll(async () => {
    // Pages indexed as a crawl would have indexed them, with the rule set of the time.
    const rules = loadRuleSet(join(import.meta.dirname, '../../config/rules'));
    const texts = [
      ['https://forum.example/t/1', 'forum', 'Isotonitazene dispo, envoi rapide, paiement bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq seulement.'],
      ['https://forum.example/t/2', 'forum', 'Les douanes ont annoncé la saisie de nitazène dispo sur le marché noir.'],
      ['https://forum.example/t/3', 'forum', 'Le match de football de samedi est reporté à dimanche.'],
      ['https://other.example/p', 'other', 'Nitazene available, DM me.'],
    ] as const;
    for (const [url, targetId, text] of texts) {
      const { entities, flags } = analyzeText(text, rules);
      const contentHash = contentHashOf(text);
      pages.push({
        id: pageId(url, contentHash), url, finalUrl: url, targetId, runId: 'r1', fetchedAt: '2026-01-10T10:00:00.000Z',
        httpStatus: 200, contentType: 'text/html', title: 't', text, language: 'fr', contentHash, entities, flags, depth: 0,
      });
    }
    const index = createIndex({ dataDir });
    await index.init();
    for (const page of pages) await index.indexPage(page, []);
    await index.close();
    writeFileSync(join(dir, 'targets.yaml'), 'targets:\n  - id: forum\n    name: Forum\n    seeds: [https://forum.example/]\n    rules:\n      thresholds: { drugs: 0.7 }\n  - id: other\n    name: Other\n    seeds: [https://other.example/]\n    rules:\n      disable: [drugs.hunt-nitazene]\n');
  }, 120_000);

  it('raises explained alerts for past matches, and nothing more the second time', async () => {
    const args = ['rules', 'retrohunt', join(dir, 'hunt.yaml'), '--targets', join(dir, 'targets.yaml'), '--json'];
    const dry = await runVigie([...args, '--dry-run'], { env });
    expect(dry.code).toBe(0);
    const drySummary = lastJson<RetrohuntSummary>(dry.stdout);
    expect(drySummary).toMatchObject({ dryRun: true, pagesScanned: 4, pagesMatched: 1, alertsCreated: 0, alertObservations: 1 });

    const first = await runVigie(args, { env });
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/retrohunt: 4 page\(s\) scanned, 1 with new matches/);
    const summary = lastJson<RetrohuntSummary>(first.stdout);
    expect(summary).toMatchObject({ pagesScanned: 4, pagesMatched: 1, alertsCreated: 1, alertsUpdated: 0 });
    const [match] = summary.matches;
    expect(match?.url).toBe('https://forum.example/t/1');
    expect(match?.hits.map((h) => h.ruleId).sort()).toEqual(['drugs.hunt-nitazene', 'drugs.hunt-wallet']);
    // Page 2 is news about a seizure (cancelled); page 3 matches nothing; on page 4 the target disabled the rule.
    const page1 = pages[0]!;
    expect(match?.alerts).toEqual([expect.objectContaining({ id: alertId(page1.contentHash, 'drugs'), category: 'drugs' })]);

    const index = createIndex({ dataDir });
    await index.init();
    try {
      const alert = await index.getAlert(alertId(page1.contentHash, 'drugs'));
      expect(alert?.ruleIds).toEqual(expect.arrayContaining(['drugs.hunt-nitazene', 'drugs.hunt-wallet']));
      expect(alert?.pageId).toBe(page1.id);
      const stored = await index.getPage(page1.id);
      const flag = stored?.flags.find((f) => f.category === 'drugs');
      const hit = flag?.rules.find((r) => r.ruleId === 'drugs.hunt-nitazene');
      expect(hit?.terms.map((t) => page1.text.slice(t.start, t.end))).toEqual(['Isotonitazene', 'dispo']);
      expect(flag!.score).toBeGreaterThanOrEqual(0.8);
    } finally {
      await index.close();
    }

    const again = await runVigie(args, { env });
    expect(lastJson<RetrohuntSummary>(again.stdout)).toMatchObject({ pagesScanned: 4, pagesMatched: 0, alertsCreated: 0, alertsUpdated: 0 });
  });

  it('filters by target and date, and reads applied targets from Redis when no file is given', async () => {
    const since = await runVigie(['rules', 'retrohunt', join(dir, 'hunt.yaml'), '--since', '2027-01-01', '--json'], { env });
    expect(lastJson<RetrohuntSummary>(since.stdout)).toMatchObject({ pagesScanned: 0 });
    const other = await runVigie(['rules', 'retrohunt', join(dir, 'hunt.yaml'), '--target', 'other', '--json', '--dry-run'], { env });
    expect(other.code).toBe(0);
    expect(other.stderr).toMatch(/target "other" is not configured; its pages use the default thresholds/);
    expect(lastJson<RetrohuntSummary>(other.stdout)).toMatchObject({ pagesScanned: 1, pagesMatched: 1 });
    expect((await runVigie(['rules', 'retrohunt', join(dir, 'hunt.yaml'), '--since', 'yesterday-ish'], { env })).code).toBe(64);
  });
});

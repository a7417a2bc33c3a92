// Hot reload of the rule directory with real files: a good edit replaces the set for the next
// page, a broken edit keeps the last good set and logs each problem once, files replaced by
// rename (as editors do) and new files are noticed.
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/errors.ts';
import { classify, watchRuleSet, type WatchedRuleSet } from '../../extractors/rules/index.ts';

const rule = (id: string, term: string) =>
  `category: drugs\nrules:\n  - id: ${id}\n    description: d\n    weight: 0.5\n    terms: [${term}]\n`;

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function setup(files: Record<string, string>, intervalMs = 3_600_000) {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-reload-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const logs: { level: string; msg: string }[] = [];
  const logger = {
    info: (_obj: unknown, msg?: string) => void logs.push({ level: 'info', msg: msg ?? '' }),
    error: (_obj: unknown, msg?: string) => void logs.push({ level: 'error', msg: msg ?? '' }),
  };
  const source: WatchedRuleSet = watchRuleSet(dir, { logger: logger as never, intervalMs });
  cleanups.push(() => source.close(), () => rmSync(dir, { recursive: true, force: true }));
  return { dir, source, logs };
}

const fires = (source: WatchedRuleSet, text: string) => classify(text, [], source.current()).map((f) => f.rules.map((r) => r.ruleId)).flat();

describe('watchRuleSet', () => {
  it('refuses to start on a broken directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-reload-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'drugs.yaml'), 'category: drugs\nrules: []\n');
    expect(() => watchRuleSet(dir, { logger: { info() {}, error() {} } as never })).toThrow(ConfigError);
  });

  it('swaps in a good edit, keeps the last good set on a broken one, logs each problem once', () => {
    const { dir, source, logs } = setup({ 'drugs.yaml': rule('d.one', 'ketamine') });
    const first = source.current();
    expect(fires(source, 'ketamine')).toEqual(['d.one']);
    expect(source.check()).toBe(false); // nothing changed

    // An editor's save: write a temp file, rename it over the original.
    writeFileSync(join(dir, '.drugs.yaml.tmp'), rule('d.two', 'mephedrone'));
    renameSync(join(dir, '.drugs.yaml.tmp'), join(dir, 'drugs.yaml'));
    expect(source.check()).toBe(true);
    expect(source.current()).not.toBe(first);
    expect(fires(source, 'mephedrone ketamine')).toEqual(['d.two']);

    const good = source.current();
    const broken = `${rule('d.two', 'mephedrone')}  - { id: bad, description: d, weight: 3, terms: [x] }\n  - { id: bad2, description: d, weight: 0.5, terms: ['@nolist'] }\n`;
    writeFileSync(join(dir, 'drugs.yaml'), broken);
    expect(source.check()).toBe(false);
    expect(source.current()).toBe(good);
    const errors = logs.filter((l) => l.level === 'error').map((l) => l.msg);
    expect(errors).toEqual([
      expect.stringContaining(`${join(dir, 'drugs.yaml')}: rules.1.weight: `),
      expect.stringContaining(`${join(dir, 'drugs.yaml')}: rules.2.terms.0: unknown list "nolist"`),
    ]);
    // Another broken save with the same problems logs nothing new.
    writeFileSync(join(dir, 'drugs.yaml'), `${broken}\n`);
    expect(source.check()).toBe(false);
    expect(logs.filter((l) => l.level === 'error').length).toBe(errors.length);

    // A new file joins the set; a deleted one leaves it.
    writeFileSync(join(dir, 'drugs.yaml'), rule('d.two', 'mephedrone'));
    writeFileSync(join(dir, 'hate.yaml'), rule('h.one', 'vermine').replace('drugs', 'hate'));
    expect(source.check()).toBe(true);
    expect(fires(source, 'vermine mephedrone').sort()).toEqual(['d.two', 'h.one']);
    unlinkSync(join(dir, 'hate.yaml'));
    expect(source.check()).toBe(true);
    expect(fires(source, 'vermine mephedrone')).toEqual(['d.two']);
    expect(source.reloads).toBe(3);
  });

  it('reloads on its own timer', async () => {
    const { dir, source } = setup({ 'drugs.yaml': rule('d.one', 'ketamine') }, 50);
    writeFileSync(join(dir, 'drugs.yaml'), rule('d.three', 'fentanyl'));
    await expect.poll(() => fires(source, 'fentanyl'), { timeout: 4000, interval: 50 }).toEqual(['d.three']);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, formatConfigIssue } from '../../config/errors.ts';
import { classify, loadRuleSet } from '../../extractors/rules/index.ts';

const dirs: string[] = [];
function ruleDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-rules-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function problems(dir: string): string[] {
  try {
    loadRuleSet(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map(formatConfigIssue);
  }
  throw new Error('expected a ConfigError');
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadRuleSet', () => {
  it('loads every yaml file of a directory, lists shared across files', () => {
    const dir = ruleDir({
      'common.yaml': 'lists:\n  sale: [vente, selling]\n',
      'drugs.yaml': 'category: drugs\nthreshold: 0.4\nrules:\n  - id: d.offer\n    description: offer\n    weight: 0.6\n    near: { a: [kétamine], b: ["@sale"], within: 3 }\n',
      'notes.txt': 'ignored',
    });
    const ruleSet = loadRuleSet(dir);
    expect(ruleSet.thresholds.drugs).toBe(0.4);
    expect(classify('vente de ketamine', [], ruleSet)[0]?.score).toBe(0.6);
  });

  it('lists every problem of every file as file: path: message', () => {
    const dir = ruleDir({
      'broken.yaml': 'category: drugs\nrules: [\n  - id: x\n',
      'dup.yaml': 'category: hate\nrules:\n  - id: h\n    description: d\n    weight: 0.5\n    terms: [a]\n  - id: h\n    description: d\n    weight: 0.5\n    terms: [b]\n',
      'keys.yaml': 'category: fraud\nrules: []\nlists:\n  x: [a]\n  x: [b]\n',
      'bad.yaml': 'category: weapons\nunless: { terms: [foo], factor: 2 }\nrules:\n  - id: w\n    description: d\n    weight: 0.5\n    entities: { types: [bitcoin], terms: [gun], within: 5 }\n',
    });
    const lines = problems(dir);
    expect(lines.some((l) => /broken\.yaml: \(root\): line \d+: /.test(l))).toBe(true);
    expect(lines).toContain(`${join(dir, 'dup.yaml')}: rules.1.id: rule id "h" is already used in ${join(dir, 'dup.yaml')}`);
    expect(lines.some((l) => l.startsWith(`${join(dir, 'keys.yaml')}: (root): line`))).toBe(true);
    expect(lines.some((l) => l.startsWith(`${join(dir, 'bad.yaml')}: unless.0.factor: `))).toBe(true);
    expect(lines.some((l) => l.startsWith(`${join(dir, 'bad.yaml')}: rules.0.entities.types.0: `))).toBe(true);
  });

  it('refuses a missing directory', () => {
    expect(() => loadRuleSet(join(tmpdir(), 'vigie-no-such-dir'))).toThrow(ConfigError);
  });
});

// Learning from analysts, as an analyst drives it: alerts raised by two real rules, decisions
// recorded with `vigie alerts decide`, and the queue re-ranked by calibrated score: the rule that
// keeps being dismissed as a false positive sinks below a rule analysts confirm.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRuleSet } from '../../extractors/rules/index.ts';
import { EmbeddedIndex } from '../../indexer/index.ts';
import { flaggedPage } from '../contract/index-fixtures.ts';
import { lastJson, runVigie } from '../helpers/cli.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'vigie-decide-'));
const args = ['--data-dir', dataDir];
const rules = loadRuleSet(join(import.meta.dirname, '../../config/rules')).rules;
// Two real rules of the shipped rule set, so their weights are the priors.
const noisyRule = rules.find((r) => r.category === 'drugs')!;
const preciseRule = rules.find((r) => r.category === 'weapons')!;
const noisyAlerts: string[] = [];
let preciseAlert = '';

beforeAll(async () => {
  const index = new EmbeddedIndex({ dataDir });
  await index.init();
  for (let k = 0; k < 8; k++) {
    const { page, observations } = flaggedPage('drugs', { text: `annonce ${k}`, url: `https://forum.example/t/${k}`, ruleIds: [noisyRule.id], score: 0.9 });
    await index.indexPage(page, observations);
    noisyAlerts.push(observations[0]!.id);
  }
  const { page, observations } = flaggedPage('weapons', { text: 'arme', url: 'https://forum.example/w', ruleIds: [preciseRule.id], score: 0.7 });
  await index.indexPage(page, observations);
  preciseAlert = observations[0]!.id;
  await index.close();
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface ListedAlert { id: string; status: string; calibratedScore: number; legalQualification: string[]; tags: string[] }

describe('vigie alerts decide / precision / show', () => {
  it('re-ranks the queue as analysts dismiss one rule\'s alerts and confirm another\'s', { timeout: 300_000 }, async () => {
    const before = lastJson<ListedAlert[]>((await runVigie(['alerts', 'list', '--json', ...args])).stdout);
    expect(before[before.length - 1]!.id).toBe(preciseAlert);
    expect(before[0]!.legalQualification.join(' ')).toMatch(/Code pénal, art\. 222-37/);

    const decided = await runVigie(['alerts', 'decide', ...noisyAlerts.slice(0, 6), '--status', 'dismissed', '--reason', 'false-positive', '--by', 'analyste-1', '--json', ...args]);
    expect(decided.code, decided.stderr).toBe(0);
    expect(lastJson<{ alerts: ListedAlert[] }>(decided.stdout).alerts.map((a) => a.status)).toEqual(Array(6).fill('dismissed'));
    const confirmed = await runVigie(['alerts', 'decide', preciseAlert, '--status', 'confirmed', '--by', 'analyste-2', '--comment', 'vente avérée', '--json', ...args]);
    expect(confirmed.code, confirmed.stderr).toBe(0);

    const open = lastJson<ListedAlert[]>((await runVigie(['alerts', 'list', '--json', ...args])).stdout);
    const openNoisy = open.find((a) => a.id === noisyAlerts[7])!;
    const precise = open.find((a) => a.id === preciseAlert)!;
    expect(openNoisy.calibratedScore).toBeLessThan(0.9);
    expect(precise.calibratedScore).toBeGreaterThan(0.7);
    expect(open.findIndex((a) => a.id === preciseAlert)).toBeLessThan(open.findIndex((a) => a.id === noisyAlerts[7]));

    const precision = lastJson<{ ruleId: string; confirmed: number; dismissed: number; observed: number; calibrated: number; prior: number }[]>(
      (await runVigie(['alerts', 'precision', '--json', ...args])).stdout,
    );
    expect(precision[0]).toMatchObject({ ruleId: noisyRule.id, confirmed: 0, dismissed: 6, observed: 0, prior: noisyRule.weight });
    expect(precision.find((p) => p.ruleId === preciseRule.id)).toMatchObject({ confirmed: 1, dismissed: 0, observed: 1 });

    const show = await runVigie(['alerts', 'show', preciseAlert, ...args]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/Code pénal, art\. 222-52/);
    expect(show.stdout).toMatch(/analyste-2: new -> confirmed "vente avérée"/);
    expect(show.stdout).toMatch(/tags: vigie:category="weapons"/);
  });

  it('refuses a dismissal without a reason and an unknown alert, with clear messages', { timeout: 300_000 }, async () => {
    const noReason = await runVigie(['alerts', 'decide', noisyAlerts[7]!, '--status', 'dismissed', '--by', 'a', ...args]);
    expect(noReason.code).toBe(64);
    expect(noReason.stderr).toMatch(/needs --reason/);
    const badReason = await runVigie(['alerts', 'decide', noisyAlerts[7]!, '--status', 'dismissed', '--reason', 'boring', '--by', 'a', ...args]);
    expect(badReason.code).toBe(64);
    // One unknown id among known ones: nothing is decided.
    const unknown = await runVigie(['alerts', 'decide', noisyAlerts[7]!, 'nope', '--status', 'confirmed', '--by', 'a', ...args]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no alert nope/);
    expect(unknown.stderr).not.toMatch(/at .*\.ts/);
    const index = new EmbeddedIndex({ dataDir });
    await index.init();
    expect((await index.getAlert(noisyAlerts[7]!))!.status).toBe('new');
    await index.close();
  });

  it('assigns an alert to an analyst, lists the alerts they hold, and needs the assignee', { timeout: 300_000 }, async () => {
    const noAssignee = await runVigie(['alerts', 'decide', noisyAlerts[7]!, '--status', 'assigned', '--by', 'chef', ...args]);
    expect(noAssignee.code).toBe(64);
    expect(noAssignee.stderr).toMatch(/needs --assignee/);
    const assigned = await runVigie(['alerts', 'decide', noisyAlerts[7]!, '--status', 'assigned', '--assignee', 'analyste-3', '--by', 'chef', '--json', ...args]);
    expect(assigned.code, assigned.stderr).toBe(0);
    expect(lastJson<{ alerts: { assignee?: string }[] }>(assigned.stdout).alerts[0]!.assignee).toBe('analyste-3');
    const held = lastJson<ListedAlert[]>((await runVigie(['alerts', 'list', '--assignee', 'analyste-3', '--json', ...args])).stdout);
    expect(held.map((a) => a.id)).toEqual([noisyAlerts[7]]);
    const show = await runVigie(['alerts', 'show', noisyAlerts[7]!, ...args]);
    expect(show.stdout).toMatch(/held by analyste-3/);
    expect(show.stdout).toMatch(/chef: new -> assigned -> analyste-3/);
  });
});

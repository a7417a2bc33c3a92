// GET /api/v1/stats on the real server: weekly counts per category, decisions, time to decision
// and referrals per service, over a date range given as dates or date-times; CSV; bad ranges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flaggedPage } from '../contract/index-fixtures.ts';
import { startTestDesk, type DeskClient, type TestDesk } from '../helpers/desk.ts';

let desk: TestDesk;
let ops: DeskClient;

beforeAll(async () => {
  desk = await startTestDesk('desk-stats');
  const index = desk.pipeline.index;
  // Two drug alerts in ISO week 2026-W18 (Monday 27 April), one hate alert in W19.
  const flagged = [
    flaggedPage('drugs', { url: 'https://a.example/1', text: 'texte un', fetchedAt: '2026-04-28T10:00:00.000Z' }),
    flaggedPage('drugs', { url: 'https://a.example/2', text: 'texte deux', fetchedAt: '2026-04-29T10:00:00.000Z' }),
    flaggedPage('hate', { url: 'https://b.example/1', text: 'texte trois', fetchedAt: '2026-05-05T10:00:00.000Z' }),
  ];
  const alertIds: string[] = [];
  for (const { page, observations } of flagged) {
    await index.indexPage(page, observations);
    alertIds.push(observations[0]!.id);
  }
  // One confirmed six hours after it was first seen.
  await index.decideAlert(alertIds[0]!, { status: 'confirmed', actor: 'anna', at: '2026-04-28T16:00:00.000Z' });
  await desk.desk.createReferral({
    id: 'ref-1', alertId: alertIds[0]!, service: 'ofmin', qualification: 'x', createdBy: 'anna', createdAt: '2026-04-28T17:00:00.000Z',
    status: 'prepared', statusAt: '2026-04-28T17:00:00.000Z', packageSha256: 'a'.repeat(64), packageBytes: 10,
  });
  ops = await desk.signIn('oscar', 'ops');
}, 60_000);
afterAll(async () => desk?.close());

describe('GET /api/v1/stats', () => {
  it('counts alerts per category per ISO week, decisions, time to decision and referrals per service', async () => {
    const stats = (await ops.get('/api/v1/stats')).body;
    expect(stats.perCategoryWeek).toEqual([
      { week: '2026-W18', category: 'drugs', alerts: 2 },
      { week: '2026-W19', category: 'hate', alerts: 1 },
    ]);
    expect(stats.decisions).toEqual(expect.arrayContaining([{ status: 'confirmed', count: 1 }, { status: 'new', count: 2 }]));
    expect(stats.timeToDecision).toEqual([{ category: 'drugs', decided: 1, medianHours: 6, p90Hours: 6 }]);
    expect(stats.referralsByService).toEqual([{ service: 'ofmin', count: 1, label: { fr: expect.any(String), en: expect.any(String) } }]);
  });

  it('takes a range as dates or date-times', async () => {
    const w19 = (await ops.get('/api/v1/stats?from=2026-05-01&to=2026-05-31')).body;
    expect(w19.perCategoryWeek).toEqual([{ week: '2026-W19', category: 'hate', alerts: 1 }]);
    expect(w19.referralsByService).toEqual([]);
    const w18 = (await ops.get('/api/v1/stats?from=2026-04-27T00:00:00Z&to=2026-04-30T00:00:00%2B02:00')).body;
    expect(w18.perCategoryWeek).toEqual([{ week: '2026-W18', category: 'drugs', alerts: 2 }]);
  });

  it('refuses a range that ends before it starts, or is no date', async () => {
    const reversed = await ops.get('/api/v1/stats?from=2026-05-10&to=2026-05-01');
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.code).toBe('bad-request');
    expect((await ops.get('/api/v1/stats?from=yesterday')).status).toBe(400);
  });

  it('gives the weekly counts as CSV', async () => {
    const csv = await ops.get('/api/v1/stats?format=csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text).toBe('week,category,alerts\r\n2026-W18,drugs,2\r\n2026-W19,hate,1\r\n');
  });
});

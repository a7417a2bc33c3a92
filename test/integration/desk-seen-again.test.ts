// Decided content that comes back: an alert confirmed or referred, then observed on a new URL,
// shows `seenSinceDecision` and is found with the queue filter, until someone decides it again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flaggedPage } from '../contract/index-fixtures.ts';
import { startTestDesk, type DeskClient, type TestDesk } from '../helpers/desk.ts';

let desk: TestDesk;
let analyst: DeskClient;
let alertId: string;

beforeAll(async () => {
  desk = await startTestDesk('desk-seen-again');
  const first = flaggedPage('drugs', { url: 'https://shop.example/offer', text: 'offre de stupéfiants', fetchedAt: '2026-05-01T10:00:00.000Z' });
  await desk.pipeline.index.indexPage(first.page, first.observations);
  alertId = first.observations[0]!.id;
  analyst = await desk.signIn('anna', 'analyst');
}, 60_000);
afterAll(async () => desk?.close());

describe('alerts seen again since their decision', () => {
  it('flags a confirmed alert whose content appears on a new URL, and the queue filter finds it', async () => {
    expect((await analyst.post(`/api/v1/alerts/${alertId}/decisions`, { status: 'confirmed' })).status).toBe(200);
    expect((await analyst.get(`/api/v1/alerts/${alertId}`)).body.seenSinceDecision).toBe(false);
    expect((await analyst.get('/api/v1/alerts?seenSinceDecision=1')).body.total).toBe(0);

    await new Promise((resolve) => setTimeout(resolve, 5));
    const mirror = flaggedPage('drugs', { url: 'https://mirror.example/offer', text: 'offre de stupéfiants', fetchedAt: new Date().toISOString() });
    await desk.pipeline.index.indexPage(mirror.page, mirror.observations);
    expect(mirror.observations[0]!.id).toBe(alertId);

    const shown = (await analyst.get(`/api/v1/alerts/${alertId}`)).body;
    expect(shown).toMatchObject({ status: 'confirmed', seenSinceDecision: true });
    expect(shown.urls).toEqual(['https://shop.example/offer', 'https://mirror.example/offer']);
    const queue = (await analyst.get('/api/v1/alerts?seenSinceDecision=1')).body;
    expect(queue.total).toBe(1);
    expect(queue.alerts[0]).toMatchObject({ id: alertId, seenSinceDecision: true });
    // The open queue does not hold it (it is decided); the filter is what brings it back.
    expect((await analyst.get('/api/v1/alerts?queue=open')).body.total).toBe(0);
  });

  it('a new decision clears it', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await analyst.post(`/api/v1/alerts/${alertId}/decisions`, { status: 'escalated', comment: 'mirror found' })).status).toBe(200);
    expect((await analyst.get(`/api/v1/alerts/${alertId}`)).body.seenSinceDecision).toBe(false);
    expect((await analyst.get('/api/v1/alerts?seenSinceDecision=1')).body.total).toBe(0);
  });

  it('refuses a bad value', async () => {
    expect((await analyst.get('/api/v1/alerts?seenSinceDecision=yes')).status).toBe(400);
  });
});

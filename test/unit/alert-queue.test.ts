// The queue's shared pieces: filter resolution, rank order, content groups, ISO weeks, percentiles.
import { describe, expect, it } from 'vitest';
import { newAlert } from '../../indexer/alert-merge.ts';
import { alertGroupOf, compareQueueRank, resolveAlertFilter, resolveContentHashes } from '../../indexer/alert-queue.ts';
import { isoWeekOf, percentile, roundHours } from '../../indexer/stats-math.ts';
import { MAX_CONTENT_HASHES, OPEN_ALERT_STATUSES } from '../../indexer/types.ts';
import type { Alert } from '../../indexer/types.ts';
import { makePage, observe } from '../contract/index-fixtures.ts';

describe('resolveAlertFilter', () => {
  it('normalises times, trims the assignee, bounds paging and keeps absent filters absent', () => {
    expect(resolveAlertFilter({})).toEqual({ limit: 20, offset: 0 });
    expect(resolveAlertFilter({ statuses: [...OPEN_ALERT_STATUSES], assignee: ' bob ', from: '2024-05-01', to: '2024-05-02T10:00:00+02:00', limit: 5000, offset: -3 })).toEqual({
      statuses: ['new', 'assigned', 'escalated'],
      assignee: 'bob',
      from: '2024-05-01T00:00:00.000Z',
      to: '2024-05-02T08:00:00.000Z',
      limit: 1000,
      offset: 0,
    });
  });

  it('intersects status with statuses and refuses unknown or empty status lists', () => {
    expect(resolveAlertFilter({ status: 'new', statuses: ['new', 'assigned'] }).statuses).toEqual(['new']);
    expect(resolveAlertFilter({ status: 'confirmed', statuses: ['new'] }).statuses).toEqual([]);
    expect(() => resolveAlertFilter({ statuses: [] })).toThrow(expect.objectContaining({ code: 'invalid-alert-filter' }));
    expect(() => resolveAlertFilter({ status: 'open' as 'new' })).toThrow(/unknown status "open"/);
    expect(() => resolveAlertFilter({ from: 'yesterday' })).toThrow(expect.objectContaining({ code: 'index-invalid-time' }));
  });

  it('bounds the content hashes of one request', () => {
    expect(resolveContentHashes(['a', 'a', '', 'b'])).toEqual(['a', 'b']);
    expect(resolveContentHashes(Array.from({ length: MAX_CONTENT_HASHES }, (_, i) => `h${i}`))).toHaveLength(MAX_CONTENT_HASHES);
    expect(() => resolveContentHashes(Array.from({ length: MAX_CONTENT_HASHES + 1 }, (_, i) => `h${i}`))).toThrow(/at most/);
  });
});

describe('queue order and content groups', () => {
  const page = makePage({ url: 'https://a.example/1' });
  const alert = (category: Alert['category'], calibratedScore: number, lastSeen: string, urls: string[], pageCount = 1): Alert => ({
    ...newAlert(observe(page, category)),
    calibratedScore,
    lastSeen,
    urls,
    pageCount,
  });

  it('ranks by calibrated score, then newest lastSeen, then id', () => {
    const a = alert('drugs', 0.5, '2024-05-01T00:00:00.000Z', []);
    const b = alert('fraud', 0.5, '2024-05-02T00:00:00.000Z', []);
    const c = alert('hate', 0.9, '2024-04-01T00:00:00.000Z', []);
    const tie = { ...a, id: `${a.id}z` };
    expect([a, tie, b, c].sort(compareQueueRank)).toEqual([c, b, a, tie]);
  });

  it('makes one row of one content: best alert on top, categories in rank order, distinct URLs, most pages', () => {
    const low = alert('drugs', 0.3, '2024-05-01T00:00:00.000Z', ['https://a.example/1'], 1);
    const high = alert('fraud', 0.8, '2024-05-01T00:00:00.000Z', ['https://a.example/1', 'https://b.example/2'], 3);
    expect(alertGroupOf([low, high])).toEqual({
      contentHash: page.contentHash,
      top: high,
      categories: ['fraud', 'drugs'],
      alertIds: [high.id, low.id],
      urlCount: 2,
      pageCount: 3,
    });
    expect(() => alertGroupOf([])).toThrow(TypeError);
  });
});

describe('statistics arithmetic', () => {
  it('labels ISO weeks, including the weeks that straddle a new year', () => {
    const week = (iso: string) => isoWeekOf(Date.parse(iso));
    expect(week('2024-05-01T10:00:00Z')).toBe('2024-W18');
    expect(week('2024-05-05T23:59:59Z')).toBe('2024-W18');
    expect(week('2024-05-06T00:00:00Z')).toBe('2024-W19');
    expect(week('2024-12-30T00:00:00Z')).toBe('2025-W01');
    expect(week('2021-01-03T00:00:00Z')).toBe('2020-W53');
    expect(week('2026-01-01T00:00:00Z')).toBe('2026-W01');
    expect(week('2027-01-01T00:00:00Z')).toBe('2026-W53');
  });

  it('interpolates percentiles between the closest ranks', () => {
    expect(percentile([2, 4, 30], 50)).toBe(4);
    expect(percentile([2, 4, 30], 90)).toBeCloseTo(24.8, 10);
    expect(percentile([2, 4], 50)).toBe(3);
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(roundHours(24.8333)).toBe(24.83);
  });
});

// Analysts' decisions: validation (assignee rules included), and what a decision does to the
// alert's holder and first decision time, the rules both index backends store.
import { describe, expect, it } from 'vitest';
import { newAlert } from '../../indexer/alert-merge.ts';
import { applyDecision, assigneeAfter, decisionOutcome, firstDecidedAfter, MAX_ACTOR_CHARS, validateDecision } from '../../indexer/decisions.ts';
import type { AlertDecision, AlertDecisionInput } from '../../indexer/types.ts';
import { makePage, observe } from '../contract/index-fixtures.ts';

const NOW = new Date('2024-05-01T12:00:00.000Z');
const invalid = (input: AlertDecisionInput) => () => validateDecision(input, NOW);

describe('validateDecision', () => {
  it('completes a valid decision: time set, strings trimmed, empty comment dropped', () => {
    expect(validateDecision({ status: 'confirmed', actor: ' ana ', comment: '  ' }, NOW)).toEqual({ status: 'confirmed', actor: 'ana', at: NOW.toISOString() });
    expect(validateDecision({ status: 'assigned', assignee: ' bob ', actor: 'ana', at: '2024-05-02T00:00:00Z' }, NOW)).toEqual({
      status: 'assigned', assignee: 'bob', actor: 'ana', at: '2024-05-02T00:00:00.000Z',
    });
    expect(validateDecision({ status: 'escalated', actor: 'ana' }, NOW).assignee).toBeUndefined();
    expect(validateDecision({ status: 'escalated', assignee: 'chef', actor: 'ana' }, NOW).assignee).toBe('chef');
  });

  it('needs an assignee to assign, and takes one only when assigning or escalating', () => {
    expect(invalid({ status: 'assigned', actor: 'ana' })).toThrow(/assigning needs an assignee/);
    expect(invalid({ status: 'assigned', assignee: '   ', actor: 'ana' })).toThrow(/assignee is a user name/);
    expect(invalid({ status: 'assigned', assignee: 'x'.repeat(MAX_ACTOR_CHARS + 1), actor: 'ana' })).toThrow(/assignee/);
    expect(invalid({ status: 'assigned', assignee: 42 as unknown as string, actor: 'ana' })).toThrow(/assignee/);
    for (const status of ['new', 'confirmed', 'referred'] as const) {
      expect(invalid({ status, assignee: 'bob', actor: 'ana' })).toThrow(/assignee goes with status assigned or escalated only/);
    }
    expect(invalid({ status: 'dismissed', reason: 'duplicate', assignee: 'bob', actor: 'ana' })).toThrow(expect.objectContaining({ code: 'invalid-decision' }));
  });

  it('keeps the earlier rules: reasons with dismissals only, an actor, a time', () => {
    expect(invalid({ status: 'dismissed', actor: 'ana' })).toThrow(/needs a reason/);
    expect(invalid({ status: 'confirmed', reason: 'duplicate', actor: 'ana' })).toThrow(/reason goes with status dismissed/);
    expect(invalid({ status: 'confirmed', actor: '' })).toThrow(/who made it/);
    expect(invalid({ status: 'confirmed', actor: 'ana', at: 'hier' })).toThrow(/not a time/);
    expect(decisionOutcome('escalated', undefined)).toBe('confirmed');
    expect(decisionOutcome('assigned', undefined)).toBe('neutral');
  });
});

describe('what a decision does to the alert', () => {
  const at = (hour: number) => `2024-05-01T${String(hour).padStart(2, '0')}:00:00.000Z`;
  const d = (status: AlertDecision['status'], hour: number, extra: Partial<AlertDecision> = {}): AlertDecision => ({ status, actor: 'ana', at: at(hour), ...extra });

  it('sets, keeps, passes on and clears the holder', () => {
    expect(assigneeAfter(undefined, d('assigned', 1, { assignee: 'bob' }))).toBe('bob');
    expect(assigneeAfter('bob', d('assigned', 1, { assignee: 'carl' }))).toBe('carl');
    expect(assigneeAfter('bob', d('escalated', 1))).toBe('bob');
    expect(assigneeAfter('bob', d('escalated', 1, { assignee: 'chef' }))).toBe('chef');
    expect(assigneeAfter(undefined, d('escalated', 1))).toBeUndefined();
    for (const status of ['new', 'confirmed', 'referred'] as const) expect(assigneeAfter('bob', d(status, 1))).toBeUndefined();
    expect(assigneeAfter('bob', d('dismissed', 1, { reason: 'duplicate' }))).toBeUndefined();
  });

  it('records the earliest deciding decision; assigning or reopening is not deciding', () => {
    expect(firstDecidedAfter(undefined, d('assigned', 1, { assignee: 'bob' }))).toBeUndefined();
    expect(firstDecidedAfter(undefined, d('new', 1))).toBeUndefined();
    expect(firstDecidedAfter(undefined, d('escalated', 2))).toBe(at(2));
    expect(firstDecidedAfter(at(2), d('confirmed', 5))).toBe(at(2));
    // A back-dated decision recorded later still counts from its own time.
    expect(firstDecidedAfter(at(5), d('confirmed', 3))).toBe(at(3));
    expect(firstDecidedAfter(at(5), d('new', 1))).toBe(at(5));
  });

  it('applies status, decision, holder and first decision time together, leaving the rest', () => {
    const alert = newAlert(observe(makePage(), 'drugs'));
    const assigned = applyDecision(alert, d('assigned', 1, { assignee: 'bob' }));
    expect(assigned).toEqual({ ...alert, status: 'assigned', decision: d('assigned', 1, { assignee: 'bob' }), assignee: 'bob' });
    const closed = applyDecision(assigned, d('confirmed', 2));
    expect(closed).toEqual({ ...alert, status: 'confirmed', decision: d('confirmed', 2), firstDecidedAt: at(2) });
    expect('assignee' in closed).toBe(false);
    expect(assigned.assignee).toBe('bob');
  });
});

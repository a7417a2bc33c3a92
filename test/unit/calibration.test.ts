// Rule precision from analysts' decisions and the calibrated score it gives alerts.
import { describe, expect, it } from 'vitest';
import { calibratedScore, DEFAULT_PRIOR, PRIOR_DECISIONS, ruleFactors, rulePrecision } from '../../extractors/calibration.ts';
import { decisionOutcome, validateDecision } from '../../indexer/decisions.ts';

const NOW = new Date('2026-12-02T10:00:00Z');

describe('rule precision', () => {
  it('starts at the author\'s weight and moves towards what analysts decide', () => {
    expect(rulePrecision({ ruleId: 'r', confirmed: 0, dismissed: 0 }, 0.6)).toMatchObject({ prior: 0.6, observed: null, calibrated: 0.6, factor: 1 });
    const noisy = rulePrecision({ ruleId: 'r', confirmed: 1, dismissed: 11 }, 0.6);
    expect(noisy.observed).toBeCloseTo(1 / 12, 5);
    expect(noisy.calibrated).toBeCloseTo((1 + PRIOR_DECISIONS * 0.6) / (12 + PRIOR_DECISIONS), 2);
    expect(noisy.factor).toBeLessThan(0.4);
    const good = rulePrecision({ ruleId: 'r', confirmed: 20, dismissed: 0 }, 0.6);
    expect(good.calibrated).toBeGreaterThan(0.9);
    expect(good.factor).toBeGreaterThan(1.5);
  });

  it('gives unknown rules a default prior and never lets a prior of 0 or 1 freeze a rule', () => {
    expect(rulePrecision({ ruleId: 'x', confirmed: 0, dismissed: 0 }, undefined).prior).toBe(DEFAULT_PRIOR);
    expect(rulePrecision({ ruleId: 'x', confirmed: 0, dismissed: 5 }, 1).calibrated).toBeLessThan(0.5);
    expect(rulePrecision({ ruleId: 'x', confirmed: 5, dismissed: 0 }, 0).calibrated).toBeGreaterThan(0.5);
  });

  it('has factors only for rules that were decided', () => {
    const factors = ruleFactors(
      [{ ruleId: 'a', confirmed: 0, dismissed: 4 }, { ruleId: 'b', confirmed: 0, dismissed: 0 }],
      new Map([['a', 0.8]]),
    );
    expect(Object.keys(factors)).toEqual(['a']);
    expect(factors.a).toBeCloseTo(((PRIOR_DECISIONS * 0.8) / (4 + PRIOR_DECISIONS)) / 0.8, 3);
  });
});

describe('calibrated score', () => {
  it('is the noisy-OR of the rule weights times their factors, capped at 1 per rule', () => {
    expect(calibratedScore({ a: 0.6 }, {}, 0)).toBe(0.6);
    expect(calibratedScore({ a: 0.6, b: 0.5 }, {}, 0)).toBe(0.8);
    expect(calibratedScore({ a: 0.6, b: 0.5 }, { a: 0.5 }, 0)).toBe(0.65);
    expect(calibratedScore({ a: 0.8 }, { a: 3 }, 0)).toBe(1);
    expect(calibratedScore({ a: 0.8 }, { a: 0 }, 0)).toBe(0);
  });

  it('keeps the raw score of an alert recorded without rule weights', () => {
    expect(calibratedScore({}, { a: 0.1 }, 0.77)).toBe(0.77);
  });
});

describe('decisions', () => {
  it('says which decisions confirm or blame the rules', () => {
    expect(decisionOutcome('confirmed', undefined)).toBe('confirmed');
    expect(decisionOutcome('referred', undefined)).toBe('confirmed');
    expect(decisionOutcome('escalated', undefined)).toBe('confirmed');
    expect(decisionOutcome('dismissed', 'false-positive')).toBe('dismissed');
    expect(decisionOutcome('dismissed', 'legitimate-content')).toBe('dismissed');
    expect(decisionOutcome('dismissed', 'duplicate')).toBe('neutral');
    expect(decisionOutcome('dismissed', 'out-of-jurisdiction')).toBe('neutral');
    expect(decisionOutcome('assigned', undefined)).toBe('neutral');
  });

  it('completes a valid decision and refuses a bad one with a clear message', () => {
    expect(validateDecision({ status: 'dismissed', reason: 'duplicate', actor: ' ana ', comment: '  vu  ' }, NOW)).toEqual({
      status: 'dismissed', reason: 'duplicate', actor: 'ana', comment: 'vu', at: NOW.toISOString(),
    });
    const bad = (input: Parameters<typeof validateDecision>[0]) => () => validateDecision(input, NOW);
    expect(bad({ status: 'dismissed', actor: 'a' })).toThrow(/needs a reason/);
    expect(bad({ status: 'confirmed', reason: 'duplicate', actor: 'a' })).toThrow(/dismissed only/);
    expect(bad({ status: 'closed' as never, actor: 'a' })).toThrow(/unknown status/);
    expect(bad({ status: 'dismissed', reason: 'boring' as never, actor: 'a' })).toThrow(/unknown reason/);
    expect(bad({ status: 'confirmed', actor: '  ' })).toThrow(/who made it/);
    expect(bad({ status: 'confirmed', actor: 'a', at: 'hier' })).toThrow(/not a time/);
    expect(bad({ status: 'confirmed', actor: 'a', comment: 'x'.repeat(5000) })).toThrow(/at most/);
    try {
      validateDecision({ status: 'dismissed', actor: 'a' }, NOW);
    } catch (err) {
      expect(err).toMatchObject({ code: 'invalid-decision' });
    }
  });
});

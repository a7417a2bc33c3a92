// Learning from analysts: each rule's precision is measured from the decisions on the alerts it
// raised, and alert scores are recalibrated with it.
//
// A rule's weight is its author's estimate of its precision. Decisions update that estimate as a
// Beta-binomial posterior with the weight as prior mean and PRIOR_DECISIONS pseudo-decisions of
// strength: precision = (confirmed + k·w) / (confirmed + dismissed + k). A rule with no decisions
// keeps its weight; a rule analysts keep dismissing sinks towards 0 after a dozen decisions; a
// rule that is always confirmed rises towards 1. The calibrated weight of a hit is its weight
// times the rule's factor (posterior / prior), so the dampening a hit got from negative context
// is kept; an alert's calibrated score is the noisy-OR of its rules' calibrated weights, the same
// combination the rule engine uses for raw scores. With no decisions at all it equals the raw
// noisy-OR of the alert's rules.

/** How many decisions the author's weight is worth. */
export const PRIOR_DECISIONS = 4;
/** Prior precision of a rule the rule set does not know (phishing and hash-list detectors, removed rules). */
export const DEFAULT_PRIOR = 0.7;

export interface RuleOutcome {
  ruleId: string;
  /** Alerts of this rule an analyst confirmed, escalated or referred. */
  confirmed: number;
  /** Alerts of this rule dismissed for a reason that blames detection (see indexer/decisions.ts). */
  dismissed: number;
}

export interface RulePrecision extends RuleOutcome {
  /** The author's weight (prior mean). */
  prior: number;
  /** confirmed / (confirmed + dismissed), or null before any decision. */
  observed: number | null;
  /** Posterior mean: what the queue uses. */
  calibrated: number;
  /** calibrated / prior: what a hit's weight is multiplied by. */
  factor: number;
}

export function rulePrecision(outcome: RuleOutcome, prior: number | undefined): RulePrecision {
  const p = clampPrior(prior ?? DEFAULT_PRIOR);
  const decided = outcome.confirmed + outcome.dismissed;
  const calibrated = (outcome.confirmed + PRIOR_DECISIONS * p) / (decided + PRIOR_DECISIONS);
  return {
    ...outcome,
    prior: p,
    observed: decided === 0 ? null : outcome.confirmed / decided,
    calibrated: round(calibrated),
    factor: round(calibrated / p),
  };
}

/** Factor per rule id, for the rules that have decisions (others are 1). */
export function ruleFactors(outcomes: readonly RuleOutcome[], priors: ReadonlyMap<string, number>): Record<string, number> {
  const factors: Record<string, number> = {};
  for (const outcome of outcomes) {
    if (outcome.confirmed + outcome.dismissed === 0) continue;
    factors[outcome.ruleId] = rulePrecision(outcome, priors.get(outcome.ruleId)).factor;
  }
  return factors;
}

/**
 * Noisy-OR of the rules' hit weights, each multiplied by its rule's factor (capped at 1). An alert
 * without recorded rule weights (written before calibration existed) keeps `fallback`.
 */
export function calibratedScore(ruleWeights: Readonly<Record<string, number>>, factors: Readonly<Record<string, number>>, fallback: number): number {
  const ids = Object.keys(ruleWeights);
  if (ids.length === 0) return fallback;
  let miss = 1;
  for (const id of ids) {
    const weight = Math.min(1, Math.max(0, ruleWeights[id]! * (factors[id] ?? 1)));
    miss *= 1 - weight;
  }
  return round(1 - miss);
}

function clampPrior(value: number): number {
  // A prior of exactly 0 or 1 could never move; keep it inside (0, 1).
  return Math.min(0.99, Math.max(0.01, value));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

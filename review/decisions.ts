// Deciding an alert, and what follows from it: the decision is validated and recorded, then the
// precision of every rule is re-measured from all decisions and the calibrated scores of the
// alerts whose rules changed are recomputed, so the queue re-ranks at once. Used by
// `vigie alerts decide` and, with the review desk, by the API.
import { rulePrecision, ruleFactors, type RulePrecision } from '../extractors/calibration.ts';
import type { RuleSet } from '../extractors/rules/index.ts';
import { NonRetryableError } from '../config/errors.ts';
import { validateDecision } from '../indexer/decisions.ts';
import type { Alert, AlertDecisionInput, SearchIndex } from '../indexer/types.ts';

export interface DecisionDeps {
  index: SearchIndex;
  /** Prior precision of each rule: its weight in the rule set (see rulePriors). */
  priors: ReadonlyMap<string, number>;
  clock: () => Date;
}

export interface DecisionResult {
  alerts: Alert[];
  /** Alerts whose calibrated score changed because of these decisions. */
  alertsRecalibrated: number;
}

/** Rule id -> weight, the author's estimate of the rule's precision. */
export function rulePriors(ruleSet: RuleSet): Map<string, number> {
  return new Map(ruleSet.rules.map((rule) => [rule.id, rule.weight]));
}

/**
 * One decision applied to one or more alerts (bulk triage). Every id is checked first, so an
 * unknown id decides nothing; then each alert is decided and the rules recalibrated once.
 */
export async function decideAlerts(deps: DecisionDeps, alertIds: readonly string[], input: AlertDecisionInput): Promise<DecisionResult> {
  const decision = validateDecision(input, deps.clock());
  const ids = [...new Set(alertIds)];
  if (ids.length === 0) throw new NonRetryableError('invalid-decision', 'no alert to decide');
  for (const id of ids) {
    if ((await deps.index.getAlert(id)) === null) throw new NonRetryableError('alert-not-found', `no alert ${id}`);
  }
  for (const id of ids) {
    if ((await deps.index.decideAlert(id, decision)) === null) throw new NonRetryableError('alert-not-found', `no alert ${id}`);
  }
  const { alertsUpdated } = await recalibrate(deps);
  // Read back: each alert's own calibrated score may have moved with its rules' precision.
  const alerts = await Promise.all(ids.map(async (id) => deps.index.getAlert(id)));
  return { alerts: alerts.filter((a): a is Alert => a !== null), alertsRecalibrated: alertsUpdated };
}

/** Re-measures every rule's precision from the decisions and applies the resulting factors. */
export async function recalibrate(deps: Pick<DecisionDeps, 'index' | 'priors'>): Promise<{ alertsUpdated: number }> {
  const outcomes = await deps.index.ruleOutcomes();
  return deps.index.applyRuleFactors(ruleFactors(outcomes, deps.priors));
}

/** Every rule that has decisions, with its measured and calibrated precision, worst first. */
export async function precisionReport(deps: Pick<DecisionDeps, 'index' | 'priors'>): Promise<RulePrecision[]> {
  const outcomes = await deps.index.ruleOutcomes();
  return outcomes
    .map((outcome) => rulePrecision(outcome, deps.priors.get(outcome.ruleId)))
    .sort((a, b) => a.calibrated - b.calibrated || (a.ruleId < b.ruleId ? -1 : 1));
}

// Request bodies for analysts' decisions and calibration: the alert's status update, the
// append-only decision record, the history query, the per-rule outcome aggregation (the same
// tables as indexer/decisions.ts), and the stored factors with the recalibration of the alerts
// they touch.
import type { estypes } from '@elastic/elasticsearch';
import { CONFIRMING_STATUSES, REASONS_AGAINST_RULE } from '../decisions.ts';
import type { Alert, AlertDecision, AlertDecisionRecord, AlertStatus, RuleOutcomeCount } from '../types.ts';
import type { IndexNames } from './mappings.ts';
import { RECALIBRATE_ALERT_SCRIPT } from './write-bodies.ts';

export const CALIBRATION_DOC_ID = 'rule-factors';
/** History longer than this is cut (an alert is decided a handful of times). */
export const MAX_HISTORY = 1000;
/** Distinct rules an outcome aggregation returns: far above any rule set's size. */
export const MAX_RULE_BUCKETS = 10_000;

export interface EsDecisionSource extends AlertDecisionRecord {
  recordedMs: number;
}

/**
 * Sets what a decision changes on the alert (indexer/decisions.ts: applyDecision): status, latest
 * decision, holder and first decision time, only if nobody changed the alert since it was read.
 * A holder or time the decision clears is set to null, which alertFromSource reads as absent.
 */
export function decisionUpdateRequest(
  names: IndexNames,
  decided: Alert,
  read: { seqNo: number; primaryTerm: number },
  refresh: estypes.Refresh,
): estypes.UpdateRequest {
  return {
    index: names.alerts,
    id: decided.id,
    if_seq_no: read.seqNo,
    if_primary_term: read.primaryTerm,
    refresh,
    doc: { status: decided.status, decision: decided.decision, assignee: decided.assignee ?? null, firstDecidedAt: decided.firstDecidedAt ?? null },
  };
}

/** The history line: created, never overwritten (op_type create with a server-chosen id). */
export function decisionRecordRequest(
  names: IndexNames,
  alertId: string,
  previousStatus: AlertStatus,
  decision: AlertDecision,
  recordedMs: number,
  refresh: estypes.Refresh,
): estypes.IndexRequest<EsDecisionSource> {
  return {
    index: names.decisions,
    op_type: 'create',
    refresh,
    document: { ...decision, alertId, previousStatus, recordedMs },
  };
}

export function historyRequest(names: IndexNames, alertId: string): estypes.SearchRequest {
  return {
    index: names.decisions,
    size: MAX_HISTORY,
    query: { bool: { filter: [{ term: { alertId } }] } },
    sort: [{ at: { order: 'asc' } }, { recordedMs: { order: 'asc' } }],
  };
}

export function historyFrom(hits: readonly estypes.SearchHit<EsDecisionSource>[]): AlertDecisionRecord[] {
  return hits.flatMap((hit) => {
    if (hit._source === undefined) return [];
    const { recordedMs: _recorded, ...record } = hit._source;
    return [record];
  });
}

/**
 * Per rule, the alerts whose current status confirms it, and those dismissed for a reason that
 * blames it: two filter aggregations, each split by rule id.
 */
export function ruleOutcomesRequest(names: IndexNames): estypes.SearchRequest {
  const byRule: Record<string, estypes.AggregationsAggregationContainer> = {
    rules: { terms: { field: 'ruleIds', size: MAX_RULE_BUCKETS } },
  };
  return {
    index: names.alerts,
    size: 0,
    aggs: {
      confirmed: { filter: { terms: { status: [...CONFIRMING_STATUSES] } }, aggs: byRule },
      dismissed: {
        filter: { bool: { filter: [{ term: { status: 'dismissed' } }, { terms: { 'decision.reason': [...REASONS_AGAINST_RULE] } }] } },
        aggs: byRule,
      },
    },
  };
}

type RuleBuckets = { rules?: { buckets?: { key: string | number; doc_count: number }[] } };

export function ruleOutcomesFrom(aggregations: Record<string, unknown> | undefined): RuleOutcomeCount[] {
  const counts = new Map<string, RuleOutcomeCount>();
  for (const side of ['confirmed', 'dismissed'] as const) {
    const buckets = (aggregations?.[side] as RuleBuckets | undefined)?.rules?.buckets ?? [];
    for (const bucket of buckets) {
      const ruleId = String(bucket.key);
      const count = counts.get(ruleId) ?? { ruleId, confirmed: 0, dismissed: 0 };
      count[side] += bucket.doc_count;
      counts.set(ruleId, count);
    }
  }
  return [...counts.values()].sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
}

export function factorsDocRequest(names: IndexNames, factors: Record<string, number>, now: Date, refresh: estypes.Refresh): estypes.IndexRequest {
  return { index: names.calibration, id: CALIBRATION_DOC_ID, refresh, document: { factors, updatedAt: now.toISOString() } };
}

/** Recomputes the calibrated score of every alert raised by one of `changedRules`. */
export function recalibrateRequest(
  names: IndexNames,
  changedRules: readonly string[],
  factors: Record<string, number>,
  refresh: boolean,
): estypes.UpdateByQueryRequest {
  return {
    index: names.alerts,
    conflicts: 'proceed',
    refresh,
    query: { terms: { ruleIds: [...changedRules] } },
    script: { lang: 'painless', source: RECALIBRATE_ALERT_SCRIPT, params: { factors } },
  };
}

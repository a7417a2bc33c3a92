// The embedded index's side of analysts' decisions and calibration: decisions recorded with their
// append-only history, the per-rule outcome counts calibration learns from, and the stored
// calibration factors with the recalibration of the alerts they touch. Each write is one
// IMMEDIATE transaction, durable on return (synchronous=FULL, see schema.ts).
import type Database from 'better-sqlite3';
import { calibratedScore } from '../../extractors/calibration.ts';
import { changedRules, checkFactors } from '../alert-merge.ts';
import { applyDecision, CONFIRMING_STATUSES, REASONS_AGAINST_RULE } from '../decisions.ts';
import type { Alert, AlertDecision, AlertDecisionRecord, RuleOutcomeCount } from '../types.ts';
import { alertFromRow, alertToRow } from './page-writer.ts';
import type { AlertRow } from './page-writer.ts';

interface DecisionRow {
  alert_id: string;
  status: string;
  previous_status: string;
  reason: string | null;
  comment: string | null;
  assignee: string | null;
  actor: string;
  at: string;
}

/** SQL list of string literals from constant tables (never user input). */
function sqlList(values: readonly string[]): string {
  return values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');
}

export class AlertDecisions {
  readonly #db: Database.Database;
  readonly #decide: (id: string, decision: AlertDecision) => Alert | null;
  readonly #apply: (factors: Record<string, number>) => number;

  constructor(db: Database.Database) {
    this.#db = db;
    const selectAlert = db.prepare('SELECT * FROM alerts WHERE id = ?');
    const insertDecision = db.prepare(
      `INSERT INTO alert_decisions (alert_id, status, previous_status, reason, comment, assignee, actor, at)
       VALUES (@alert_id, @status, @previous_status, @reason, @comment, @assignee, @actor, @at)`,
    );
    const updateStatus = db.prepare(
      `UPDATE alerts SET status = @status, decision_json = @decision_json, assignee = @assignee, first_decided_at = @first_decided_at
       WHERE id = @id`,
    );
    const decide = db.transaction((id: string, decision: AlertDecision): Alert | null => {
      const row = selectAlert.get(id) as AlertRow | undefined;
      if (row === undefined) return null;
      insertDecision.run({
        alert_id: id,
        status: decision.status,
        previous_status: row.status,
        reason: decision.reason ?? null,
        comment: decision.comment ?? null,
        assignee: decision.assignee ?? null,
        actor: decision.actor,
        at: decision.at,
      });
      const alert = applyDecision(alertFromRow(row), decision);
      const { status, decision_json, assignee, first_decided_at } = alertToRow(alert);
      updateStatus.run({ id, status, decision_json, assignee, first_decided_at });
      return alert;
    });
    this.#decide = (id, decision) => decide.immediate(id, decision);

    const selectFactors = db.prepare('SELECT rule_id, factor FROM rule_factors');
    const clearFactors = db.prepare('DELETE FROM rule_factors');
    const insertFactor = db.prepare('INSERT INTO rule_factors (rule_id, factor) VALUES (?, ?)');
    const alertsOfRules = db.prepare(
      `SELECT * FROM alerts WHERE EXISTS (
         SELECT 1 FROM json_each(alerts.rule_ids_json) r WHERE r.value IN (SELECT value FROM json_each(?)))`,
    );
    const updateCalibrated = db.prepare('UPDATE alerts SET calibrated_score = ? WHERE id = ?');
    const apply = db.transaction((factors: Record<string, number>): number => {
      const rows = selectFactors.all() as { rule_id: string; factor: number }[];
      const changed = changedRules(Object.fromEntries(rows.map((r) => [r.rule_id, r.factor])), factors);
      clearFactors.run();
      for (const [ruleId, factor] of Object.entries(factors)) insertFactor.run(ruleId, factor);
      if (changed.length === 0) return 0;
      let updated = 0;
      for (const row of alertsOfRules.all(JSON.stringify(changed)) as AlertRow[]) {
        const alert = alertFromRow(row);
        const score = calibratedScore(alert.ruleWeights, factors, alert.score);
        if (score === alert.calibratedScore) continue;
        updateCalibrated.run(score, alert.id);
        updated += 1;
      }
      return updated;
    });
    this.#apply = (factors) => apply.immediate(factors);
  }

  decide(id: string, decision: AlertDecision): Alert | null {
    return this.#decide(id, decision);
  }

  history(id: string): AlertDecisionRecord[] {
    const rows = this.#db.prepare('SELECT * FROM alert_decisions WHERE alert_id = ? ORDER BY seq').all(id) as DecisionRow[];
    return rows.map((row) => {
      const record: AlertDecisionRecord = {
        alertId: row.alert_id,
        status: row.status as AlertDecisionRecord['status'],
        previousStatus: row.previous_status as AlertDecisionRecord['previousStatus'],
        actor: row.actor,
        at: row.at,
      };
      if (row.reason !== null) record.reason = row.reason as AlertDecisionRecord['reason'];
      if (row.comment !== null) record.comment = row.comment;
      if (row.assignee !== null) record.assignee = row.assignee;
      return record;
    });
  }

  outcomes(): RuleOutcomeCount[] {
    // The outcome of an alert is that of its current status and latest decision: an alert
    // confirmed then dismissed counts once, as dismissed (indexer/decisions.ts: decisionOutcome).
    const sql = `
      SELECT r.value AS ruleId,
        SUM(CASE WHEN a.status IN (${sqlList(CONFIRMING_STATUSES)}) THEN 1 ELSE 0 END) AS confirmed,
        SUM(CASE WHEN a.status = 'dismissed' AND json_extract(a.decision_json, '$.reason') IN (${sqlList(REASONS_AGAINST_RULE)})
          THEN 1 ELSE 0 END) AS dismissed
      FROM alerts a, json_each(a.rule_ids_json) r
      WHERE a.status IN (${sqlList([...CONFIRMING_STATUSES, 'dismissed'])})
      GROUP BY r.value
      HAVING confirmed + dismissed > 0
      ORDER BY r.value`;
    return this.#db.prepare(sql).all() as RuleOutcomeCount[];
  }

  factors(): Record<string, number> {
    const rows = this.#db.prepare('SELECT rule_id, factor FROM rule_factors ORDER BY rule_id').all() as { rule_id: string; factor: number }[];
    return Object.fromEntries(rows.map((r) => [r.rule_id, r.factor]));
  }

  applyFactors(factors: Record<string, number>): number {
    return this.#apply(checkFactors(factors));
  }
}

// Analysts' decisions on alerts: which statuses and dismissal reasons exist, which of them say
// something about a rule's precision, and the validation of a decision before it is stored.
// Both index backends use these tables, so "what counts as a false positive" is defined once.
import { NonRetryableError } from '../config/errors.ts';
import { ALERT_STATUSES, DISMISS_REASONS } from './types.ts';
import type { Alert, AlertDecision, AlertDecisionInput, AlertStatus, DismissReason } from './types.ts';

/**
 * Dismissal reasons that say the detection was wrong, and so lower the precision of the rules
 * that raised the alert. The other reasons dismiss real matches for causes that are no fault of
 * the rule (already handled elsewhere, nothing to act on, not ours to act on).
 */
export const REASONS_AGAINST_RULE: readonly DismissReason[] = ['false-positive', 'legitimate-content', 'wrong-category'];

/** Statuses that say an analyst judged the alert right. */
export const CONFIRMING_STATUSES: readonly AlertStatus[] = ['confirmed', 'escalated', 'referred'];

/** Statuses that may name who holds the alert next: 'assigned' must, 'escalated' may. */
export const ASSIGNING_STATUSES: readonly AlertStatus[] = ['assigned', 'escalated'];

/**
 * Statuses that do not count as deciding the alert for the time-to-decision statistic: handing it
 * to someone, or putting it back in the queue, is not a judgment on it.
 */
export const NOT_DECIDING_STATUSES: readonly AlertStatus[] = ['assigned', 'new'];

export const MAX_COMMENT_CHARS = 4000;
export const MAX_ACTOR_CHARS = 100;

export type DecisionOutcome = 'confirmed' | 'dismissed' | 'neutral';

/** What a decision says about the rules that raised the alert. */
export function decisionOutcome(status: AlertStatus, reason: DismissReason | undefined): DecisionOutcome {
  if (CONFIRMING_STATUSES.includes(status)) return 'confirmed';
  if (status === 'dismissed' && reason !== undefined && REASONS_AGAINST_RULE.includes(reason)) return 'dismissed';
  return 'neutral';
}

/** Checks a decision and returns it complete (time set, strings trimmed); throws `invalid-decision`. */
export function validateDecision(input: AlertDecisionInput, now: Date): AlertDecision {
  const fail = (message: string): never => {
    throw new NonRetryableError('invalid-decision', message);
  };
  if (!(ALERT_STATUSES as readonly string[]).includes(input.status)) fail(`unknown status "${String(input.status)}"; use one of ${ALERT_STATUSES.join(', ')}`);
  const actor = typeof input.actor === 'string' ? input.actor.trim() : '';
  if (actor === '' || actor.length > MAX_ACTOR_CHARS) fail(`a decision needs who made it (1 to ${MAX_ACTOR_CHARS} characters)`);
  if (input.status === 'dismissed' && input.reason === undefined) fail(`dismissing needs a reason: one of ${DISMISS_REASONS.join(', ')}`);
  if (input.reason !== undefined && !(DISMISS_REASONS as readonly string[]).includes(input.reason)) {
    fail(`unknown reason "${String(input.reason)}"; use one of ${DISMISS_REASONS.join(', ')}`);
  }
  if (input.reason !== undefined && input.status !== 'dismissed') fail('a reason goes with status dismissed only');
  const assignee = typeof input.assignee === 'string' ? input.assignee.trim() : input.assignee;
  if (assignee !== undefined) {
    if (!ASSIGNING_STATUSES.includes(input.status)) fail(`an assignee goes with status ${ASSIGNING_STATUSES.join(' or ')} only`);
    if (typeof assignee !== 'string' || assignee === '' || assignee.length > MAX_ACTOR_CHARS) fail(`an assignee is a user name of 1 to ${MAX_ACTOR_CHARS} characters`);
  } else if (input.status === 'assigned') {
    fail('assigning needs an assignee (the user who takes the alert)');
  }
  const comment = input.comment?.trim();
  if (comment !== undefined && comment.length > MAX_COMMENT_CHARS) fail(`a comment is at most ${MAX_COMMENT_CHARS} characters`);
  const atMs = input.at === undefined ? now.getTime() : Date.parse(input.at);
  if (!Number.isFinite(atMs)) fail(`"${String(input.at)}" is not a time`);
  const decision: AlertDecision = { status: input.status, actor, at: new Date(atMs).toISOString() };
  if (input.reason !== undefined) decision.reason = input.reason;
  if (comment !== undefined && comment !== '') decision.comment = comment;
  if (assignee !== undefined) decision.assignee = assignee;
  return decision;
}

/**
 * Who holds the alert after a decision: the decision's assignee when it names one; the current
 * holder through an escalation that names nobody; nobody once the alert is closed (confirmed,
 * dismissed, referred) or put back to 'new'. Both backends store what this returns.
 */
export function assigneeAfter(current: Alert['assignee'], decision: AlertDecision): string | undefined {
  if (decision.assignee !== undefined) return decision.assignee;
  return decision.status === 'escalated' ? current : undefined;
}

/** The alert's first decision time after this decision (the earliest deciding decision wins). */
export function firstDecidedAfter(current: Alert['firstDecidedAt'], decision: AlertDecision): string | undefined {
  if (NOT_DECIDING_STATUSES.includes(decision.status)) return current;
  return current === undefined || decision.at < current ? decision.at : current;
}

/** The alert as a decision leaves it: status, latest decision, holder and first decision time. */
export function applyDecision(alert: Alert, decision: AlertDecision): Alert {
  const decided: Alert = { ...alert, status: decision.status, decision };
  const assignee = assigneeAfter(alert.assignee, decision);
  const firstDecidedAt = firstDecidedAfter(alert.firstDecidedAt, decision);
  if (assignee === undefined) delete decided.assignee;
  else decided.assignee = assignee;
  if (firstDecidedAt === undefined) delete decided.firstDecidedAt;
  else decided.firstDecidedAt = firstDecidedAt;
  return decided;
}

// Analysts' decisions on alerts: which statuses and dismissal reasons exist, which of them say
// something about a rule's precision, and the validation of a decision before it is stored.
// Both index backends use these tables, so "what counts as a false positive" is defined once.
import { NonRetryableError } from '../config/errors.ts';
import { ALERT_STATUSES, DISMISS_REASONS } from './types.ts';
import type { AlertDecision, AlertDecisionInput, AlertStatus, DismissReason } from './types.ts';

/**
 * Dismissal reasons that say the detection was wrong, and so lower the precision of the rules
 * that raised the alert. The other reasons dismiss real matches for causes that are no fault of
 * the rule (already handled elsewhere, nothing to act on, not ours to act on).
 */
export const REASONS_AGAINST_RULE: readonly DismissReason[] = ['false-positive', 'legitimate-content', 'wrong-category'];

/** Statuses that say an analyst judged the alert right. */
export const CONFIRMING_STATUSES: readonly AlertStatus[] = ['confirmed', 'escalated', 'referred'];

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
  const comment = input.comment?.trim();
  if (comment !== undefined && comment.length > MAX_COMMENT_CHARS) fail(`a comment is at most ${MAX_COMMENT_CHARS} characters`);
  const atMs = input.at === undefined ? now.getTime() : Date.parse(input.at);
  if (!Number.isFinite(atMs)) fail(`"${String(input.at)}" is not a time`);
  const decision: AlertDecision = { status: input.status, actor, at: new Date(atMs).toISOString() };
  if (input.reason !== undefined) decision.reason = input.reason;
  if (comment !== undefined && comment !== '') decision.comment = comment;
  return decision;
}

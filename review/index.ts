export { buildServer } from './server.ts';
export type { DeskContext, SessionPolicy } from './http/context.ts';
export { createDeskContext, DEFAULT_SESSION_POLICY } from './http/context.ts';
export { alertView, type AlertView } from './alert-view.ts';
export { decideAlerts, precisionReport, recalibrate, rulePriors, type DecisionDeps, type DecisionResult } from './decisions.ts';

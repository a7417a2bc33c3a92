export { buildServer, type ReviewServerDeps } from './server.ts';
export { alertView, type AlertView } from './alert-view.ts';
export { decideAlerts, precisionReport, recalibrate, rulePriors, type DecisionDeps, type DecisionResult } from './decisions.ts';

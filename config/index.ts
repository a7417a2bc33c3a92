export * from './errors.ts';
export { readEnv, type EnvInput } from './env.ts';
export { loadSettings, redactUrl, DEFAULT_RULES_DIR, type Settings, type SettingsFlags, type OidcSettings, Redacted } from './settings.ts';
export { createLogger, type Logger } from './logger.ts';
export {
  targetSchema,
  alertThreshold,
  SENSITIVITY_THRESHOLDS,
  type WatchTarget,
  type WatchTargetInput,
  type FetchLimits,
} from './target-schema.ts';
export { loadTargetsFile, parseTargetsYaml } from './load-targets.ts';
export { redactTarget } from './redact-target.ts';

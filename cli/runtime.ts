// Entry points create the clients they need, inject them, and close them in reverse order.
import { readEnv, loadSettings, createLogger, type Logger, type Settings, type SettingsFlags } from '../config/index.ts';
import { openEvidenceWriter } from '../crawler/evidence/index.ts';
import { loadRuleSet, watchRuleSet, type RuleSet, type RuleSetSource } from '../extractors/rules/index.ts';
import { createIndex } from '../indexer/index.ts';
import type { SearchIndex } from '../indexer/types.ts';
import { createRedis, createWorkerDeps, type WorkerDeps } from '../workers/index.ts';
import type { Redis } from 'ioredis';
import { ensureRedis } from './redis-bootstrap.ts';

/** Settings for a command; one-shot commands log warnings only unless LOG_LEVEL says otherwise. */
export function settingsFrom(flags: SettingsFlags, role: 'one-shot' | 'service' = 'one-shot'): { settings: Settings; logger: Logger } {
  const settings = loadSettings(readEnv(), { defaultLogLevel: role === 'service' ? 'info' : 'warn', ...flags });
  return { settings, logger: createLogger(settings.logLevel) };
}

export interface Runtime {
  settings: Settings;
  logger: Logger;
  /** Register what you open; everything registered is closed, in reverse order, when `use` ends. */
  closer: Closer;
}

/** Runs a command body with its settings and logger, closing every client it opened afterwards. */
export async function withRuntime<T>(flags: SettingsFlags, role: 'one-shot' | 'service', use: (runtime: Runtime) => Promise<T>): Promise<T> {
  const { settings, logger } = settingsFrom(flags, role);
  const closer = new Closer();
  try {
    return await use({ settings, logger, closer });
  } finally {
    await closer.closeAll(logger);
  }
}

export class Closer {
  private readonly steps: Array<() => Promise<void>> = [];

  add(step: () => Promise<void>): void {
    this.steps.push(step);
  }

  async closeAll(logger?: Logger): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (err) {
        logger?.warn({ err }, 'error while closing');
      }
    }
  }
}

export async function openIndex(settings: Settings, logger: Logger, closer: Closer): Promise<SearchIndex> {
  const index = createIndex({
    dataDir: settings.dataDir,
    elasticsearchUrl: settings.elasticsearchUrl,
    elasticsearchPrefix: settings.elasticsearchPrefix,
    logger: logger.child({ component: 'index' }),
  });
  closer.add(() => index.close());
  await index.init();
  return index;
}

export function openRules(settings: Settings): RuleSet {
  return loadRuleSet(settings.rulesDir);
}

/** The rule set, reloaded whenever the rule files change (long-running roles). */
export function openWatchedRules(settings: Settings, logger: Logger, closer: Closer): RuleSetSource {
  const source = watchRuleSet(settings.rulesDir, { logger: logger.child({ component: 'rules' }) });
  closer.add(async () => source.close());
  return source;
}

export async function openRedis(settings: Settings, logger: Logger, closer: Closer): Promise<Redis> {
  const server = await ensureRedis(settings, logger);
  closer.add(() => server.stop());
  const redis = createRedis(server.url);
  redis.on('error', (err) => logger.warn({ err }, 'redis connection error'));
  closer.add(async () => void (await redis.quit().catch(() => redis.disconnect())));
  return redis;
}

/** Redis, index, rules and the worker Deps: what crawling and scheduling need. */
export async function openPipeline(settings: Settings, logger: Logger, closer: Closer, options: { watchRules?: boolean } = {}): Promise<WorkerDeps> {
  const rules = options.watchRules ? openWatchedRules(settings, logger, closer) : openRules(settings);
  const redis = await openRedis(settings, logger, closer);
  const index = await openIndex(settings, logger, closer);
  const evidence = await openEvidenceWriter(settings);
  closer.add(() => evidence.store.close());
  const deps = createWorkerDeps({ settings, logger, redis, index, rules, evidence });
  closer.add(() => deps.close());
  return deps;
}


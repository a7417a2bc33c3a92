// The real pipeline in-process for integration tests: real Redis (own prefix), the embedded index
// in a temp directory, the shipped rules. close() removes everything it created.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadSettings, type EnvInput } from '../../config/index.ts';
import { openEvidenceWriter } from '../../crawler/evidence/index.ts';
import { loadRuleSet } from '../../extractors/rules/index.ts';
import { createIndex } from '../../indexer/index.ts';
import type { SearchIndex } from '../../indexer/types.ts';
import { createWorkerDeps, type WorkerDeps } from '../../workers/index.ts';
import { deletePrefix, testRedis, uniquePrefix } from './redis.ts';

export interface TestPipeline {
  deps: WorkerDeps;
  index: SearchIndex;
  close(): Promise<void>;
}

/** `env`: settings beyond the test's own prefix and data directory (as the environment would give them). */
export async function startTestPipeline(label: string, env: EnvInput = {}): Promise<TestPipeline> {
  const prefix = uniquePrefix(label);
  const dataDir = mkdtempSync(join(tmpdir(), `vigie-${label}-`));
  const redis = testRedis();
  const settings = loadSettings({ ...env, VIGIE_REDIS_PREFIX: prefix }, { dataDir });
  const index = createIndex({ dataDir });
  await index.init();
  const evidence = await openEvidenceWriter(settings);
  const deps = createWorkerDeps({ settings, logger: pino({ level: 'silent' }), redis, index, rules: loadRuleSet(settings.rulesDir), evidence });
  return {
    deps,
    index,
    close: async () => {
      await deps.close();
      await evidence.store.close();
      await index.close();
      await deletePrefix(redis, prefix);
      await redis.quit();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

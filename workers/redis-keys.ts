// Every Redis key Vigie owns (BullMQ owns its own under the same prefix). Per-run keys share the
// hash tag `{runId}` so the Lua scripts touching them stay valid on Redis Cluster.
export interface RedisKeys {
  run(runId: string): string;
  runTarget(runId: string): string;
  runSeen(runId: string): string;
  runDone(runId: string): string;
  runLatencies(runId: string): string;
  runs(): string;
  targets(): string;
  hostLeases(host: string): string;
  hostNextAt(host: string): string;
  robots(origin: string): string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    run: (runId) => `${prefix}:run:{${runId}}`,
    runTarget: (runId) => `${prefix}:run:{${runId}}:target`,
    runSeen: (runId) => `${prefix}:run:{${runId}}:seen`,
    runDone: (runId) => `${prefix}:run:{${runId}}:done`,
    runLatencies: (runId) => `${prefix}:run:{${runId}}:latency-ms`,
    runs: () => `${prefix}:run-index`,
    targets: () => `${prefix}:targets`,
    hostLeases: (host) => `${prefix}:host:{${host}}:leases`,
    hostNextAt: (host) => `${prefix}:host:{${host}}:next-at`,
    robots: (origin) => `${prefix}:robots:${origin}`,
  };
}

/** How long per-run bookkeeping stays in Redis after the run was created. */
export const RUN_TTL_SECS = 7 * 24 * 3600;

// Every Redis key Vigie owns (BullMQ owns its own under the same prefix). Per-run keys share the
// hash tag `{runId}` so the Lua scripts touching them stay valid on Redis Cluster.
import type { HashKind } from '../extractors/hashes/hash-kinds.ts';

export interface RedisKeys {
  run(runId: string): string;
  runTarget(runId: string): string;
  runSeen(runId: string): string;
  runDone(runId: string): string;
  /** Per run: host → URLs claimed (the per-host page cap). */
  runHostPages(runId: string): string;
  /** Per run: URL without its query → distinct query strings claimed (the query-variant cap). */
  runQueryVariants(runId: string): string;
  runLatencies(runId: string): string;
  runs(): string;
  targets(): string;
  hostLeases(host: string): string;
  hostNextAt(host: string): string;
  robots(origin: string): string;
  /** Per target: normalised URL → the version held (validators, content hash, evidence). */
  recrawl(targetId: string): string;
  /** The near-duplicate index: fingerprints whose 16-bit band `band` (0-3) equals `value` (4 hex digits). */
  nearDuplicateBand(band: number, value: string): string;
  /** The imported hash lists: list name → its info (JSON). */
  hashLists(): string;
  /** One hash list's entries of one kind: hash → the line's category/source/comment. */
  hashListEntries(name: string, kind: HashKind): string;
  /** One hash list's counts per kind, and its pHash version. */
  hashListCounts(name: string): string;
  /** Failed sign-ins of one account or one client address, counted over the rate-limit window. */
  signInFailures(kind: 'user' | 'ip', who: string): string;
  /** Investigators' saved searches: id → the search (JSON). */
  savedSearches(): string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    run: (runId) => `${prefix}:run:{${runId}}`,
    runTarget: (runId) => `${prefix}:run:{${runId}}:target`,
    runSeen: (runId) => `${prefix}:run:{${runId}}:seen`,
    runDone: (runId) => `${prefix}:run:{${runId}}:done`,
    runHostPages: (runId) => `${prefix}:run:{${runId}}:host-pages`,
    runQueryVariants: (runId) => `${prefix}:run:{${runId}}:query-variants`,
    runLatencies: (runId) => `${prefix}:run:{${runId}}:latency-ms`,
    runs: () => `${prefix}:run-index`,
    targets: () => `${prefix}:targets`,
    hostLeases: (host) => `${prefix}:host:{${host}}:leases`,
    hostNextAt: (host) => `${prefix}:host:{${host}}:next-at`,
    robots: (origin) => `${prefix}:robots:${origin}`,
    recrawl: (targetId) => `${prefix}:target:{${targetId}}:versions`,
    // One hash tag for the whole index: its Lua script reads four bands at once (one slot on a Cluster).
    nearDuplicateBand: (band, value) => `${prefix}:near-dup:{bands}:${band}:${value}`,
    hashLists: () => `${prefix}:hash-lists`,
    // One hash tag per list: its keys stay in one slot on a Redis Cluster.
    hashListEntries: (name, kind) => `${prefix}:hash-list:{${name}}:${kind}`,
    hashListCounts: (name) => `${prefix}:hash-list:{${name}}:counts`,
    signInFailures: (kind, who) => `${prefix}:desk:sign-in-failures:${kind}:${who}`,
    savedSearches: () => `${prefix}:saved-searches`,
  };
}

/** How long per-run bookkeeping stays in Redis after the run was created. */
export const RUN_TTL_SECS = 7 * 24 * 3600;

// Everything the desk's routes work with, built once by the server's caller and passed to every
// route file. The pipeline's clients are shared with the workers of the same process.
import type { WorkerDeps } from '../../workers/index.ts';
import type { DeskStore } from '../desk/types.ts';
import type { RouteDoc } from './route.ts';

export interface SessionPolicy {
  /** A session unused this long is over. */
  idleMs: number;
  /** A session this old is over, however busy. */
  maxAgeMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 30 * 60_000, maxAgeMs: 12 * 3600_000 };

export interface DeskContext {
  pipeline: WorkerDeps;
  desk: DeskStore;
  clock: () => Date;
  sessions: SessionPolicy;
  /** The targets YAML that `vigie start --targets` follows: the desk's target edits are written back to it. */
  targetsFile?: string;
  /** Every API route declared with defineRoute, for the OpenAPI document. */
  api: RouteDoc[];
}

// Everything the desk's routes work with, built once by the server's caller and passed to every
// route file. The pipeline's clients are shared with the workers of the same process.
import type { WorkerDeps } from '../../workers/index.ts';
import type { DeskStore } from '../desk/types.ts';
import { loadReferralServices, type ReferralServices } from '../referrals/services.ts';
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
  /** The services alerts are referred to, read once at start (referrals and statistics use them). */
  referralServices: ReferralServices;
}

/**
 * The context of one desk server: defaults filled in, the referral services file read (a bad file
 * stops the start with every problem listed).
 */
export function createDeskContext(parts: {
  pipeline: WorkerDeps;
  desk: DeskStore;
  clock?: () => Date;
  sessions?: SessionPolicy;
  targetsFile?: string;
}): DeskContext {
  return {
    pipeline: parts.pipeline,
    desk: parts.desk,
    clock: parts.clock ?? parts.pipeline.clock,
    sessions: parts.sessions ?? DEFAULT_SESSION_POLICY,
    targetsFile: parts.targetsFile,
    api: [],
    referralServices: loadReferralServices(parts.pipeline.settings.referralServicesFile),
  };
}

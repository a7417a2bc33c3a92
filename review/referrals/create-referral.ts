// Referring an alert, end to end: the package is built and stored in the evidence store first;
// only then is anything recorded (the referral, the alert's 'referred' decision). A package that
// cannot be built or stored leaves no trace but the error (ReferralUnavailableError). The server
// builds packages one at a time (oneAtATime): each prints its report in its own Chromium.
import { randomUUID } from 'node:crypto';
import { VigieError, RetryableError } from '../../config/errors.ts';
import { sha256Hex, type EvidenceWriter } from '../../crawler/evidence/index.ts';
import { MAX_COMMENT_CHARS } from '../../indexer/decisions.ts';
import type { Alert, SearchIndex } from '../../indexer/types.ts';
import { decideAlerts } from '../decisions.ts';
import type { DeskStore, ReferralRecord } from '../desk/types.ts';
import { buildReferralPackage } from './build-package.ts';
import type { ReferralService } from './services.ts';

export interface CreateReferralDeps {
  index: SearchIndex;
  desk: DeskStore;
  evidence: EvidenceWriter;
  /** Rule priors, for the recalibration the 'referred' decision triggers (review/decisions.ts). */
  priors: ReadonlyMap<string, number>;
  clock: () => Date;
  chromiumPath: string;
  /** Builds one package at a time (oneAtATime()); absent: no limit. */
  serialize?: Serializer;
}

export interface ReferralRequest {
  alert: Alert;
  service: ReferralService;
  qualification: string;
  comment?: string;
  analyst: string;
}

/** The package could not be built or stored; nothing was recorded. */
export class ReferralUnavailableError extends RetryableError {}

export const PACKAGE_MEDIA_TYPE = 'application/zip';

export type Serializer = <T>(work: () => Promise<T>) => Promise<T>;

/** Runs the works it is given one after another: the server makes one for its package builds. */
export function oneAtATime(): Serializer {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>) => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };
}

export async function createReferral(deps: CreateReferralDeps, request: ReferralRequest): Promise<ReferralRecord> {
  const { alert, service, analyst } = request;
  const referralId = randomUUID();
  const createdAt = deps.clock().toISOString();
  let stored: { sha256: string; bytes: number };
  try {
    const serialize: Serializer = deps.serialize ?? ((work) => work());
    stored = await serialize(async () => {
      const page = await deps.index.getPage(alert.pageId);
      const [history, comments] = await Promise.all([deps.index.alertHistory(alert.id), deps.desk.listComments(alert.id)]);
      const pkg = await buildReferralPackage({
        referralId,
        alert,
        pages: page ? [page] : [],
        history,
        comments,
        service,
        qualification: request.qualification,
        ...(request.comment ? { comment: request.comment } : {}),
        analyst,
        createdAt,
        evidence: deps.evidence.store,
        key: deps.evidence.key,
        vigieVersion: deps.evidence.vigieVersion,
        chromiumPath: deps.chromiumPath,
      });
      const put = await deps.evidence.store.putArtifact(pkg.zip, PACKAGE_MEDIA_TYPE);
      if (put.sha256 !== pkg.sha256) throw new RetryableError('referral-store-mismatch', 'the evidence store filed the package under another hash');
      return { sha256: pkg.sha256, bytes: pkg.zip.length };
    });
  } catch (err) {
    const code = err instanceof VigieError ? err.code : 'referral-build-failed';
    throw new ReferralUnavailableError(code, `the referral package could not be built (${code}): ${(err as Error).message}`, { cause: err });
  }

  const referral = await deps.desk.createReferral({
    id: referralId,
    alertId: alert.id,
    service: service.id,
    qualification: request.qualification,
    ...(request.comment ? { comment: request.comment } : {}),
    createdBy: analyst,
    createdAt,
    status: 'prepared',
    statusAt: createdAt,
    packageSha256: stored.sha256,
    packageBytes: stored.bytes,
  });
  await decideAlerts({ index: deps.index, priors: deps.priors, clock: deps.clock }, [alert.id], {
    status: 'referred',
    comment: decisionComment(service, referralId, request.qualification),
    actor: analyst,
    at: createdAt,
  });
  return referral;
}

/** The decision names where the alert went and under which qualification (cut to the comment limit). */
function decisionComment(service: ReferralService, referralId: string, qualification: string): string {
  const text = `Signalé à ${service.label.fr} (signalement ${referralId}). Qualification : ${qualification}`;
  return text.length <= MAX_COMMENT_CHARS ? text : `${text.slice(0, MAX_COMMENT_CHARS - 1)}…`;
}

/** Reads a stored package back, checking it is still the bytes recorded. */
export async function readStoredPackage(evidence: EvidenceWriter, referral: ReferralRecord): Promise<Buffer | null> {
  const bytes = await evidence.store.getArtifact(referral.packageSha256);
  if (bytes === null) return null;
  if (sha256Hex(bytes) !== referral.packageSha256) throw new RetryableError('referral-package-corrupt', `stored package of referral ${referral.id} does not hash to ${referral.packageSha256}`);
  return bytes;
}

// The state of one page's evidence, for the analyst to trust (or not) what the desk shows: the
// manifest's hash, its signature and signer, every artifact re-hashed, and the WARC record it
// names. The checks are `vigie evidence verify`'s own (crawler/evidence verifyEvidence), run over a
// view of the store that lists this one manifest.
import { join } from 'node:path';
import {
  loadTrustedKeys,
  parseSignedManifest,
  verifyEvidence,
  type ArtifactStore,
  type StoredManifestBytes,
  type VerifyFailure,
} from '../../crawler/evidence/index.ts';
import type { PageDocument } from '../../indexer/types.ts';

export type SignatureStatus = 'ok' | 'key-unknown' | 'bad' | 'unchecked';
export type ArtifactStatus = 'ok' | 'missing' | 'hash-mismatch' | 'size-mismatch' | 'unchecked';

export interface PageEvidenceStatus {
  pageId: string;
  manifestSha256: string | null;
  manifest: { status: 'ok' | 'missing' | 'corrupt'; message?: string; fetchedAt?: string; completedAt?: string; vigieVersion?: string; previousManifest?: string };
  signature: { status: SignatureStatus; keyId?: string; message?: string };
  artifacts: { role: string; sha256: string; bytes: number; mediaType: string; status: ArtifactStatus; message?: string }[];
  warc: { file: string; recordId: string; offset?: number; length?: number; status: 'ok' | 'missing' | 'mismatch'; message?: string } | null;
  /** Every check passed. */
  verified: boolean;
  /** Every failed check, as `vigie evidence verify` reports it. */
  problems: { code: string; message: string; artifactRole?: string }[];
}

const ARTIFACT_STATUS: Readonly<Record<string, ArtifactStatus>> = {
  'artifact-missing': 'missing',
  'artifact-hash-mismatch': 'hash-mismatch',
  'artifact-size-mismatch': 'size-mismatch',
};

export async function pageEvidenceStatus(store: ArtifactStore, dataDir: string, page: PageDocument): Promise<PageEvidenceStatus> {
  const ref = page.evidence;
  const unchecked = (ref?.artifacts ?? []).map((a) => ({ ...pick(a), status: 'unchecked' as const }));
  if (!ref) {
    return { pageId: page.id, manifestSha256: null, manifest: { status: 'missing', message: 'no evidence was stored for this page' }, signature: { status: 'unchecked' }, artifacts: [], warc: null, verified: false, problems: [] };
  }
  const bytes = await store.getManifest(ref.manifestSha256);
  if (bytes === null) {
    return {
      pageId: page.id,
      manifestSha256: ref.manifestSha256,
      manifest: { status: 'missing', message: `manifest ${ref.manifestSha256} is not in the evidence store` },
      signature: { status: 'unchecked' },
      artifacts: unchecked,
      warc: null,
      verified: false,
      problems: [{ code: 'manifest-missing', message: `manifest ${ref.manifestSha256} is not in the evidence store` }],
    };
  }
  const failures: VerifyFailure[] = [];
  await verifyEvidence(oneManifestStore(store, { sha256: ref.manifestSha256, bytes }), {
    trustedKeys: await loadTrustedKeys(dataDir),
    warcDir: join(dataDir, 'warc'),
    onFailure: (failure) => failures.push(failure),
    maxFailuresKept: 0,
  });
  const problem = (...codes: string[]) => failures.find((f) => codes.includes(f.problem.code) && !f.artifact)?.problem;
  const parsed = parseSignedManifest(bytes);
  const corrupt = problem('manifest-hash-mismatch', 'manifest-unreadable', 'manifest-invalid', 'manifest-not-canonical');
  const status: PageEvidenceStatus = {
    pageId: page.id,
    manifestSha256: ref.manifestSha256,
    manifest: corrupt ? { status: 'corrupt', message: corrupt.message } : { status: 'ok' },
    signature: { status: 'unchecked' },
    artifacts: unchecked,
    warc: null,
    verified: failures.length === 0,
    problems: failures.map((f) => ({ code: f.problem.code, message: f.problem.message, ...(f.artifact ? { artifactRole: f.artifact.role } : {}) })),
  };
  if (!parsed.ok) return status;
  const { manifest, signature } = parsed.signed;
  Object.assign(status.manifest, { fetchedAt: manifest.fetchedAt, completedAt: manifest.completedAt, vigieVersion: manifest.vigie.version, ...(manifest.previousManifest ? { previousManifest: manifest.previousManifest } : {}) });
  const bad = problem('signature-invalid', 'key-id-mismatch');
  const unknown = problem('key-untrusted');
  status.signature = bad
    ? { status: 'bad', keyId: signature.keyId, message: bad.message }
    : unknown
      ? { status: 'key-unknown', keyId: signature.keyId, message: unknown.message }
      : { status: 'ok', keyId: signature.keyId };
  status.artifacts = manifest.artifacts.map((artifact) => {
    const failure = failures.find((f) => f.artifact?.sha256 === artifact.sha256 && f.artifact.role === artifact.role);
    return failure
      ? { ...pick(artifact), status: ARTIFACT_STATUS[failure.problem.code] ?? 'missing', message: failure.problem.message }
      : { ...pick(artifact), status: 'ok' as const };
  });
  if (manifest.warc) {
    const warcProblem = problem('warc-missing', 'warc-record-mismatch');
    status.warc = {
      ...manifest.warc,
      status: warcProblem === undefined ? 'ok' : warcProblem.code === 'warc-missing' ? 'missing' : 'mismatch',
      ...(warcProblem ? { message: warcProblem.message } : {}),
    };
  }
  return status;
}

function pick(artifact: { role: string; sha256: string; bytes: number; mediaType: string }) {
  return { role: artifact.role, sha256: artifact.sha256, bytes: artifact.bytes, mediaType: artifact.mediaType };
}

/** The store as verifyEvidence sees it: everything delegated, but only this manifest listed. */
function oneManifestStore(store: ArtifactStore, manifest: StoredManifestBytes): ArtifactStore {
  return {
    putArtifact: (bytes, mediaType) => store.putArtifact(bytes, mediaType),
    getArtifact: (sha256) => store.getArtifact(sha256),
    putManifest: (signed) => store.putManifest(signed),
    getManifest: (sha256) => store.getManifest(sha256),
    listManifests: async function* () {
      yield manifest;
    },
    describe: () => store.describe(),
    // The caller's store stays open.
    close: async () => {},
  };
}

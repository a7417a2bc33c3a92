// Re-checks stored evidence: every manifest's own hash, that it is stored exactly as signed, its
// signature and signer, the SHA-256 of every artifact it names and, given the WARC directory, the
// WARC record it names. Streams: one manifest and one artifact in memory at a time.
import { sha256Hex, type ArtifactStore } from './artifact-store.ts';
import { checkWarcReference, type WarcFileCache } from './check-warc-reference.ts';
import { checkManifestSignature, parseSignedManifest, type ManifestArtifact } from './manifest.ts';
import type { TrustedKey } from './public-keys.ts';

export type VerifyProblemCode =
  | 'manifest-hash-mismatch'
  | 'manifest-unreadable'
  | 'manifest-invalid'
  | 'manifest-not-canonical'
  | 'signature-invalid'
  | 'key-id-mismatch'
  | 'key-untrusted'
  | 'key-not-expected'
  | 'artifact-missing'
  | 'artifact-hash-mismatch'
  | 'artifact-size-mismatch'
  | 'previous-manifest-missing'
  | 'warc-missing'
  | 'warc-record-mismatch';

export interface VerifyFailure {
  /** The manifest's id (its file name / key). */
  manifest: string;
  url: string | null;
  artifact?: { role: string; sha256: string };
  problem: { code: VerifyProblemCode; message: string };
}

export interface VerifyReport {
  manifests: number;
  /** Artifact references checked (an artifact shared by two manifests counts twice). */
  artifacts: number;
  failureCount: number;
  /** The first `maxFailuresKept` failures; `onFailure` sees every one. */
  failures: VerifyFailure[];
}

export interface VerifyOptions {
  trustedKeys: readonly TrustedKey[];
  /**
   * When given (non-empty), only signatures by these key ids are accepted, trusted or not. The
   * trusted keys are read from the data directory, which whoever can alter the evidence can also
   * write a key into; an id pinned from elsewhere (the auditor's notes) is what guards against that.
   */
  expectedKeyIds?: readonly string[];
  /** The WARC directory (`<dataDir>/warc`) to check `warc` references against; omitted: not checked. */
  warcDir?: string;
  /** Called for each failure as it is found (to print while verification goes on). */
  onFailure?: (failure: VerifyFailure) => void;
  maxFailuresKept?: number;
}

// Artifacts are shared between captures of unchanged pages; remembering recent verdicts avoids
// re-reading them, and the bound keeps memory flat on a large store.
const VERDICT_CACHE_ENTRIES = 50_000;

export async function verifyEvidence(store: ArtifactStore, options: VerifyOptions): Promise<VerifyReport> {
  const report: VerifyReport = { manifests: 0, artifacts: 0, failureCount: 0, failures: [] };
  const maxKept = options.maxFailuresKept ?? 10_000;
  const trusted = new Map(options.trustedKeys.map((key) => [key.keyId, key]));
  const expected = options.expectedKeyIds?.length ? new Set(options.expectedKeyIds) : null;
  const verdicts = new Map<string, ArtifactProblem | null>();
  const warcFiles: WarcFileCache = new Map();

  for await (const stored of store.listManifests()) {
    report.manifests += 1;
    let url: string | null = null;
    const fail = (problem: VerifyFailure['problem'], artifact?: VerifyFailure['artifact']) => {
      const failure: VerifyFailure = { manifest: stored.sha256, url, ...(artifact ? { artifact } : {}), problem };
      report.failureCount += 1;
      if (report.failures.length < maxKept) report.failures.push(failure);
      options.onFailure?.(failure);
    };

    const actual = sha256Hex(stored.bytes);
    const parsed = parseSignedManifest(stored.bytes);
    url = parsed.ok ? parsed.signed.manifest.url : (parsed.url ?? null);
    if (actual !== stored.sha256) fail({ code: 'manifest-hash-mismatch', message: `manifest bytes hash to ${actual}` });
    if (!parsed.ok) {
      fail({ code: parsed.code, message: parsed.message });
      continue;
    }
    const { signed, rawManifest } = parsed;
    const signatureProblem = checkManifestSignature(signed, rawManifest);
    if (signatureProblem) fail(signatureProblem);
    const signer = trusted.get(signed.signature.keyId);
    if (!signer || !signer.publicKeyRaw.equals(Buffer.from(signed.signature.publicKey, 'base64'))) {
      fail({ code: 'key-untrusted', message: `signed by key ${signed.signature.keyId}, which is not the instance key nor a trusted one` });
    }
    if (expected && !expected.has(signed.signature.keyId)) {
      fail({ code: 'key-not-expected', message: `signed by key ${signed.signature.keyId}, not one of the expected ${[...expected].join(', ')}` });
    }

    for (const artifact of signed.manifest.artifacts) {
      report.artifacts += 1;
      const problem = await checkArtifact(store, artifact, verdicts);
      if (problem) fail(problem, { role: artifact.role, sha256: artifact.sha256 });
    }
    const previous = signed.manifest.previousManifest;
    if (previous && (await store.getManifest(previous)) === null) {
      fail({ code: 'previous-manifest-missing', message: `earlier manifest ${previous} is not in the store` });
    }
    const warc = signed.manifest.warc;
    if (warc && options.warcDir !== undefined) {
      const problem = await checkWarcReference(options.warcDir, warc, warcFiles).catch((err: unknown) => ({
        code: 'warc-missing' as const,
        message: `${warc.file} cannot be checked: ${(err as Error).message}`,
      }));
      if (problem) fail(problem);
    }
  }
  return report;
}

type ArtifactProblem = { code: 'artifact-missing' | 'artifact-hash-mismatch' | 'artifact-size-mismatch'; message: string };

async function checkArtifact(store: ArtifactStore, artifact: ManifestArtifact, verdicts: Map<string, ArtifactProblem | null>): Promise<ArtifactProblem | null> {
  const cacheKey = `${artifact.sha256}:${artifact.bytes}`;
  const cached = verdicts.get(cacheKey);
  if (cached !== undefined) return cached;
  const bytes = await store.getArtifact(artifact.sha256);
  let verdict: ArtifactProblem | null = null;
  if (bytes === null) {
    verdict = { code: 'artifact-missing', message: 'not in the store' };
  } else {
    const actual = sha256Hex(bytes);
    if (actual !== artifact.sha256) verdict = { code: 'artifact-hash-mismatch', message: `stored bytes (${bytes.length}) hash to ${actual}` };
    else if (bytes.length !== artifact.bytes) verdict = { code: 'artifact-size-mismatch', message: `manifest says ${artifact.bytes} bytes, stored ${bytes.length}` };
  }
  if (verdicts.size >= VERDICT_CACHE_ENTRIES) verdicts.clear();
  verdicts.set(cacheKey, verdict);
  return verdict;
}

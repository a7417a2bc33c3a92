// From what the fetcher and renderer captured to stored evidence: every artifact put once under
// its SHA-256, then the manifest naming them built, signed and stored. The page document keeps
// the returned manifest hash and artifact list.
import { NonRetryableError } from '../../config/errors.ts';
import type { TlsSummary } from '../tls-summary.ts';
import { sha256Hex, type ArtifactStore } from './artifact-store.ts';
import type { InstanceKey } from './instance-key.ts';
import {
  MANIFEST_VERSION,
  evidenceManifestSchema,
  signManifest,
  type ArtifactRole,
  type EvidenceManifest,
  type ManifestArtifact,
  type SignedManifest,
  type WarcReference,
} from './manifest.ts';

/** What a signer needs: where evidence goes, the key, and the version manifests name. */
export interface EvidenceWriter {
  store: ArtifactStore;
  key: InstanceKey;
  vigieVersion: string;
}

export interface CapturedArtifact {
  role: ArtifactRole;
  bytes: Uint8Array;
  mediaType: string;
}

export interface EvidenceInput {
  pageId: string;
  url: string;
  finalUrl: string;
  redirects: readonly string[];
  targetId: string;
  runId: string;
  fetchedAt: string | Date;
  completedAt: string | Date;
  httpStatus: number;
  remoteAddress: string | null;
  tls: TlsSummary | null;
  rendered: boolean;
  contentHash: string;
  artifacts: readonly CapturedArtifact[];
  /** The capture's response record: file relative to `<dataDir>/warc`, id, and (when known) its gzip member's offset and length. */
  warc?: WarcReference;
  previousManifest?: string;
}

export interface StoredEvidence {
  /** The signed manifest's id: SHA-256 of its stored bytes. */
  manifestSha256: string;
  artifacts: ManifestArtifact[];
  signed: SignedManifest;
}

export async function buildAndStoreEvidence(input: EvidenceInput, writer: EvidenceWriter): Promise<StoredEvidence> {
  const artifacts = input.artifacts.map((artifact) => ({
    role: artifact.role,
    sha256: sha256Hex(artifact.bytes),
    bytes: artifact.bytes.length,
    mediaType: artifact.mediaType,
  }));
  const manifest: EvidenceManifest = {
    manifestVersion: MANIFEST_VERSION,
    pageId: input.pageId,
    url: input.url,
    finalUrl: input.finalUrl,
    redirects: [...input.redirects],
    targetId: input.targetId,
    runId: input.runId,
    fetchedAt: utcIso(input.fetchedAt),
    completedAt: utcIso(input.completedAt),
    httpStatus: input.httpStatus,
    remoteAddress: input.remoteAddress,
    tls: input.tls ? { ...input.tls } : null,
    rendered: input.rendered,
    contentHash: input.contentHash,
    artifacts,
    ...(input.warc ? { warc: warcReference(input.warc) } : {}),
    vigie: { version: writer.vigieVersion, instanceKeyId: writer.key.keyId },
    ...(input.previousManifest ? { previousManifest: input.previousManifest } : {}),
  };
  // Checked before anything is stored, so a bad capture leaves no orphans behind.
  const checked = evidenceManifestSchema.safeParse(manifest);
  if (!checked.success) {
    const problems = checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new NonRetryableError('evidence-invalid', `evidence manifest for ${input.url} is invalid: ${problems}`, { cause: checked.error });
  }
  // Sequential: a page has a handful of artifacts, and a screenshot is large enough on its own.
  for (const [index, artifact] of input.artifacts.entries()) {
    const stored = await writer.store.putArtifact(artifact.bytes, artifact.mediaType);
    // Only if the caller changed the buffer meanwhile: the manifest would name bytes not stored.
    if (stored.sha256 !== artifacts[index]?.sha256) throw new NonRetryableError('evidence-changed', `artifact ${artifact.role} of ${input.url} changed while being stored`);
  }
  const signed = signManifest(manifest, writer.key);
  const manifestSha256 = await writer.store.putManifest(signed);
  return { manifestSha256, artifacts, signed };
}

/** Only the members the manifest defines, offset and length only when given. */
function warcReference(ref: WarcReference): WarcReference {
  return {
    file: ref.file,
    recordId: ref.recordId,
    ...(ref.offset !== undefined ? { offset: ref.offset } : {}),
    ...(ref.length !== undefined ? { length: ref.length } : {}),
  };
}

function utcIso(value: string | Date): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new NonRetryableError('evidence-invalid', `evidence time is not a date: ${String(value)}`);
  return date.toISOString();
}

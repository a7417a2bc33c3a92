// Evidence: content-addressed artifacts, signed per-page manifests, and their verification.
export {
  artifactKey,
  manifestKey,
  sha256Hex,
  isSha256Hex,
  type ArtifactStore,
  type StoredArtifact,
  type StoredManifestBytes,
} from './artifact-store.ts';
export { buildAndStoreEvidence, type CapturedArtifact, type EvidenceInput, type EvidenceWriter, type StoredEvidence } from './build-evidence.ts';
export { canonicalJson, canonicalJsonBytes } from './canonical-json.ts';
export { FsArtifactStore, EVIDENCE_DIR } from './fs-artifact-store.ts';
export { loadOrCreateInstanceKey, readInstancePublicKey, instanceKeyPaths, type InstanceKey } from './instance-key.ts';
export {
  ARTIFACT_ROLES,
  MANIFEST_VERSION,
  checkManifestSignature,
  parseSignedManifest,
  serializeSignedManifest,
  signManifest,
  type ArtifactRole,
  type EvidenceManifest,
  type ManifestArtifact,
  type ManifestSignature,
  type SignedManifest,
  type WarcReference,
} from './manifest.ts';
export { loadTrustedKeys, openEvidenceStore, openEvidenceWriter, readVigieVersion, TRUSTED_KEYS_DIR, type EvidenceSettings } from './open-evidence.ts';
export { keyIdOf, readTrustedKeyFile, type TrustedKey } from './public-keys.ts';
// The S3 store is loaded on demand by openEvidenceStore (the AWS SDK is large); import it from
// './s3-artifact-store.ts' to construct one directly.
export type { S3ArtifactStoreOptions } from './s3-artifact-store.ts';
export { checkWarcReference, type WarcProblem } from './check-warc-reference.ts';
export { verifyEvidence, type VerifyFailure, type VerifyOptions, type VerifyProblemCode, type VerifyReport } from './verify-evidence.ts';

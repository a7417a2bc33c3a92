// The per-page evidence manifest: what was fetched, when, from which address, and the SHA-256 of
// every artifact captured, signed with the instance's Ed25519 key over its canonical JSON
// (RFC 8785). The signed manifest is stored as canonical JSON too, so its SHA-256 is its id.
import { verify } from 'node:crypto';
import { z } from 'zod';
import type { TlsSummary } from '../tls-summary.ts';
import { canonicalJsonBytes } from './canonical-json.ts';
import type { InstanceKey } from './instance-key.ts';
import { ED25519_PUBLIC_KEY_BYTES, ed25519PublicKeyFromRaw, keyIdOf } from './public-keys.ts';

export const MANIFEST_VERSION = 1;

/** Roles Vigie captures; manifests may carry other kebab-case roles (newer versions). */
export const ARTIFACT_ROLES = ['response-body', 'response-headers', 'request-headers', 'rendered-dom', 'screenshot', 'tls-certificate'] as const;
export type KnownArtifactRole = (typeof ARTIFACT_ROLES)[number];
export type ArtifactRole = KnownArtifactRole | (string & {});

export interface ManifestArtifact {
  role: ArtifactRole;
  sha256: string;
  bytes: number;
  mediaType: string;
}

export interface EvidenceManifest {
  manifestVersion: typeof MANIFEST_VERSION;
  pageId: string;
  url: string;
  finalUrl: string;
  /** The URLs redirected to, in order; the last one is finalUrl. */
  redirects: string[];
  targetId: string;
  runId: string;
  /** UTC ISO-8601: the request started / the capture (rendering included) ended. */
  fetchedAt: string;
  completedAt: string;
  httpStatus: number;
  remoteAddress: string | null;
  tls: TlsSummary | null;
  rendered: boolean;
  contentHash: string;
  artifacts: ManifestArtifact[];
  /** The WARC record holding the same exchange, when one was written. */
  warc?: WarcReference;
  vigie: { version: string; instanceKeyId: string };
  /** SHA-256 of the manifest of an earlier capture of the same URL. */
  previousManifest?: string;
}

/** Where the capture's final response record is, in the run's WARC files. */
export interface WarcReference {
  /** Relative to the WARC directory (`<dataDir>/warc`): `<targetId>/<runId>/<file>.warc.gz`. */
  file: string;
  /** The response record's WARC-Record-ID, `<urn:uuid:…>`. */
  recordId: string;
  /** Byte offset and compressed length of the record's gzip member (what a CDX index stores). */
  offset?: number;
  length?: number;
}

export interface ManifestSignature {
  algorithm: 'Ed25519';
  keyId: string;
  /** Raw 32-byte public key, base64. */
  publicKey: string;
  /** base64 */
  value: string;
}

export interface SignedManifest {
  manifest: EvidenceManifest;
  signature: ManifestSignature;
}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase SHA-256 hex digest');
const utcIso = z.iso.datetime({ offset: false });
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

const tlsSchema = z.object({
  protocol: z.string().nullable(),
  cipher: z.string().nullable(),
  subject: z.string(),
  issuer: z.string(),
  subjectAltName: z.string().nullable(),
  validFrom: z.string(),
  validTo: z.string(),
  serialNumber: z.string(),
  fingerprint256: z.string(),
  authorized: z.boolean(),
  authorizationError: z.string().nullable(),
});

export const manifestArtifactSchema = z.object({
  role: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a kebab-case role'),
  sha256: sha256Hex,
  bytes: z.number().int().min(0),
  mediaType: z.string().min(1).max(255),
});

// Unknown members pass: they are covered by the signature, which is checked over the manifest as
// stored, not over what this schema keeps.
export const evidenceManifestSchema = z.object({
  manifestVersion: z.literal(MANIFEST_VERSION),
  pageId: z.string().min(1),
  url: z.string().min(1),
  finalUrl: z.string().min(1),
  redirects: z.array(z.string()),
  targetId: z.string().min(1),
  runId: z.string().min(1),
  fetchedAt: utcIso,
  completedAt: utcIso,
  httpStatus: z.number().int().min(0).max(999),
  remoteAddress: z.string().nullable(),
  tls: tlsSchema.nullable(),
  rendered: z.boolean(),
  contentHash: z.string().min(1),
  artifacts: z.array(manifestArtifactSchema),
  warc: z
    .object({
      file: z.string().min(1),
      recordId: z.string().min(1),
      offset: z.number().int().min(0).optional(),
      length: z.number().int().min(1).optional(),
    })
    .optional(),
  vigie: z.object({ version: z.string().min(1), instanceKeyId: z.string().regex(/^[0-9a-f]{16}$/) }),
  previousManifest: sha256Hex.optional(),
});

// The envelope and the signature are strict: nothing the signature does not cover may ride along
// (an unsigned `annotation` beside the manifest would look like part of the evidence).
export const signedManifestSchema = z.strictObject({
  manifest: evidenceManifestSchema,
  signature: z.strictObject({
    algorithm: z.literal('Ed25519'),
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
    publicKey: base64,
    value: base64,
  }),
});

export function signManifest(manifest: EvidenceManifest, key: InstanceKey): SignedManifest {
  if (manifest.vigie.instanceKeyId !== key.keyId) throw new TypeError(`manifest names key ${manifest.vigie.instanceKeyId}, signing key is ${key.keyId}`);
  const value = key.sign(canonicalJsonBytes(manifest));
  return {
    manifest,
    signature: { algorithm: 'Ed25519', keyId: key.keyId, publicKey: key.publicKeyRaw.toString('base64'), value: value.toString('base64') },
  };
}

/** The bytes a signed manifest is stored as; their SHA-256 is the manifest's id. */
export function serializeSignedManifest(signed: SignedManifest): Buffer {
  return canonicalJsonBytes(signed);
}

export type ParsedManifest =
  | { ok: true; signed: SignedManifest; /** The `manifest` member exactly as stored, for the signature check. */ rawManifest: unknown }
  | {
      ok: false;
      code: 'manifest-unreadable' | 'manifest-invalid' | 'manifest-not-canonical';
      message: string;
      /** The page URL, when the manifest could be read that far (for reports). */
      url?: string;
    };

export function parseSignedManifest(bytes: Uint8Array): ParsedManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    return { ok: false, code: 'manifest-unreadable', message: `not UTF-8 JSON: ${(err as Error).message}` };
  }
  const parsed = signedManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    return { ok: false, code: 'manifest-invalid', message: issues.join('; ') };
  }
  const signed = parsed.data as SignedManifest;
  // Stored manifests are written as canonical JSON, so anything else was rewritten after signing.
  // Comparing bytes (not re-canonicalised values) is what catches a duplicate key, which JSON.parse
  // silently resolves to its last occurrence while another reader may take the first.
  if (!isCanonicalEncoding(raw, bytes)) {
    return { ok: false, code: 'manifest-not-canonical', message: 'stored bytes are not the canonical JSON of the manifest (reformatted, reordered or duplicate keys)', url: signed.manifest.url };
  }
  return { ok: true, signed, rawManifest: (raw as { manifest: unknown }).manifest };
}

function isCanonicalEncoding(value: unknown, bytes: Uint8Array): boolean {
  let canonical: Buffer;
  try {
    canonical = canonicalJsonBytes(value);
  } catch {
    return false; // e.g. a lone surrogate escaped in the stored JSON: no canonical form exists
  }
  return canonical.equals(bytes);
}

export type SignatureProblem = { code: 'key-id-mismatch' | 'signature-invalid'; message: string };

/**
 * Checks the signature against the public key the manifest carries and that key's id against the
 * manifest's. Whether that key is trusted is the caller's question.
 */
export function checkManifestSignature(signed: SignedManifest, rawManifest: unknown): SignatureProblem | null {
  const publicKeyRaw = Buffer.from(signed.signature.publicKey, 'base64');
  if (publicKeyRaw.length !== ED25519_PUBLIC_KEY_BYTES) return { code: 'signature-invalid', message: `public key is ${publicKeyRaw.length} bytes, not ${ED25519_PUBLIC_KEY_BYTES}` };
  const keyId = keyIdOf(publicKeyRaw);
  if (keyId !== signed.signature.keyId) return { code: 'key-id-mismatch', message: `signature names key ${signed.signature.keyId} but carries key ${keyId}` };
  if (signed.manifest.vigie.instanceKeyId !== keyId) return { code: 'key-id-mismatch', message: `manifest names key ${signed.manifest.vigie.instanceKeyId} but is signed by ${keyId}` };
  let valid: boolean;
  try {
    valid = verify(null, canonicalJsonBytes(rawManifest), ed25519PublicKeyFromRaw(publicKeyRaw), Buffer.from(signed.signature.value, 'base64'));
  } catch (err) {
    return { code: 'signature-invalid', message: `signature cannot be checked: ${(err as Error).message}` };
  }
  return valid ? null : { code: 'signature-invalid', message: `Ed25519 signature by ${keyId} does not match the manifest` };
}

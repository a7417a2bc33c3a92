// manifest.json of a referral package: the SHA-256 and size of every other file in the ZIP and
// what the package is (referral, alert, service, analyst, time), signed with the instance's
// Ed25519 key over its canonical JSON (RFC 8785). Same envelope and rules as the per-page
// evidence manifest (crawler/evidence/manifest.ts): `{manifest, signature}` stored as canonical
// JSON, so any byte changed after signing shows, a re-formatted file included.
import { verify } from 'node:crypto';
import { z } from 'zod';
import { canonicalJsonBytes, keyIdOf, type InstanceKey, type ManifestSignature } from '../../crawler/evidence/index.ts';
import { ED25519_PUBLIC_KEY_BYTES, ed25519PublicKeyFromRaw } from '../../crawler/evidence/public-keys.ts';

export const PACKAGE_MANIFEST_PATH = 'manifest.json';
export const PACKAGE_FORMAT = 'vigie-referral-package';
export const PACKAGE_VERSION = 1;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase SHA-256 hex digest');
const keyId = z.string().regex(/^[0-9a-f]{16}$/);
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

const packageFileSchema = z.strictObject({
  path: z.string().min(1).max(300),
  sha256: sha256Hex,
  bytes: z.number().int().min(0),
  mediaType: z.string().min(1).max(255),
});

const omittedSchema = z.strictObject({
  pageId: z.string().min(1),
  role: z.string().min(1),
  sha256: sha256Hex,
  bytes: z.number().int().min(0),
  mediaType: z.string().min(1).max(255),
  reason: z.string().min(1),
});

export const packageManifestSchema = z.strictObject({
  format: z.literal(PACKAGE_FORMAT),
  version: z.literal(PACKAGE_VERSION),
  referral: z.strictObject({
    id: z.string().min(1),
    alertId: z.string().min(1),
    category: z.string().min(1),
    service: z.strictObject({ id: z.string().min(1), label: z.string().min(1) }),
    qualification: z.string(),
    comment: z.string().optional(),
    analyst: z.string().min(1),
    createdAt: z.iso.datetime({ offset: false }),
  }),
  pages: z.array(z.strictObject({ pageId: z.string().min(1), url: z.string(), evidenceManifest: sha256Hex.nullable() })),
  files: z.array(packageFileSchema),
  omitted: z.array(omittedSchema),
  vigie: z.strictObject({ version: z.string().min(1), instanceKeyId: keyId }),
});

export type PackageManifest = z.infer<typeof packageManifestSchema>;
export type PackageFile = z.infer<typeof packageFileSchema>;

export interface SignedPackageManifest {
  manifest: PackageManifest;
  signature: ManifestSignature;
}

const signedSchema = z.strictObject({
  manifest: packageManifestSchema,
  signature: z.strictObject({ algorithm: z.literal('Ed25519'), keyId, publicKey: base64, value: base64 }),
});

/** The bytes of manifest.json: the signed envelope as canonical JSON. */
export function signPackageManifest(manifest: PackageManifest, key: InstanceKey): Buffer {
  if (manifest.vigie.instanceKeyId !== key.keyId) throw new TypeError(`package manifest names key ${manifest.vigie.instanceKeyId}, signing key is ${key.keyId}`);
  const value = key.sign(canonicalJsonBytes(manifest));
  const signed: SignedPackageManifest = {
    manifest,
    signature: { algorithm: 'Ed25519', keyId: key.keyId, publicKey: key.publicKeyRaw.toString('base64'), value: value.toString('base64') },
  };
  return canonicalJsonBytes(signed);
}

export type ManifestProblemCode = 'manifest-unreadable' | 'manifest-invalid' | 'manifest-not-canonical' | 'signature-invalid' | 'key-id-mismatch';

/** On a signature or encoding problem the manifest could still be read: `signed` is there to check the files against. */
export type ParsedPackageManifest =
  | { ok: true; signed: SignedPackageManifest }
  | { ok: false; code: ManifestProblemCode; message: string; signed?: SignedPackageManifest };

/** Parses manifest.json and checks its signature against the key it carries (trust is the caller's question). */
export function readPackageManifest(bytes: Uint8Array): ParsedPackageManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    return { ok: false, code: 'manifest-unreadable', message: `not UTF-8 JSON: ${(err as Error).message}` };
  }
  const parsed = signedSchema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, code: 'manifest-invalid', message: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
  }
  // Bytes, not values, are compared: a duplicate key (which JSON.parse resolves silently) shows.
  let canonical: Buffer | null = null;
  try {
    canonical = canonicalJsonBytes(raw);
  } catch {
    canonical = null;
  }
  const signed = parsed.data;
  if (!canonical?.equals(bytes)) return { ok: false, code: 'manifest-not-canonical', message: 'manifest.json is not the canonical JSON it was signed as (reformatted, reordered or duplicate keys)', signed };
  const publicKeyRaw = Buffer.from(signed.signature.publicKey, 'base64');
  if (publicKeyRaw.length !== ED25519_PUBLIC_KEY_BYTES) return { ok: false, code: 'signature-invalid', message: `public key is ${publicKeyRaw.length} bytes, not ${ED25519_PUBLIC_KEY_BYTES}`, signed };
  const carried = keyIdOf(publicKeyRaw);
  if (carried !== signed.signature.keyId || carried !== signed.manifest.vigie.instanceKeyId) {
    return { ok: false, code: 'key-id-mismatch', message: `signature names key ${signed.signature.keyId}, manifest ${signed.manifest.vigie.instanceKeyId}, carried key is ${carried}`, signed };
  }
  let valid = false;
  try {
    valid = verify(null, canonicalJsonBytes((raw as { manifest: unknown }).manifest), ed25519PublicKeyFromRaw(publicKeyRaw), Buffer.from(signed.signature.value, 'base64'));
  } catch (err) {
    return { ok: false, code: 'signature-invalid', message: `signature cannot be checked: ${(err as Error).message}`, signed };
  }
  return valid ? { ok: true, signed } : { ok: false, code: 'signature-invalid', message: `Ed25519 signature by ${carried} does not match manifest.json`, signed };
}

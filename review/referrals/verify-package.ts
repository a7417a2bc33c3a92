// verifyReferralPackage: what a receiving service (or `vigie referrals verify`) checks in a
// package, with nothing but the ZIP and the keys it trusts: manifest.json is canonical, signed,
// by a trusted key; every file it lists is there with its hash and size, and nothing else is;
// each page's evidence manifest is the one signed at capture (trusted key), and every evidence
// file is an artifact that manifest names, every artifact being either present or listed as
// omitted with why. Every problem is reported, not just the first.
import { checkManifestSignature, parseSignedManifest, sha256Hex, type TrustedKey } from '../../crawler/evidence/index.ts';
import { PACKAGE_MANIFEST_PATH, readPackageManifest, type ManifestProblemCode, type PackageManifest, type SignedPackageManifest } from './package-manifest.ts';
import { isSafeZipPath, readZip } from './package-zip.ts';

export type PackageProblemCode =
  | 'zip-unreadable'
  | 'unsafe-path'
  | 'file-duplicate'
  | 'manifest-missing'
  | ManifestProblemCode
  | 'key-untrusted'
  | 'file-missing'
  | 'file-extra'
  | 'file-hash-mismatch'
  | 'file-size-mismatch'
  | 'evidence-invalid'
  | 'evidence-key-untrusted'
  | 'evidence-mismatch';

export interface PackageProblem {
  code: PackageProblemCode;
  /** The file concerned, when there is one. */
  path?: string;
  message: string;
}

export interface PackageReport {
  ok: boolean;
  problems: PackageProblem[];
  /** The manifest as read (even when its signature fails), or null when unreadable. */
  manifest: PackageManifest | null;
  /** Key id that signed manifest.json, when readable. */
  signer: string | null;
  /** Files listed in the manifest. */
  files: number;
}

export function verifyReferralPackage(zipBytes: Uint8Array, trustedKeys: readonly TrustedKey[]): PackageReport {
  const problems: PackageProblem[] = [];
  const report = (manifest: PackageManifest | null, signer: string | null): PackageReport => ({ ok: problems.length === 0, problems, manifest, signer, files: manifest?.files.length ?? 0 });

  let zip: ReturnType<typeof readZip>;
  try {
    zip = readZip(zipBytes);
  } catch (err) {
    problems.push({ code: 'zip-unreadable', message: `not a readable ZIP archive: ${(err as Error).message}` });
    return report(null, null);
  }
  const seen = new Set<string>();
  for (const name of zip.names) {
    if (!isSafeZipPath(name)) problems.push({ code: 'unsafe-path', path: name, message: 'entry name is absolute, climbs out (..) or holds control characters' });
    if (seen.has(name)) problems.push({ code: 'file-duplicate', path: name, message: 'the archive holds this name more than once' });
    seen.add(name);
  }
  const manifestBytes = zip.files.get(PACKAGE_MANIFEST_PATH);
  if (!manifestBytes) {
    problems.push({ code: 'manifest-missing', path: PACKAGE_MANIFEST_PATH, message: 'the package has no manifest.json' });
    return report(null, null);
  }
  const parsed = readPackageManifest(manifestBytes);
  if (!parsed.ok) problems.push({ code: parsed.code, path: PACKAGE_MANIFEST_PATH, message: parsed.message });
  const signed = parsed.signed;
  if (!signed) return report(null, null);

  if (!isTrusted(trustedKeys, signed.signature.keyId, signed.signature.publicKey)) {
    problems.push({ code: 'key-untrusted', path: PACKAGE_MANIFEST_PATH, message: `signed by key ${signed.signature.keyId}, which is not a trusted key` });
  }
  checkFiles(signed, zip.files, problems);
  checkEvidence(signed.manifest, zip.files, trustedKeys, problems);
  return report(signed.manifest, signed.signature.keyId);
}

function isTrusted(keys: readonly TrustedKey[], keyId: string, publicKeyBase64: string): boolean {
  const key = keys.find((k) => k.keyId === keyId);
  return key !== undefined && key.publicKeyRaw.equals(Buffer.from(publicKeyBase64, 'base64'));
}

/** Every listed file present with its hash and size; nothing unlisted. */
function checkFiles(signed: SignedPackageManifest, files: Map<string, Uint8Array>, problems: PackageProblem[]): void {
  const listed = new Set<string>();
  for (const file of signed.manifest.files) {
    if (listed.has(file.path) || file.path === PACKAGE_MANIFEST_PATH) {
      problems.push({ code: 'manifest-invalid', path: file.path, message: 'manifest.json lists this file twice (or lists itself)' });
      continue;
    }
    listed.add(file.path);
    const content = files.get(file.path);
    if (!content) {
      problems.push({ code: 'file-missing', path: file.path, message: 'listed in manifest.json but not in the archive' });
      continue;
    }
    const actual = sha256Hex(content);
    if (actual !== file.sha256) problems.push({ code: 'file-hash-mismatch', path: file.path, message: `hashes to ${actual}, manifest.json says ${file.sha256}` });
    else if (content.length !== file.bytes) problems.push({ code: 'file-size-mismatch', path: file.path, message: `${content.length} bytes, manifest.json says ${file.bytes}` });
  }
  for (const name of files.keys()) {
    if (name !== PACKAGE_MANIFEST_PATH && !listed.has(name)) problems.push({ code: 'file-extra', path: name, message: 'in the archive but not listed in manifest.json' });
  }
}

function checkEvidence(manifest: PackageManifest, files: Map<string, Uint8Array>, trustedKeys: readonly TrustedKey[], problems: PackageProblem[]): void {
  for (const page of manifest.pages) {
    const dir = `evidence/${page.pageId}/`;
    const pageFiles = manifest.files.filter((file) => file.path.startsWith(dir) && file.path !== `${dir}manifest.json`);
    const omitted = manifest.omitted.filter((o) => o.pageId === page.pageId);
    if (page.evidenceManifest === null) {
      if (pageFiles.length > 0) problems.push({ code: 'evidence-mismatch', path: dir, message: 'evidence files for a page the manifest says has no evidence' });
      continue;
    }
    const path = `${dir}manifest.json`;
    const bytes = files.get(path);
    if (!bytes) {
      problems.push({ code: 'evidence-invalid', path, message: `the page's evidence manifest ${page.evidenceManifest} is not in the archive` });
      continue;
    }
    if (sha256Hex(bytes) !== page.evidenceManifest) problems.push({ code: 'evidence-invalid', path, message: `does not hash to ${page.evidenceManifest}, the evidence manifest named for the page` });
    const parsed = parseSignedManifest(bytes);
    if (!parsed.ok) {
      problems.push({ code: 'evidence-invalid', path, message: `${parsed.code}: ${parsed.message}` });
      continue;
    }
    const signatureProblem = checkManifestSignature(parsed.signed, parsed.rawManifest);
    if (signatureProblem) problems.push({ code: 'evidence-invalid', path, message: `${signatureProblem.code}: ${signatureProblem.message}` });
    if (!isTrusted(trustedKeys, parsed.signed.signature.keyId, parsed.signed.signature.publicKey)) {
      problems.push({ code: 'evidence-key-untrusted', path, message: `captured evidence signed by key ${parsed.signed.signature.keyId}, which is not a trusted key` });
    }
    if (parsed.signed.manifest.pageId !== page.pageId) problems.push({ code: 'evidence-mismatch', path, message: `evidence manifest is for page ${parsed.signed.manifest.pageId}` });
    const artifacts = parsed.signed.manifest.artifacts;
    for (const file of pageFiles) {
      if (!artifacts.some((a) => a.sha256 === file.sha256 && a.bytes === file.bytes)) {
        problems.push({ code: 'evidence-mismatch', path: file.path, message: 'not an artifact the page\'s signed evidence manifest names' });
      }
    }
    for (const artifact of artifacts) {
      const present = pageFiles.some((f) => f.sha256 === artifact.sha256) || omitted.some((o) => o.sha256 === artifact.sha256 && o.role === artifact.role);
      if (!present) problems.push({ code: 'evidence-mismatch', path: dir, message: `artifact ${artifact.role} ${artifact.sha256} is neither in the package nor listed as omitted` });
    }
  }
}

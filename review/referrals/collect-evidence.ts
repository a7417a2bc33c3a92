// The evidence of the pages a referral names, read back from the evidence store: each page's
// signed manifest exactly as stored and the artifacts it lists, every one re-hashed on the way
// (a package must never carry bytes other than those signed). Child-abuse pages keep no image:
// their screenshot and image artifacts are left out and listed as omitted, with why.
import { NonRetryableError } from '../../config/errors.ts';
import { parseSignedManifest, sha256Hex, type ArtifactStore, type SignedManifest } from '../../crawler/evidence/index.ts';
import type { Category } from '../../extractors/types.ts';
import type { PageDocument } from '../../indexer/types.ts';

export const WITHHELD_CATEGORY: Category = 'child-abuse';
export const CHILD_ABUSE_OMISSION = 'child-abuse: no screenshot or image is ever packaged';

export interface PackagedArtifact {
  role: string;
  sha256: string;
  bytes: number;
  mediaType: string;
  /** Path in the ZIP: `evidence/<pageId>/<role>.<ext>`. */
  path: string;
  content: Buffer;
}

export interface OmittedArtifact {
  pageId: string;
  role: string;
  sha256: string;
  bytes: number;
  mediaType: string;
  reason: string;
}

export interface PageEvidenceBundle {
  page: PageDocument;
  /** Null for a page indexed without evidence (the report says so). */
  manifest: { sha256: string; path: string; bytes: Buffer; signed: SignedManifest } | null;
  files: PackagedArtifact[];
  omitted: OmittedArtifact[];
}

const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;

export async function collectPageEvidence(store: ArtifactStore, pages: readonly PageDocument[], alertCategory: Category): Promise<PageEvidenceBundle[]> {
  const bundles: PageEvidenceBundle[] = [];
  for (const page of pages) {
    if (!SAFE_ID.test(page.id)) throw new NonRetryableError('referral-bad-page-id', `page id ${JSON.stringify(page.id.slice(0, 80))} cannot name a package folder`);
    if (bundles.some((b) => b.page.id === page.id)) continue;
    bundles.push(await collectOne(store, page, withholdsImages(alertCategory, page)));
  }
  return bundles;
}

/** Child-abuse policy: no image of a page referred as, or flagged as, child abuse. */
export function withholdsImages(alertCategory: Category, page: Pick<PageDocument, 'flags'>): boolean {
  return alertCategory === WITHHELD_CATEGORY || page.flags.some((flag) => flag.category === WITHHELD_CATEGORY);
}

async function collectOne(store: ArtifactStore, page: PageDocument, withholdImages: boolean): Promise<PageEvidenceBundle> {
  const ref = page.evidence;
  if (!ref) return { page, manifest: null, files: [], omitted: [] };
  const manifestBytes = await store.getManifest(ref.manifestSha256);
  if (manifestBytes === null) throw new NonRetryableError('referral-evidence-missing', `evidence manifest ${ref.manifestSha256} of page ${page.id} is not in ${store.describe()}`);
  if (sha256Hex(manifestBytes) !== ref.manifestSha256) throw new NonRetryableError('referral-evidence-corrupt', `evidence manifest ${ref.manifestSha256} of page ${page.id} does not hash to its name`);
  const parsed = parseSignedManifest(manifestBytes);
  if (!parsed.ok) throw new NonRetryableError('referral-evidence-corrupt', `evidence manifest ${ref.manifestSha256} of page ${page.id}: ${parsed.code}: ${parsed.message}`);
  const dir = `evidence/${page.id}`;
  const files: PackagedArtifact[] = [];
  const omitted: OmittedArtifact[] = [];
  const usedNames = new Set<string>(['manifest.json']);
  for (const artifact of parsed.signed.manifest.artifacts) {
    if (withholdImages && isImage(artifact.role, artifact.mediaType)) {
      omitted.push({ pageId: page.id, role: artifact.role, sha256: artifact.sha256, bytes: artifact.bytes, mediaType: artifact.mediaType, reason: CHILD_ABUSE_OMISSION });
      continue;
    }
    const content = await store.getArtifact(artifact.sha256);
    if (content === null) throw new NonRetryableError('referral-evidence-missing', `artifact ${artifact.role} ${artifact.sha256} of page ${page.id} is not in ${store.describe()}`);
    if (sha256Hex(content) !== artifact.sha256 || content.length !== artifact.bytes) {
      throw new NonRetryableError('referral-evidence-corrupt', `artifact ${artifact.role} ${artifact.sha256} of page ${page.id} does not match its manifest`);
    }
    const name = uniqueName(`${artifact.role}.${extensionFor(artifact.mediaType)}`, usedNames);
    files.push({ role: artifact.role, sha256: artifact.sha256, bytes: artifact.bytes, mediaType: artifact.mediaType, path: `${dir}/${name}`, content });
  }
  return { page, manifest: { sha256: ref.manifestSha256, path: `${dir}/manifest.json`, bytes: manifestBytes, signed: parsed.signed }, files, omitted };
}

function isImage(role: string, mediaType: string): boolean {
  return role === 'screenshot' || /^\s*image\//i.test(mediaType);
}

// Captured markup and SVG end in .txt: a recipient who double-clicks one gets text, not the live
// page (scripts, trackers calling home). The bytes, and so the hashes, are unchanged.
const EXTENSIONS: Record<string, string> = {
  'text/html': 'html.txt',
  'application/xhtml+xml': 'xhtml.txt',
  'image/svg+xml': 'svg.txt',
  'application/xml': 'xml.txt',
  'text/xml': 'xml.txt',
  'application/json': 'json',
  'text/plain': 'txt',
  'text/csv': 'csv.txt',
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'application/pkix-cert': 'der',
  'application/x-pem-file': 'pem',
};

export function extensionFor(mediaType: string): string {
  const base = mediaType.split(';')[0]!.trim().toLowerCase();
  return EXTENSIONS[base] ?? 'bin';
}

function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  for (let n = 2; used.has(candidate); n++) candidate = name.replace(/^([^.]+)/, `$1-${n}`);
  used.add(candidate);
  return candidate;
}

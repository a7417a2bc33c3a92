// buildReferralPackage: one alert referred to one service, as a signed ZIP the service can check
// without Vigie's help: the pages' evidence exactly as signed at capture, a readable report (HTML
// and its PDF print), the MISP event and STIX bundle of the same facts, and manifest.json (hash
// and size of every other file, signed). Nothing is stored here; the caller puts the ZIP in the
// evidence store (store-package.ts).
import { sha256Hex, type ArtifactStore, type InstanceKey } from '../../crawler/evidence/index.ts';
import { NonRetryableError } from '../../config/errors.ts';
import type { Alert, AlertDecisionRecord, PageDocument } from '../../indexer/types.ts';
import type { CommentRecord } from '../desk/types.ts';
import { collectPageEvidence } from './collect-evidence.ts';
import { buildMispEvent } from './misp-event.ts';
import { collectObservables } from './observables.ts';
import { PACKAGE_FORMAT, PACKAGE_MANIFEST_PATH, PACKAGE_VERSION, signPackageManifest, type PackageFile, type PackageManifest } from './package-manifest.ts';
import { writeZip } from './package-zip.ts';
import type { ReferralFacts } from './referral-facts.ts';
import { renderReportHtml } from './report-html.ts';
import { renderReportPdf } from './report-pdf.ts';
import type { ReferralService } from './services.ts';
import { buildStixBundle } from './stix-bundle.ts';

export interface ReferralPackageInput {
  referralId: string;
  alert: Alert;
  /** The pages whose evidence goes in (usually the alert's page); their evidence is read from `evidence`. */
  pages: readonly PageDocument[];
  history: readonly AlertDecisionRecord[];
  comments: readonly CommentRecord[];
  service: ReferralService;
  qualification: string;
  comment?: string;
  analyst: string;
  createdAt: string | Date;
  evidence: ArtifactStore;
  key: InstanceKey;
  vigieVersion: string;
  /** Chromium prints report.pdf. */
  chromiumPath: string;
  pdfTimeoutMs?: number;
}

export interface ReferralPackage {
  zip: Buffer;
  sha256: string;
  manifest: PackageManifest;
}

export const REPORT_HTML = 'report.html';
export const REPORT_PDF = 'report.pdf';
export const MISP_EVENT = 'misp-event.json';
export const STIX_BUNDLE = 'stix-bundle.json';

interface Entry {
  path: string;
  content: Buffer;
  mediaType: string;
}

export async function buildReferralPackage(input: ReferralPackageInput): Promise<ReferralPackage> {
  const createdAt = utcIso(input.createdAt);
  const evidence = await collectPageEvidence(input.evidence, input.pages, input.alert.category);
  const facts: ReferralFacts = {
    referralId: input.referralId,
    alert: input.alert,
    pages: evidence.map((bundle) => bundle.page),
    evidence,
    history: input.history,
    comments: input.comments,
    service: input.service,
    qualification: input.qualification,
    ...(input.comment ? { comment: input.comment } : {}),
    analyst: input.analyst,
    createdAt,
    instance: { keyId: input.key.keyId, vigieVersion: input.vigieVersion },
  };
  const observables = collectObservables(facts);
  const html = renderReportHtml(facts);
  const pdf = await renderReportPdf(html, { chromiumPath: input.chromiumPath, timeoutMs: input.pdfTimeoutMs, footer: `Signalement ${input.referralId}` });

  const entries: Entry[] = [
    { path: REPORT_HTML, content: Buffer.from(html, 'utf8'), mediaType: 'text/html; charset=utf-8' },
    { path: REPORT_PDF, content: pdf, mediaType: 'application/pdf' },
    { path: MISP_EVENT, content: jsonFile(buildMispEvent(facts, observables)), mediaType: 'application/json' },
    { path: STIX_BUNDLE, content: jsonFile(buildStixBundle(facts, observables)), mediaType: 'application/json' },
  ];
  for (const bundle of evidence) {
    if (bundle.manifest) entries.push({ path: bundle.manifest.path, content: bundle.manifest.bytes, mediaType: 'application/json' });
    for (const file of bundle.files) entries.push({ path: file.path, content: file.content, mediaType: file.mediaType });
  }

  const files: PackageFile[] = entries.map((entry) => ({ path: entry.path, sha256: sha256Hex(entry.content), bytes: entry.content.length, mediaType: entry.mediaType }));
  const manifest: PackageManifest = {
    format: PACKAGE_FORMAT,
    version: PACKAGE_VERSION,
    referral: {
      id: input.referralId,
      alertId: input.alert.id,
      category: input.alert.category,
      service: { id: input.service.id, label: input.service.label.fr },
      qualification: input.qualification,
      ...(input.comment ? { comment: input.comment } : {}),
      analyst: input.analyst,
      createdAt,
    },
    pages: evidence.map((bundle) => ({ pageId: bundle.page.id, url: bundle.page.url, evidenceManifest: bundle.manifest?.sha256 ?? null })),
    files,
    omitted: evidence.flatMap((bundle) => bundle.omitted),
    vigie: { version: input.vigieVersion, instanceKeyId: input.key.keyId },
  };
  const manifestBytes = signPackageManifest(manifest, input.key);
  const zip = writeZip([{ path: PACKAGE_MANIFEST_PATH, content: manifestBytes }, ...entries], createdAt);
  return { zip, sha256: sha256Hex(zip), manifest };
}

function jsonFile(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
}

function utcIso(value: string | Date): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new NonRetryableError('referral-invalid', `referral time is not a date: ${String(value)}`);
  return date.toISOString();
}

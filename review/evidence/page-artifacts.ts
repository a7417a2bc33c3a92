// One page's stored artifacts read back for the desk: the capture to show (the rendered DOM when
// Chromium rendered the page, else the response body, decoded with the charset the crawler used)
// and the screenshot. Every artifact is re-hashed on the way: the desk never shows bytes other
// than those the signed manifest names.
import { NonRetryableError } from '../../config/errors.ts';
import { decodeBody } from '../../crawler/decode-body.ts';
import { sha256Hex, type ArtifactStore } from '../../crawler/evidence/index.ts';
import type { PageDocument, PageEvidenceRef } from '../../indexer/types.ts';
import { noticeDocument, plainTextDocument, sanitizeCaptureHtml } from './capture-html.ts';

export const CAPTURE_SOURCES = ['rendered-dom', 'response-body'] as const;
export type CaptureSource = (typeof CAPTURE_SOURCES)[number];

type StoredArtifactRef = PageEvidenceRef['artifacts'][number];

export interface CaptureDocument {
  source: CaptureSource;
  /** The artifact shown (its SHA-256 as signed) and its media type as stored. */
  sha256: string;
  mediaType: string;
  /** A complete, inert HTML document. */
  html: string;
}

export type Screenshot =
  | { kind: 'image'; bytes: Buffer; mediaType: string; sha256: string }
  /** Deliberately not kept, or not shown: `message` says why. */
  | { kind: 'withheld'; message: string }
  | { kind: 'none'; message: string };

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const SCREENSHOT_TYPES = new Set(['image/png', 'image/jpeg']);
/** No image of a page flagged in this category is ever shown (the referral packages keep none either). */
const NO_IMAGE_CATEGORY = 'child-abuse';

/** The artifact's bytes, checked against its SHA-256 and size; throws evidence-missing / evidence-corrupt. */
export async function readArtifact(store: ArtifactStore, artifact: StoredArtifactRef): Promise<Buffer> {
  const bytes = await store.getArtifact(artifact.sha256);
  if (bytes === null) throw new NonRetryableError('evidence-missing', `the ${artifact.role} artifact ${artifact.sha256} is not in the evidence store`);
  if (sha256Hex(bytes) !== artifact.sha256 || bytes.length !== artifact.bytes) {
    throw new NonRetryableError('evidence-corrupt', `the stored ${artifact.role} artifact ${artifact.sha256} does not match its hash (run \`vigie evidence verify\`)`);
  }
  return bytes;
}

export async function captureDocument(store: ArtifactStore, page: PageDocument, wanted?: CaptureSource): Promise<CaptureDocument> {
  const artifacts = page.evidence?.artifacts ?? [];
  if (artifacts.length === 0) throw new NonRetryableError('evidence-missing', 'no evidence was stored for this page');
  const source = wanted ?? (artifacts.some((a) => a.role === 'rendered-dom') ? 'rendered-dom' : 'response-body');
  const artifact = artifacts.find((a) => a.role === source);
  if (!artifact) throw new NonRetryableError('evidence-missing', `this page has no ${source} artifact`);
  const bytes = await readArtifact(store, artifact);
  // The response body's media type is `<type>; charset=<what the crawler decoded with>`.
  const { text } = decodeBody(bytes, artifact.mediaType);
  const type = artifact.mediaType.split(';', 1)[0]!.trim().toLowerCase();
  let html: string;
  if (HTML_TYPES.has(type)) html = sanitizeCaptureHtml(text, { pageUrl: page.finalUrl, rendered: source === 'rendered-dom' });
  else if (isText(type)) html = plainTextDocument(text);
  else html = noticeDocument(`This capture is ${type || 'of an unknown type'} (${bytes.length} bytes), which the desk does not display; the referral package holds it.`);
  return { source, sha256: artifact.sha256, mediaType: artifact.mediaType, html };
}

function isText(type: string): boolean {
  return type.startsWith('text/') || type === 'application/json' || type === 'application/xml' || type.endsWith('+json') || type.endsWith('+xml');
}

/** Whether the desk can show the page's screenshot, without reading it. */
export function screenshotState(page: Pick<PageDocument, 'evidence' | 'flags'>): 'stored' | 'withheld' | 'none' {
  const artifacts = page.evidence?.artifacts ?? [];
  if (artifacts.some((a) => a.role === 'screenshot-withheld') || page.flags.some((flag) => flag.category === NO_IMAGE_CATEGORY)) return 'withheld';
  return artifacts.some((a) => a.role === 'screenshot') ? 'stored' : 'none';
}

export async function screenshotOf(store: ArtifactStore, page: PageDocument): Promise<Screenshot> {
  const artifacts = page.evidence?.artifacts ?? [];
  const withheld = artifacts.find((a) => a.role === 'screenshot-withheld');
  if (withheld) return { kind: 'withheld', message: await withheldMessage(store, withheld) };
  if (screenshotState(page) === 'withheld') {
    return { kind: 'withheld', message: 'screenshot withheld: the page is flagged child-abuse, and no image of such a page is shown' };
  }
  const artifact = artifacts.find((a) => a.role === 'screenshot');
  if (!artifact) return { kind: 'none', message: 'this page has no screenshot (it was not rendered in Chromium)' };
  const mediaType = artifact.mediaType.split(';', 1)[0]!.trim().toLowerCase();
  if (!SCREENSHOT_TYPES.has(mediaType)) return { kind: 'none', message: `the stored screenshot is ${mediaType}, not an image the desk shows` };
  return { kind: 'image', bytes: await readArtifact(store, artifact), mediaType, sha256: artifact.sha256 };
}

/** The signed record says why (workers/page-evidence.ts); the media URLs it names are not repeated. */
async function withheldMessage(store: ArtifactStore, artifact: StoredArtifactRef): Promise<string> {
  let record: { reason?: unknown; category?: unknown; lists?: unknown } = {};
  try {
    record = JSON.parse((await readArtifact(store, artifact)).toString('utf8')) as typeof record;
  } catch {
    // The withholding stands even when its record cannot be read.
  }
  const lists = Array.isArray(record.lists) ? record.lists.filter((l): l is string => typeof l === 'string').join(', ') : '';
  const why = [typeof record.reason === 'string' ? record.reason : '', typeof record.category === 'string' ? record.category : '', lists ? `lists ${lists}` : '']
    .filter(Boolean)
    .join(', ');
  return `screenshot withheld at capture${why ? ` (${why})` : ''}: it was never stored`;
}

// What the desk shows of a page's evidence: the capture made inert, the spans to highlight, the
// screenshot (unless withheld), and whether the signed evidence still verifies.
export { sanitizeCaptureHtml, plainTextDocument, noticeDocument, type CaptureHtmlOptions } from './capture-html.ts';
export { sanitizeCss } from './capture-css.ts';
export { pageHighlights, MAX_HIGHLIGHTS, type Highlight, type HighlightMark, type PageHighlights } from './highlights.ts';
export { captureDocument, readArtifact, screenshotOf, screenshotState, CAPTURE_SOURCES, type CaptureDocument, type CaptureSource, type Screenshot } from './page-artifacts.ts';
export { pageEvidenceStatus, type PageEvidenceStatus, type SignatureStatus, type ArtifactStatus } from './evidence-status.ts';

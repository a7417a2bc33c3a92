// The evidence of one captured page: its exchange appended to the run's WARC files, each artifact
// (raw body, headers, rendered DOM, screenshot) stored once under its SHA-256, and a manifest of
// them signed with the instance key. Runs before the page is indexed, so an indexed page always has
// its evidence; a retry stores nothing twice (content addressing) but may sign a second manifest.
import { buildAndStoreEvidence, type CapturedArtifact, type ManifestArtifact } from '../crawler/evidence/index.ts';
import type { FetchResult } from '../crawler/fetch-page.ts';
import type { RenderResult } from '../crawler/render/index.ts';
import { DEFAULT_REDACTED_REQUEST_HEADERS } from '../crawler/warc/index.ts';
import type { WorkerDeps } from './deps.ts';
import type { RunContext } from './run-context.ts';

export interface PageEvidence {
  manifestSha256: string;
  artifacts: ManifestArtifact[];
  /** The WARC file (relative to `<dataDir>/warc`), the response record's id and its gzip member's place. */
  warc: { file: string; recordId: string; offset: number; length: number };
}

export interface EvidenceFacts {
  pageId: string;
  contentHash: string;
  depth: number;
  previousManifest: string | null;
  outlinks: number;
  /**
   * Set when the page's rendering must not be kept (a child-abuse hash-list match: the screenshot
   * would show the image). The screenshot then goes neither to the WARC nor to the store; a signed
   * `screenshot-withheld` artifact says why instead.
   */
  withheldScreenshot?: WithheldScreenshot | null;
}

export interface WithheldScreenshot {
  reason: string;
  category: string;
  lists: string[];
  mediaUrls: string[];
}

export async function recordEvidence(
  deps: Pick<WorkerDeps, 'evidence' | 'warc' | 'clock'>,
  run: RunContext,
  fetched: FetchResult,
  rendered: RenderResult | null,
  facts: EvidenceFacts,
): Promise<PageEvidence> {
  const renderedDom = rendered ? Buffer.from(rendered.html, 'utf8') : undefined;
  const withheld = facts.withheldScreenshot ?? null;
  const screenshot = withheld ? undefined : rendered?.screenshot;
  const redactedHeaders = credentialHeaders(run);
  const written = await deps.warc.write(run.target.id, run.runId, {
    url: fetched.url,
    finalUrl: fetched.finalUrl,
    method: 'GET',
    requestHeaders: fetched.requestHeaders,
    httpVersion: fetched.httpVersion,
    status: fetched.status,
    statusText: fetched.statusText,
    responseHeaders: fetched.headers,
    remoteAddress: fetched.remoteAddress,
    fetchedAt: fetched.startedAt,
    rawBody: fetched.rawBody,
    redirectHops: fetched.redirectHops,
    renderedDom,
    screenshot,
    screenshotKind: 'fullPage',
    metadata: warcMetadata(run, fetched, rendered, facts),
  }, redactedHeaders);
  const warc = {
    file: `${run.target.id}/${run.runId}/${written.file}`,
    recordId: written.recordIds.response,
    offset: written.offset,
    length: written.length,
  };

  const stored = await buildAndStoreEvidence({
    pageId: facts.pageId,
    url: fetched.url,
    finalUrl: fetched.finalUrl,
    redirects: fetched.redirects,
    targetId: run.target.id,
    runId: run.runId,
    fetchedAt: fetched.startedAt,
    completedAt: deps.clock(),
    httpStatus: fetched.status,
    remoteAddress: fetched.remoteAddress,
    tls: fetched.tls,
    rendered: rendered !== null,
    contentHash: facts.contentHash,
    artifacts: [...artifactsOf(fetched, renderedDom, screenshot, redactedHeaders), ...withheldArtifact(withheld, rendered)],
    warc,
    previousManifest: facts.previousManifest ?? undefined,
  }, deps.evidence);
  return { manifestSha256: stored.manifestSha256, artifacts: stored.artifacts, warc };
}

/**
 * Request headers never kept in evidence: the usual credentials, and every header the target
 * configures itself (an `X-Api-Key` is as secret as an `Authorization`).
 */
export function credentialHeaders(run: RunContext): string[] {
  return [...DEFAULT_REDACTED_REQUEST_HEADERS, ...Object.keys(run.target.headers).map((name) => name.toLowerCase())];
}

function artifactsOf(
  fetched: FetchResult,
  renderedDom: Buffer | undefined,
  screenshot: Buffer | undefined,
  redactedHeaders: readonly string[],
): CapturedArtifact[] {
  const artifacts: CapturedArtifact[] = [
    // The parsed type, never the raw header: a site must not be able to make its evidence invalid
    // (an empty or oversized Content-Type) and so keep its page out of the index.
    { role: 'response-body', bytes: fetched.rawBody, mediaType: `${fetched.contentType}; charset=${fetched.charset}` },
    {
      role: 'response-headers',
      bytes: jsonBytes({ status: fetched.status, statusText: fetched.statusText, httpVersion: fetched.httpVersion, headers: fetched.headers }),
      mediaType: 'application/json',
    },
    {
      role: 'request-headers',
      bytes: jsonBytes({ method: 'GET', url: fetched.finalUrl, headers: redactHeaders(fetched.requestHeaders, redactedHeaders) }),
      mediaType: 'application/json',
    },
  ];
  if (renderedDom) artifacts.push({ role: 'rendered-dom', bytes: renderedDom, mediaType: 'text/html; charset=utf-8' });
  if (screenshot) artifacts.push({ role: 'screenshot', bytes: screenshot, mediaType: 'image/png' });
  return artifacts;
}

/** The signed record that a screenshot was taken and deliberately not kept, and why. */
function withheldArtifact(withheld: WithheldScreenshot | null, rendered: RenderResult | null): CapturedArtifact[] {
  if (!withheld || !rendered?.screenshot) return [];
  return [{ role: 'screenshot-withheld', bytes: jsonBytes({ ...withheld, screenshotBytes: rendered.screenshot.length }), mediaType: 'application/json' }];
}

function redactHeaders(headers: Record<string, string>, names: readonly string[]): Record<string, string> {
  const redacted: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) redacted[name] = names.includes(name.toLowerCase()) ? '[redacted]' : value;
  return redacted;
}

function warcMetadata(run: RunContext, fetched: FetchResult, rendered: RenderResult | null, facts: EvidenceFacts): Record<string, string> {
  const metadata: Record<string, string> = {
    'vigie-page-id': facts.pageId,
    'vigie-run-id': run.runId,
    'vigie-target-id': run.target.id,
    'vigie-content-hash': facts.contentHash,
    'vigie-depth': String(facts.depth),
    'vigie-fetch-duration-ms': String(fetched.durationMs),
    'vigie-outlinks': String(facts.outlinks),
    'vigie-rendered': String(rendered !== null),
  };
  if (fetched.redirects.length > 0) metadata['vigie-redirects'] = JSON.stringify(fetched.redirects);
  if (fetched.tls) metadata['vigie-tls'] = JSON.stringify(fetched.tls);
  if (rendered) metadata['vigie-render-duration-ms'] = String(rendered.durationMs);
  if (facts.withheldScreenshot && rendered?.screenshot) metadata['vigie-screenshot-withheld'] = `${facts.withheldScreenshot.reason}: ${facts.withheldScreenshot.category}`;
  return metadata;
}

function jsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

// A page answered 304 Not Modified: its links are those of the version we already hold. They are
// read back from that version's evidence (the rendered DOM if it was rendered, else the raw body,
// decompressed under the same caps as a fetch) rather than kept in Redis for every page.
import { Readable } from 'node:stream';
import { sha256Hex, type ArtifactStore } from '../crawler/evidence/index.ts';
import { decodeBody } from '../crawler/decode-body.ts';
import { readBody } from '../crawler/fetch-body.ts';
import type { FetchResult } from '../crawler/fetch-page.ts';
import { parsePage } from '../crawler/parse-page.ts';
import type { RenderResult } from '../crawler/render/index.ts';
import { validatorsOf, type PageVersion } from './recrawl-store.ts';

/** The links of the stored version, or [] when its evidence is gone (the next 200 restores it). */
export async function linksOfPreviousVersion(
  store: ArtifactStore,
  previous: PageVersion,
  limits: { maxBytes: number; maxDecompressedBytes: number },
): Promise<string[]> {
  if (previous.domSha256) {
    const dom = await store.getArtifact(previous.domSha256);
    return dom ? parsePage(dom.toString('utf8'), previous.finalUrl).links : [];
  }
  if (!previous.bodySha256) return [];
  const raw = await store.getArtifact(previous.bodySha256);
  if (!raw) return [];
  const body = await readBody(Readable.from([raw]), {
    url: previous.finalUrl,
    contentEncoding: previous.contentEncoding ?? undefined,
    maxBytes: limits.maxBytes,
    maxDecompressedBytes: limits.maxDecompressedBytes,
    signal: AbortSignal.timeout(30_000),
  });
  const { text } = decodeBody(body.bytes, previous.contentType ?? undefined);
  return parsePage(text, previous.finalUrl).links;
}

/**
 * The version to hold after a 200 whose main text is the held one's. New validators describe the
 * bytes just fetched, so a later 304 vouches for those bytes, not the held version's: their links
 * (a changed navigation, say) are the ones to follow then. So the new bytes are stored too when
 * they differ (content-addressed, and with no manifest: no new version of the page is recorded).
 * With the same validators, or none (no 304 can come), the held bytes stay: a page re-rendered
 * with a new nonce on every crawl does not store a DOM per crawl.
 */
export async function sameTextVersion(
  store: ArtifactStore,
  previous: PageVersion,
  fetched: FetchResult,
  rendered: RenderResult | null,
): Promise<PageVersion> {
  const validators = validatorsOf(fetched.headers);
  const newValidators = (validators.etag !== null || validators.lastModified !== null)
    && (validators.etag !== previous.etag || validators.lastModified !== previous.lastModified);
  const dom = rendered ? Buffer.from(rendered.html, 'utf8') : null;
  const sameBytes = sha256Hex(fetched.rawBody) === previous.bodySha256 && (dom ? sha256Hex(dom) === previous.domSha256 : previous.domSha256 === null);
  if (!newValidators || sameBytes) return { ...previous, ...validators };
  const contentType = fetched.headers['content-type'] ?? null;
  const body = await store.putArtifact(fetched.rawBody, contentType ?? fetched.contentType);
  const storedDom = dom ? await store.putArtifact(dom, 'text/html; charset=utf-8') : null;
  return {
    ...previous,
    ...validators,
    bodySha256: body.sha256,
    domSha256: storedDom?.sha256 ?? null,
    contentType,
    contentEncoding: fetched.headers['content-encoding'] ?? null,
    finalUrl: rendered?.finalUrl ?? fetched.finalUrl,
  };
}

// A page answered 304 Not Modified: its links are those of the version we already hold. They are
// read back from that version's evidence (the rendered DOM if it was rendered, else the raw body,
// decompressed under the same caps as a fetch) rather than kept in Redis for every page.
import { Readable } from 'node:stream';
import type { ArtifactStore } from '../crawler/evidence/index.ts';
import { decodeBody } from '../crawler/decode-body.ts';
import { readBody } from '../crawler/fetch-body.ts';
import { parsePage } from '../crawler/parse-page.ts';
import type { PageVersion } from './recrawl-store.ts';

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

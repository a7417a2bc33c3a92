// Deterministic ids: a retried job rebuilds exactly the same ids, so re-indexing overwrites
// instead of duplicating. Each part is length-prefixed, which makes the encoding injective
// whatever characters the parts contain (no separator can be forged by a crafted URL), and a
// kind tag keeps page ids and alert ids in disjoint spaces.
import { createHash } from 'node:crypto';

const ID_HEX_CHARS = 32;

function sha256Hex(input: string): string {
  return createHash('sha256').update(input, 'utf8').digest('hex');
}

function idOf(kind: string, parts: readonly string[]): string {
  const encoded = [kind, ...parts].map((part) => `${part.length}:${part}`).join('');
  return sha256Hex(encoded).slice(0, ID_HEX_CHARS);
}

/** Id of one version of a page: the same URL with new content is a new page. */
export function pageId(normalisedUrl: string, contentHash: string): string {
  return idOf('page', [normalisedUrl, contentHash]);
}

/** Id of an alert: the same content flagged in the same category is one alert, wherever seen. */
export function alertId(contentHash: string, category: string): string {
  return idOf('alert', [contentHash, category]);
}

/**
 * SHA-256 (hex) of the main text after Unicode NFC normalisation, whitespace collapse and trim,
 * so the same content with different spacing, or on another URL, shares the hash.
 */
export function contentHashOf(mainText: string): string {
  const normalised = mainText.normalize('NFC').replace(/\s+/gu, ' ').trim();
  return sha256Hex(normalised);
}

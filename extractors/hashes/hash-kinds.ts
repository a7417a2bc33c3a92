// The kinds of hash a partner list may hold, and how a written hash is read: hex in either case,
// an optional 0x prefix, the kind told by its length when the list does not say.
export const HASH_KINDS = ['sha256', 'md5', 'phash'] as const;
export type HashKind = (typeof HASH_KINDS)[number];

/** What `--kind` accepts: a kind, `auto` (by length), or `pdq` (recognised, refused: see docs). */
export const KIND_OPTIONS = ['auto', ...HASH_KINDS, 'pdq'] as const;
export type KindOption = (typeof KIND_OPTIONS)[number];

export const HEX_LENGTH: Readonly<Record<HashKind, number>> = { sha256: 64, md5: 32, phash: 16 };

/** Perceptual kinds are matched within a Hamming distance; the others only exactly. */
export function isPerceptual(kind: HashKind): boolean {
  return kind === 'phash';
}

/** Lowercase hex without prefix, or null when the text is not hex. */
export function normalizeHex(raw: string): string | null {
  let text = raw.trim();
  if (text.startsWith('0x') || text.startsWith('0X')) text = text.slice(2);
  return /^[0-9a-fA-F]+$/.test(text) ? text.toLowerCase() : null;
}

/** The kind a hex string of this length is when nothing else says (64 is SHA-256, never PDQ). */
export function kindOfLength(length: number): HashKind | null {
  for (const kind of HASH_KINDS) if (HEX_LENGTH[kind] === length) return kind;
  return null;
}

export function isHashKind(value: string): value is HashKind {
  return (HASH_KINDS as readonly string[]).includes(value);
}

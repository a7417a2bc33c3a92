// Hash lists: perceptual hashing (pHash), partner list parsing, and hash matches as flags. The
// shared store of imported lists is workers/hash-lists.ts; fetching media is crawler/media.
export { HASH_KINDS, HEX_LENGTH, KIND_OPTIONS, isHashKind, isPerceptual, kindOfLength, normalizeHex, type HashKind, type KindOption } from './hash-kinds.ts';
export { HashListParser, splitCsv, type HashListEntry, type HashListParserOptions, type HashListRejection, type ParsedLine } from './hash-list-parser.ts';
export { hashMatchFlags, hashMatchWeight, type HashEntryMeta, type HashMatch } from './match-flags.ts';
export { PhashIndex, type PhashNeighbour } from './phash-index.ts';
export { hammingDistanceHex, phashOfImage, phashOfPixels, PHASH_BITS, PHASH_DEFAULTS, type PhashOptions } from './phash.ts';

// Per-character folding for matching: what one code point of the original text becomes.
// ASCII is handled inline by the tokenizer; everything else goes through `foldCodePoint`, which
// applies compatibility decomposition (NFKD, so fullwidth, mathematical and circled letters become
// plain ones), lower-casing, accent stripping, a few ligatures and a table of Cyrillic/Greek
// lookalikes. Invisible characters (zero-width, bidi controls, soft hyphen, combining marks,
// variation selectors, tags) are reported as IGNORED so they never split a word.

export const LETTER = 1;
export const DIGIT = 2;
export const SEPARATOR = 3;
export const IGNORED = 4;
/** Several output characters of different kinds (e.g. '½' -> "1⁄2"): the tokenizer takes them one by one. */
export const MIXED = 5;

export interface FoldEntry {
  readonly kind: number;
  /** Folded text, with lookalikes mapped to Latin. */
  readonly text: string;
  /** Folded text without the lookalike mapping (set only when it differs from `text`). */
  readonly plain?: string;
  /** For LETTER entries: whether the source letter belongs to the Latin script. */
  readonly latin?: boolean;
  /** For MIXED entries: the output characters, each with its own kind. */
  readonly parts?: readonly FoldEntry[];
}

// Lower-case Cyrillic and Greek letters that render like a Latin letter (after lower-casing, so
// uppercase lookalikes such as 'Н' -> 'н' -> 'h' are covered too). Deliberately limited to close
// visual matches: a homoglyph table that maps everything would turn real Russian or Greek words
// into Latin noise.
const CONFUSABLES: Readonly<Record<string, string>> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', һ: 'h', і: 'i', ї: 'i', ј: 'j', к: 'k', м: 'm', н: 'h', о: 'o',
  п: 'n', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', ӏ: 'l', ү: 'y',
  α: 'a', β: 'b', γ: 'y', ε: 'e', η: 'n', ι: 'i', κ: 'k', μ: 'u', ν: 'v', ο: 'o', ρ: 'p', τ: 't',
  υ: 'u', χ: 'x', ω: 'w', ϲ: 'c', ϳ: 'j',
  // The lunate sigma 'ϲ' decomposes (NFKD) to the final sigma, which is where it must be caught.
  ς: 'c',
};

// Letters that NFKD leaves alone but that readers treat as a plain Latin letter or digraph.
const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  œ: 'oe', æ: 'ae', ß: 'ss', ẞ: 'ss', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h',
  ŧ: 't', ŀ: 'l', ĸ: 'k', ŋ: 'n', ƒ: 'f', ɡ: 'g', ɑ: 'a',
};

const INVISIBLE = /^[\p{Cf}\p{Mn}\p{Me}\u034F\u115F\u1160\u180E\u3164\uFFA0]$/u;
const COMBINING = /\p{M}/gu;
const IS_LETTER = /^\p{L}$/u;
const IS_LATIN = /^\p{Script=Latin}$/u;
const IS_DECIMAL = /^\p{Nd}$/u;

const IGNORED_ENTRY: FoldEntry = { kind: IGNORED, text: '' };
const SEPARATOR_ENTRY: FoldEntry = { kind: SEPARATOR, text: ' ' };

/** Folds one non-ASCII code point. Pure; callers may memoise it (see `FoldCache`). */
export function foldCodePoint(cp: number): FoldEntry {
  const ch = String.fromCodePoint(cp);
  if (INVISIBLE.test(ch)) return IGNORED_ENTRY;
  const special = SPECIAL_LETTERS[ch.toLowerCase()];
  if (special !== undefined) return { kind: LETTER, text: special, latin: true };
  const decomposed = ch.normalize('NFKD').toLowerCase().normalize('NFKD').replace(COMBINING, '');
  if (decomposed === '') return IGNORED_ENTRY;
  const parts = Array.from(decomposed, foldSingle);
  if (parts.length === 1) return parts[0]!;
  const kinds = new Set(parts.map((p) => p.kind));
  if (kinds.size === 1 && parts[0]!.kind === LETTER) {
    const text = parts.map((p) => p.text).join('');
    const plain = parts.map((p) => p.plain ?? p.text).join('');
    return plain === text
      ? { kind: LETTER, text, latin: parts.every((p) => p.latin) }
      : { kind: LETTER, text, plain, latin: parts.every((p) => p.latin) };
  }
  if (kinds.size === 1 && parts[0]!.kind === SEPARATOR) return SEPARATOR_ENTRY;
  return { kind: MIXED, text: decomposed, parts };
}

function foldSingle(ch: string): FoldEntry {
  const code = ch.charCodeAt(0);
  if (code < 0x80) {
    if (code >= 0x61 && code <= 0x7a) return { kind: LETTER, text: ch, latin: true };
    if (code >= 0x30 && code <= 0x39) return { kind: DIGIT, text: ch };
    return SEPARATOR_ENTRY;
  }
  const special = SPECIAL_LETTERS[ch];
  if (special !== undefined) return { kind: LETTER, text: special, latin: true };
  if (IS_LETTER.test(ch)) {
    const mapped = CONFUSABLES[ch];
    if (mapped !== undefined) return { kind: LETTER, text: mapped, plain: ch, latin: false };
    return { kind: LETTER, text: ch, latin: IS_LATIN.test(ch) };
  }
  // Non-ASCII decimal digits (Arabic-Indic, Devanagari...) are digits but never leetspeak.
  if (IS_DECIMAL.test(ch)) return { kind: DIGIT, text: ch };
  if (INVISIBLE.test(ch)) return IGNORED_ENTRY;
  return SEPARATOR_ENTRY;
}

/**
 * Memo of `foldCodePoint` owned by its creator (one per rule set), so that no module-level state
 * exists. Bounded: a text can only bring as many entries as it has distinct code points, and the
 * cache stops growing past `maxEntries` (later code points are folded on each use).
 */
export class FoldCache {
  private readonly entries = new Map<number, FoldEntry>();

  constructor(private readonly maxEntries = 20_000) {}

  get(cp: number): FoldEntry {
    let entry = this.entries.get(cp);
    if (entry === undefined) {
      entry = foldCodePoint(cp);
      if (this.entries.size < this.maxEntries) this.entries.set(cp, entry);
    }
    return entry;
  }
}

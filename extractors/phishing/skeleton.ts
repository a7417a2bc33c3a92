// The "skeleton" of a domain label: what a reader sees, so that labels that look alike compare
// equal (after the spirit of Unicode UTS #39 confusable skeletons, kept small). Punycode is
// decoded first; every non-ASCII letter goes through the text normaliser's folding
// (extractors/normalize/fold.ts: NFKD, accents stripped, Cyrillic/Greek lookalikes mapped to
// Latin); then the ASCII look-alike sequences of typosquatting are read as the letter they mimic:
// "rn" -> "m", "vv" -> "w", "0" -> "o", "1" -> "l", "3" -> "e", "5" -> "s", and last "i" -> "l"
// (I, l and 1 look alike in most fonts: PaypaI, lnstagram). Both sides of a comparison go through
// it, so a legitimate "i" never causes a mismatch. The "strict" skeleton leaves i and l apart:
// ordinary words differ from brands by that swap alone (engle/engie, gmall/gmail), while digits
// and rn/vv in a brand's place are chosen to deceive.
import { domainToUnicode } from 'node:url';
import { DIGIT, LETTER, MIXED, foldCodePoint } from '../normalize/fold.ts';

const ASCII_LOOKALIKES: ReadonlyArray<readonly [RegExp, string]> = [
  [/rn/g, 'm'],
  [/vv/g, 'w'],
  [/0/g, 'o'],
  [/1/g, 'l'],
  [/3/g, 'e'],
  [/5/g, 's'],
];

export interface LabelReading {
  /** The label as a reader sees it (punycode decoded), lower case. */
  unicode: string;
  /** Folded (accents stripped, Cyrillic/Greek lookalikes mapped) but without the ASCII look-alike readings. */
  folded: string;
  /** Whether the label held characters outside ASCII (an IDN label). */
  nonAscii: boolean;
  /** The skeleton: folded, lookalikes mapped, ASCII look-alike sequences read as letters. */
  skeleton: string;
  /** The skeleton with i and l kept apart. */
  strict: string;
}

/** Reads one DNS label (ASCII/punycode or Unicode). */
export function readLabel(label: string): LabelReading {
  const lower = label.toLowerCase();
  const unicode = lower.startsWith('xn--') ? domainToUnicode(lower) || lower : lower;
  let folded = '';
  let nonAscii = false;
  for (const ch of unicode) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      folded += ch;
      continue;
    }
    nonAscii = true;
    const entry = foldCodePoint(cp);
    if (entry.kind === LETTER || entry.kind === DIGIT || entry.kind === MIXED) folded += entry.text;
  }
  const strict = strictSkeleton(folded);
  return { unicode, folded, nonAscii, skeleton: strict.replace(/i/g, 'l'), strict };
}

/** The ASCII look-alike readings of an already folded string, i and l apart. */
function strictSkeleton(folded: string): string {
  let out = folded;
  for (const [pattern, letter] of ASCII_LOOKALIKES) out = out.replace(pattern, letter);
  return out;
}

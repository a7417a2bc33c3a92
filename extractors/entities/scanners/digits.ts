// Phone numbers and card numbers, both written as digit groups. The text is cut into "chunks":
// maximal runs of digit groups joined by short separators (space, no-break space, '.', '-',
// '/', brackets). A group touching a letter ("12h30", "x86", an IBAN's BBAN) ends the chunk.
// Candidates must then match a written shape, not just a digit count, before the costly checks:
//   - international phone: '+' or '00' before the first group, then the longest window of
//     groups (8-16 digits, no '/' inside) that libphonenumber accepts;
//   - French national phone: one group of 10 digits starting with 0 (not part of a decimal or a
//     DOI, not announced as an order or reference number), or groups of 2-4 digits with one
//     consistent separator totalling 10 digits, not part of a longer such run (a run of two-digit
//     numbers is a list, a date or a lottery draw, not a phone);
//   - card: one group of 13-19 digits, or a maximal run of 3-6 digit groups with one consistent
//     space or dash separator (4-4-4-4, 4-6-5...), optionally followed by one group of another
//     size (a CVV).
import { candidate, type Candidate } from '../candidate.ts';
import { codeAt, isAsciiAlnum, isDigit, isLetterCode } from '../chars.ts';
import { validateCard } from '../validators/card.ts';
import { validatePhone } from '../validators/phone.ts';

const GAP_CHARS = new Set([' ', '\u00a0', '\u202f', '\u2009', '.', '-', '/', '(', ')']);
const NATIONAL_SEPARATORS = new Set([' ', '\u00a0', '\u202f', '\u2009', '.', '-']);
const CARD_SEPARATORS = new Set([' ', '\u00a0', '\u202f', '-']);
const MAX_GAP = 3;

interface Chunk {
  starts: number[];
  ends: number[];
  /** gaps[k] is the separator text before group k ('' for the first). */
  gaps: string[];
}

/** libphonenumber costs ~15 µs a call: bound the calls a hostile text can trigger. */
interface Budget {
  phoneChecks: number;
}

function isGap(text: string, from: number, to: number): boolean {
  if (to - from < 1 || to - from > MAX_GAP) return false;
  for (let i = from; i < to; i++) if (!GAP_CHARS.has(text[i] as string)) return false;
  return true;
}

function isSpaceCode(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d || code === 0xa0 || code === 0x202f;
}

/**
 * Whether a single unseparated run belongs to a larger number-like token: the fraction of a
 * decimal ("1.2511263318488451"), a DOI ("10.1073/pnas.0801507105"), the integer part of a
 * decimal ("4111111111111111.5"). A run written alone, or after a word ("Tél.0612345678"), is not.
 */
function gluedToNumber(text: string, start: number, end: number): boolean {
  for (let i = start - 1; i >= 0 && start - i <= 32; i--) {
    const code = text.charCodeAt(i);
    if (isSpaceCode(code)) break;
    if (isDigit(code)) return true;
  }
  const after = codeAt(text, end);
  return (after === 0x2e || after === 0x2c) && isDigit(codeAt(text, end + 1));
}

/** Words that announce an identifier, not a phone, just before a bare 10-digit run. */
const REFERENCE_CUE = /(?:commande|order|facture|invoice|suivi|tracking|colis|dossier|ticket|r[ée]f|siret|siren|#)[^\n]{0,12}$/i;

function announcedAsReference(text: string, start: number): boolean {
  return REFERENCE_CUE.test(text.slice(Math.max(0, start - 28), start));
}

function checkPhone(text: string, start: number, end: number, budget: Budget, out: Candidate[]): boolean {
  if (budget.phoneChecks <= 0) return false;
  budget.phoneChecks--;
  const found = validatePhone(text.slice(start, end));
  if (!found) return false;
  out.push(candidate('phone', found, start, end));
  return true;
}

/** '+CC...' or '00CC...' at the chunk's head: returns the index of the last group used, or -1. */
function internationalPhone(text: string, chunk: Chunk, budget: Budget, out: Candidate[]): number {
  const first = chunk.starts[0] as number;
  const plus = codeAt(text, first - 1) === 0x2b && !isAsciiAlnum(codeAt(text, first - 2));
  const idd = text.startsWith('00', first) && codeAt(text, first + 2) !== 0x30;
  if (!plus && !idd) return -1;
  const start = plus ? first - 1 : first;
  const digitsUpTo: number[] = [];
  let digits = 0;
  for (let k = 0; k < chunk.starts.length; k++) {
    if (k > 0 && (chunk.gaps[k] as string).includes('/')) break;
    digits += (chunk.ends[k] as number) - (chunk.starts[k] as number);
    if (digits > (idd ? 18 : 16)) break;
    digitsUpTo.push(digits);
  }
  for (let j = digitsUpTo.length - 1; j >= 0; j--) {
    if ((digitsUpTo[j] as number) < (idd ? 10 : 8)) break;
    if (checkPhone(text, start, chunk.ends[j] as number, budget, out)) return j;
  }
  return -1;
}

function groupLength(chunk: Chunk, k: number): number {
  return (chunk.ends[k] as number) - (chunk.starts[k] as number);
}

/** A French national number starting at group i; returns the last group used, or -1. */
function nationalPhone(text: string, chunk: Chunk, i: number, budget: Budget, out: Candidate[]): number {
  const start = chunk.starts[i] as number;
  if (text.charCodeAt(start) !== 0x30 || text.charCodeAt(start + 1) === 0x30) return -1;
  const count = chunk.starts.length;
  const first = groupLength(chunk, i);
  let last = -1;
  if (first === 10) {
    if (gluedToNumber(text, start, chunk.ends[i] as number) || announcedAsReference(text, start)) return -1;
    last = i;
  } else if (first >= 2 && first <= 4 && i + 1 < count) {
    const sep = chunk.gaps[i + 1] as string;
    if (!NATIONAL_SEPARATORS.has(sep)) return -1;
    let total = first;
    let j = i;
    while (j + 1 < count && chunk.gaps[j + 1] === sep && total < 10) {
      const len = groupLength(chunk, j + 1);
      if (len < 2 || len > 4) break;
      total += len;
      j++;
    }
    const attached = (k: number, gapIndex: number): boolean =>
      k >= 0 && k < count && chunk.gaps[gapIndex] === sep && groupLength(chunk, k) <= 4;
    if (total === 10 && j > i && !attached(i - 1, i) && !attached(j + 1, j + 1)) last = j;
  }
  if (last < 0) return -1;
  return checkPhone(text, start, chunk.ends[last] as number, budget, out) ? last : -1;
}

function pushCard(text: string, start: number, end: number, out: Candidate[]): boolean {
  const found = validateCard(text.slice(start, end));
  if (!found) return false;
  out.push(candidate('card', found, start, end));
  return true;
}

/** A card starting at group i; returns the last group of the run examined (used or not). */
function card(text: string, chunk: Chunk, i: number, used: Uint8Array, out: Candidate[]): number {
  const first = groupLength(chunk, i);
  const start = chunk.starts[i] as number;
  if (first >= 13 && first <= 19) {
    if (!gluedToNumber(text, start, chunk.ends[i] as number)) pushCard(text, start, chunk.ends[i] as number, out);
    return i;
  }
  if (first < 3 || first > 6 || i + 1 >= chunk.starts.length) return i;
  const sep = chunk.gaps[i + 1] as string;
  if (!CARD_SEPARATORS.has(sep)) return i;
  let j = i;
  while (j + 1 < chunk.starts.length && chunk.gaps[j + 1] === sep && !used[j + 1]) {
    const len = groupLength(chunk, j + 1);
    if (len < 3 || len > 6) break;
    j++;
  }
  if (j === i) return i;
  if (pushCard(text, start, chunk.ends[j] as number, out)) return j;
  // "4111 1111 1111 1111 123": a trailing group of another size may be the CVV. A run of equal
  // groups ("1234 5678 9012 3456 7890") is one longer number, never a card plus change.
  if (j - 1 > i && groupLength(chunk, j) !== groupLength(chunk, j - 1)) {
    pushCard(text, start, chunk.ends[j - 1] as number, out);
  }
  return j;
}

function processChunk(text: string, chunk: Chunk, budget: Budget, out: Candidate[]): void {
  const count = chunk.starts.length;
  const used = new Uint8Array(count);
  const intlLast = internationalPhone(text, chunk, budget, out);
  for (let k = 0; k <= intlLast; k++) used[k] = 1;
  for (let i = intlLast + 1; i < count; i++) {
    const last = nationalPhone(text, chunk, i, budget, out);
    for (let k = i; k <= last; k++) used[k] = 1;
    if (last >= 0) i = last;
  }
  for (let i = 0; i < count; i++) {
    if (used[i]) continue;
    i = card(text, chunk, i, used, out);
  }
}

export function scanDigits(text: string, out: Candidate[]): void {
  const budget: Budget = { phoneChecks: 200 + Math.floor(text.length / 64) };
  // A one-character class lets the regex engine skip ahead fast; the run is extended by hand.
  const digit = /[0-9]/g;
  let chunk: Chunk | null = null;
  for (let m = digit.exec(text); m; m = digit.exec(text)) {
    const start = m.index;
    let end = start + 1;
    while (end < text.length && isDigit(text.charCodeAt(end))) end++;
    digit.lastIndex = end;
    if (isLetterCode(codeAt(text, start - 1)) || isLetterCode(codeAt(text, end))) {
      if (chunk) processChunk(text, chunk, budget, out);
      chunk = null;
      continue;
    }
    const lastEnd = chunk ? (chunk.ends[chunk.ends.length - 1] as number) : -1;
    if (chunk && isGap(text, lastEnd, start)) {
      chunk.starts.push(start);
      chunk.ends.push(end);
      chunk.gaps.push(text.slice(lastEnd, start));
    } else {
      if (chunk) processChunk(text, chunk, budget, out);
      chunk = { starts: [start], ends: [end], gaps: [''] };
    }
  }
  if (chunk) processChunk(text, chunk, budget, out);
}

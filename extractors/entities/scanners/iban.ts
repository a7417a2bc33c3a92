// IBANs written compact (FR7630006000011234567890189) or in groups of four separated by single
// spaces (FR76 3000 6000 0112 3456 7890 189). The country's length tells where the IBAN ends, so
// a following word or number is never swallowed.
import { candidate, type Candidate } from '../candidate.ts';
import { codeAt, isAsciiAlnum, isDigit } from '../chars.ts';
import { IBAN_LENGTHS, validateIban } from '../validators/iban.ts';

function isBbanChar(code: number): boolean {
  return isDigit(code) || (code >= 0x41 && code <= 0x5a);
}

function isGroupSpace(code: number): boolean {
  return code === 0x20 || code === 0xa0 || code === 0x202f;
}

/** End offset of a BBAN of `need` characters starting at `from`, or -1. */
function bbanEnd(text: string, from: number, need: number): number {
  let p = from;
  let got = 0;
  if (!isGroupSpace(codeAt(text, p))) {
    while (got < need && isBbanChar(codeAt(text, p))) {
      p++;
      got++;
    }
    return got === need ? p : -1;
  }
  while (got < need) {
    if (!isGroupSpace(codeAt(text, p))) return -1;
    p++;
    let groupSize = 0;
    while (groupSize < 4 && got < need && isBbanChar(codeAt(text, p))) {
      p++;
      groupSize++;
      got++;
    }
    // Only the last group may be shorter than four.
    if (groupSize === 0 || (groupSize < 4 && got < need)) return -1;
  }
  return p;
}

export function scanIbans(text: string, out: Candidate[]): void {
  const heads = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}/g;
  for (let m = heads.exec(text); m; m = heads.exec(text)) {
    const length = IBAN_LENGTHS[m[0].slice(0, 2)];
    if (!length) continue;
    const end = bbanEnd(text, m.index + 4, length - 4);
    if (end < 0 || isAsciiAlnum(codeAt(text, end))) continue;
    const found = validateIban(text.slice(m.index, end));
    if (!found) continue;
    out.push(candidate('iban', found, m.index, end));
    heads.lastIndex = end;
  }
}

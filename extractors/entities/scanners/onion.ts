// Onion service addresses, bare or inside URLs. Found from the ".onion" suffix backwards, which
// is cheap and cannot backtrack. A subdomain (www.<address>.onion) is the same service, so only
// the address itself is taken.
import { candidate, type Candidate } from '../candidate.ts';
import { codeAt, isAsciiAlnum } from '../chars.ts';
import { validateOnion } from '../validators/onion.ts';

function isBase32(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x32 && code <= 0x37);
}

export function scanOnions(text: string, out: Candidate[]): void {
  const suffixes = /\.onion(?![A-Za-z0-9-])/gi;
  for (let m = suffixes.exec(text); m; m = suffixes.exec(text)) {
    let start = m.index;
    while (start > 0 && m.index - start <= 56 && isBase32(text.charCodeAt(start - 1))) start--;
    const length = m.index - start;
    if ((length !== 56 && length !== 16) || isAsciiAlnum(codeAt(text, start - 1))) continue;
    const end = m.index + m[0].length;
    const found = validateOnion(text.slice(start, end));
    if (found) out.push(candidate('onion', found, start, end));
  }
}

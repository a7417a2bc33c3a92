// Bare domain names in prose ("voir example.fr"). Only names ending in a known TLD count, file
// names and version numbers do not ("photo.jpg", "index.html", "v1.2"), and TLDs that double as
// file extensions or code property names (".py", ".md", ".name", ".id"...) need three labels.
// Names inside e-mails and URLs are handled by those scanners.
import { candidate, type Candidate } from '../candidate.ts';
import { codeAt, isAsciiAlnum, isWordCode } from '../chars.ts';
import { validateDomain } from '../validators/domain.ts';
import { AMBIGUOUS_TLDS } from '../validators/tlds.ts';
import { knownDomainLength } from './host-policy.ts';

function isNameCode(code: number): boolean {
  return isAsciiAlnum(code) || code === 0x2d || code === 0x2e;
}

/** Characters that, right before a name, make it part of something else (a path, an e-mail). */
function gluedBefore(code: number): boolean {
  return code === 0x40 || code === 0x2f || code === 0x5f || code === 0x5c || isWordCode(code);
}

export function scanDomains(text: string, out: Candidate[]): void {
  // From each dot that sits between two name characters, the whole dotted run, examined once:
  // prose full stops ("fin. Puis") cost one comparison.
  let next = 0;
  for (let dot = text.indexOf('.'); dot >= 0; dot = text.indexOf('.', next)) {
    next = dot + 1;
    if (!isAsciiAlnum(codeAt(text, dot - 1)) || !isAsciiAlnum(codeAt(text, dot + 1))) continue;
    let start = dot;
    while (start > 0 && isNameCode(text.charCodeAt(start - 1))) start--;
    let end = dot + 1;
    while (end < text.length && isNameCode(text.charCodeAt(end))) end++;
    next = end;
    if (gluedBefore(codeAt(text, start - 1))) continue;
    const after = codeAt(text, end);
    if (after === 0x40 || isWordCode(after)) continue;
    while (start < end && (text.charCodeAt(start) === 0x2e || text.charCodeAt(start) === 0x2d)) start++;
    while (end > start && (text.charCodeAt(end - 1) === 0x2e || text.charCodeAt(end - 1) === 0x2d)) end--;
    const run = text.slice(start, end);
    const length = knownDomainLength(run);
    if (length === 0) continue;
    const surface = run.slice(0, length);
    const tld = surface.slice(surface.lastIndexOf('.') + 1).toLowerCase();
    if (AMBIGUOUS_TLDS.has(tld) && surface.split('.').length < 3) continue;
    const found = validateDomain(surface);
    if (found) out.push(candidate('domain', found, start, start + length));
  }
}

// E-mail addresses, found from each '@' outwards with bounded walks (64 characters left, 253
// right), so a text of thousands of '@' stays linear.
import { candidate, type Candidate } from '../candidate.ts';
import { isAsciiAlnum } from '../chars.ts';
import { validateEmail } from '../validators/email.ts';
import { knownDomainLength } from './host-policy.ts';

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

function isLocalCode(code: number): boolean {
  return isAsciiAlnum(code) || code === 0x2e || code === 0x5f || code === 0x25 || code === 0x2b || code === 0x2d;
}

function isDomainCode(code: number): boolean {
  return isAsciiAlnum(code) || code === 0x2e || code === 0x2d;
}

export function scanEmails(text: string, out: Candidate[]): void {
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && at - start < MAX_LOCAL && isLocalCode(text.charCodeAt(start - 1))) start--;
    if (start > 0 && isLocalCode(text.charCodeAt(start - 1))) continue;
    while (start < at && text.charCodeAt(start) === 0x2e) start++;
    if (start === at) continue;
    let end = at + 1;
    while (end < text.length && end - at <= MAX_DOMAIN && isDomainCode(text.charCodeAt(end))) end++;
    while (end > at + 1 && (text.charCodeAt(end - 1) === 0x2e || text.charCodeAt(end - 1) === 0x2d)) end--;
    // Prefer the longest domain ending in a known TLD ("a@example.com.Merci" stops at ".com");
    // an unknown TLD is still accepted when nothing shorter fits (corporate and new gTLDs).
    const known = knownDomainLength(text.slice(at + 1, end));
    if (known > 0) end = at + 1 + known;
    const found = validateEmail(text.slice(start, end));
    if (!found) continue;
    out.push(candidate('email', found, start, end));
    at = end - 1;
  }
}

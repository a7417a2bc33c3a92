// IPv4 dotted quads and IPv6 addresses. A quad inside a longer dotted run (1.2.3.4.5) or glued to
// a letter (v1.2.3.4, a version) is not an address.
import { candidate, type Candidate } from '../candidate.ts';
import { codeAt, isWordCode } from '../chars.ts';
import { validateIp } from '../validators/ip.ts';

function scanV4(text: string, out: Candidate[]): void {
  // The lookbehind sits after the first digit so the engine can skip ahead to digits.
  const quads = /\d(?<![\w.]\d)\d{0,2}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?!\w|\.\d)/g;
  for (let m = quads.exec(text); m; m = quads.exec(text)) {
    if (isWordCode(codeAt(text, m.index - 1))) continue;
    const found = validateIp(m[0]);
    if (found) out.push(candidate('ip', found, m.index, m.index + m[0].length));
  }
}

function isV6Code(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x3a) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66) || code === 0x2e
  );
}

function scanV6(text: string, out: Candidate[]): void {
  // From each colon, the surrounding run of hex digits, colons and dots, examined once.
  let next = 0;
  for (let colon = text.indexOf(':'); colon >= 0; colon = text.indexOf(':', next)) {
    let start = colon;
    while (start > 0 && isV6Code(text.charCodeAt(start - 1))) start--;
    let end = colon + 1;
    while (end < text.length && isV6Code(text.charCodeAt(end))) end++;
    next = end;
    if (isWordCode(codeAt(text, start - 1)) || isWordCode(codeAt(text, end))) continue;
    while (end > start && text.charCodeAt(end - 1) === 0x2e) end--;
    while (start < end && text.charCodeAt(start) === 0x2e) start++;
    const raw = text.slice(start, end);
    // At least two colons and a digit: rules out "Abc::Def", times are refused by the validator.
    if (raw.indexOf(':') === raw.lastIndexOf(':') || !/\d/.test(raw)) continue;
    const found = validateIp(raw);
    if (found) out.push(candidate('ip', found, start, end));
  }
}

export function scanIps(text: string, out: Candidate[]): void {
  scanV4(text, out);
  scanV6(text, out);
}

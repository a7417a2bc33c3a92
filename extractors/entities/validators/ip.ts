// IP addresses. IPv4 must be a strict dotted quad (no leading zeros: "010" is octal to some
// parsers and decimal to others, so it is refused rather than guessed); IPv6 is checked with
// node:net and printed in ipaddr.js's canonical (RFC 5952) form, which also writes embedded
// IPv4 as hex groups (::ffff:192.0.2.1 -> ::ffff:c000:201).
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Validated } from './validated.ts';

const IPV4 = /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}$/;

function canonical(text: string): string | null {
  // node:net and ipaddr.js agree on what is an address; the guard is for the day they do not.
  try {
    return ipaddr.parse(text).toString();
  } catch {
    return null;
  }
}

export function validateIp(raw: string): Validated | null {
  let text = raw.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const version = isIP(text);
  if (version === 4) {
    const value = IPV4.test(text) ? canonical(text) : null;
    return value ? { value, details: { version: '4' } } : null;
  }
  if (version === 6) {
    // Zone ids (fe80::1%eth0) name a local interface: meaningless for a pivot.
    const value = text.includes('%') ? null : canonical(text);
    return value ? { value, details: { version: '6' } } : null;
  }
  return null;
}

// Tor onion service addresses. v3: 56 base32 characters encoding pubkey(32) || checksum(2) ||
// version(1), checksum = SHA3-256(".onion checksum" || pubkey || version)[:2], version = 3.
// v2 (16 characters, retired by Tor in 2021) carries no checksum; it is still accepted, with
// details.version '2', because old addresses keep circulating in archives and lists.
import { createHash } from 'node:crypto';
import type { Validated } from './validated.ts';

const SHAPE = /^(?:[a-z2-7]{56}|[a-z2-7]{16})\.onion$/;
const CHECKSUM_PREFIX = Buffer.from('.onion checksum', 'ascii');

function decodeBase32(text: string): Buffer {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // a-z -> 0..25, 2-7 -> 26..31 (shape already checked).
    const v = code >= 0x61 ? code - 0x61 : code - 0x32 + 26;
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
    acc &= (1 << bits) - 1;
  }
  return Buffer.from(out);
}

export function validateOnion(raw: string): Validated | null {
  let host = raw.trim().toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  // A subdomain of an onion service is the same service.
  const labels = host.split('.');
  if (labels.length > 2) host = labels.slice(-2).join('.');
  if (!SHAPE.test(host)) return null;
  const name = host.slice(0, -'.onion'.length);
  if (name.length === 16) return { value: host, details: { version: '2' } };
  const bytes = decodeBase32(name);
  const pubkey = bytes.subarray(0, 32);
  const version = bytes[34];
  if (version !== 3) return null;
  const digest = createHash('sha3-256').update(CHECKSUM_PREFIX).update(pubkey).update(Uint8Array.of(3)).digest();
  if (digest[0] !== bytes[32] || digest[1] !== bytes[33]) return null;
  return { value: host, details: { version: '3' } };
}

// Ethereum addresses: 0x + 40 hex. All-lower and all-upper carry no checksum; mixed case must
// follow EIP-55 (each hex letter uppercase iff the matching nibble of keccak-256 is >= 8).
import { keccak_256 } from '@noble/hashes/sha3.js';
import type { Validated } from './validated.ts';

const SHAPE = /^0x[0-9a-fA-F]{40}$/;
const encoder = new TextEncoder();

function hasValidChecksum(hex: string): boolean {
  const hash = keccak_256(encoder.encode(hex.toLowerCase()));
  for (let i = 0; i < 40; i++) {
    const ch = hex.charCodeAt(i);
    const isLetter = ch > 0x39;
    if (!isLetter) continue;
    const byte = hash[i >> 1] as number;
    const nibble = i % 2 === 0 ? byte >> 4 : byte & 0x0f;
    const isUpper = ch < 0x61;
    if (isUpper !== nibble >= 8) return false;
  }
  return true;
}

export function validateEth(raw: string): Validated | null {
  const text = raw.trim();
  if (!SHAPE.test(text)) return null;
  const hex = text.slice(2);
  const lower = hex.toLowerCase();
  const mixed = hex !== lower && hex !== hex.toUpperCase();
  if (mixed && !hasValidChecksum(hex)) return null;
  return { value: `0x${lower}`, details: { checksum: mixed ? 'eip55' : 'none' } };
}

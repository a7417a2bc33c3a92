// Monero mainnet addresses: standard (network byte 18, "4...", 95 chars), integrated (19, "4...",
// 106 chars, with an 8-byte payment id) and subaddress (42, "8...", 95 chars). The last 4 bytes
// are the first 4 of keccak-256 over everything before them.
import { keccak_256 } from '@noble/hashes/sha3.js';
import { decodeMoneroBase58 } from './monero-base58.ts';
import type { Validated } from './validated.ts';

const SHAPE = /^[48][1-9A-HJ-NP-Za-km-z]{94}(?:[1-9A-HJ-NP-Za-km-z]{11})?$/;
const KINDS: Record<number, { kind: string; bytes: number }> = {
  18: { kind: 'standard', bytes: 69 },
  19: { kind: 'integrated', bytes: 77 },
  42: { kind: 'subaddress', bytes: 69 },
};

export function validateXmr(raw: string): Validated | null {
  const text = raw.trim();
  if (!SHAPE.test(text)) return null;
  const bytes = decodeMoneroBase58(text);
  if (!bytes) return null;
  const spec = KINDS[bytes[0] as number];
  if (!spec || spec.bytes !== bytes.length) return null;
  const body = bytes.subarray(0, bytes.length - 4);
  const hash = keccak_256(body);
  for (let i = 0; i < 4; i++) if (hash[i] !== bytes[body.length + i]) return null;
  return { value: text, details: { kind: spec.kind } };
}

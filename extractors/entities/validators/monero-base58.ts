// Monero's base58: the Bitcoin alphabet applied to 8-byte blocks, each written as 11 characters
// (a shorter final block uses the lengths below), so it never needs big-number division over
// the whole 69- or 77-byte payload.
import { BASE58_ALPHABET, base58Digit } from './base58.ts';

/** Encoded length of a block of n bytes, n = 0..8. */
const ENCODED_BLOCK_SIZES = [0, 2, 3, 5, 6, 7, 9, 10, 11];
const FULL_ENCODED = 11;
const FULL_DECODED = 8;

function decodeBlock(text: string, from: number, to: number, out: number[]): boolean {
  const size = ENCODED_BLOCK_SIZES.indexOf(to - from);
  if (size <= 0) return false;
  let num = 0n;
  for (let i = from; i < to; i++) {
    const d = base58Digit(text.charCodeAt(i));
    if (d < 0) return false;
    num = num * 58n + BigInt(d);
  }
  if (num >> BigInt(size * 8) !== 0n) return false;
  for (let k = size - 1; k >= 0; k--) out.push(Number((num >> BigInt(k * 8)) & 0xffn));
  return true;
}

export function decodeMoneroBase58(text: string): Uint8Array | null {
  const out: number[] = [];
  for (let i = 0; i < text.length; i += FULL_ENCODED) {
    if (!decodeBlock(text, i, Math.min(i + FULL_ENCODED, text.length), out)) return null;
  }
  return Uint8Array.from(out);
}

export function encodeMoneroBase58(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += FULL_DECODED) {
    const block = bytes.subarray(i, Math.min(i + FULL_DECODED, bytes.length));
    let num = 0n;
    for (const b of block) num = (num << 8n) | BigInt(b);
    let chunk = '';
    for (let k = 0; k < (ENCODED_BLOCK_SIZES[block.length] as number); k++) {
      chunk = BASE58_ALPHABET[Number(num % 58n)] + chunk;
      num /= 58n;
    }
    text += chunk;
  }
  return text;
}

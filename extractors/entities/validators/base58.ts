// Bitcoin-alphabet base58 (no 0, O, I, l), shared by Bitcoin and, block-wise, by Monero.

export const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

const DIGIT_OF = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE58_ALPHABET.length; i++) DIGIT_OF[BASE58_ALPHABET.charCodeAt(i)] = i;

/** Value 0..57 of a base58 character code, or -1. */
export function base58Digit(code: number): number {
  return code < 128 ? (DIGIT_OF[code] as number) : -1;
}

/**
 * Decodes a whole base58 string (leading '1's are zero bytes). Quadratic in length, which is fine
 * for the short strings it is given (addresses of at most a few dozen characters). null if a
 * character is outside the alphabet.
 */
export function decodeBase58(text: string): Uint8Array | null {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let carry = base58Digit(text.charCodeAt(i));
    if (carry < 0) return null;
    for (let k = 0; k < bytes.length; k++) {
      carry += (bytes[k] as number) * 58;
      bytes[k] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  for (let i = 0; i < text.length && text.charCodeAt(i) === 49; i++) bytes.push(0);
  return Uint8Array.from(bytes.reverse());
}

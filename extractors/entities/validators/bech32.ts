// Bech32 (BIP-173) and bech32m (BIP-350) segwit address decoding. Witness v0 must use the
// bech32 constant, v1..v16 the bech32m one: the same string cannot be valid under both.

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32_CONST = 1;
const BECH32M_CONST = 0x2bc830a3;
const GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

const VALUE_OF = new Int8Array(128).fill(-1);
for (let i = 0; i < CHARSET.length; i++) VALUE_OF[CHARSET.charCodeAt(i)] = i;

function polymod(values: readonly number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk = (chk ^ (GENERATORS[i] as number)) >>> 0;
  }
  return chk;
}

function expandHrp(hrp: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) >> 5);
  out.push(0);
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) & 31);
  return out;
}

/** Regroups 5-bit words into bytes; null when the padding is not zero or too long (BIP-173). */
function fiveToEight(words: readonly number[]): number[] | null {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  for (const w of words) {
    acc = (acc << 5) | w;
    bits += 5;
    while (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
    acc &= (1 << bits) - 1;
  }
  if (bits >= 5 || acc !== 0) return null;
  return out;
}

export interface SegwitAddress {
  version: number;
  program: Uint8Array;
}

/** Decodes a segwit address for the given human-readable part; null on any rule violation. */
export function decodeSegwit(address: string, expectedHrp: string): SegwitAddress | null {
  if (address.length < 14 || address.length > 90) return null;
  const lower = address.toLowerCase();
  // Mixed case is forbidden; either all-lower or all-upper is fine.
  if (address !== lower && address !== address.toUpperCase()) return null;
  const sep = lower.lastIndexOf('1');
  if (lower.slice(0, sep) !== expectedHrp || lower.length - sep - 1 < 6) return null;
  const data: number[] = [];
  for (let i = sep + 1; i < lower.length; i++) {
    const code = lower.charCodeAt(i);
    const v = code < 128 ? (VALUE_OF[code] as number) : -1;
    if (v < 0) return null;
    data.push(v);
  }
  const residue = polymod([...expandHrp(expectedHrp), ...data]);
  const version = data[0] as number;
  if (version > 16) return null;
  const expectedConst = version === 0 ? BECH32_CONST : BECH32M_CONST;
  if (residue !== expectedConst) return null;
  const program = fiveToEight(data.slice(1, -6));
  if (!program || program.length < 2 || program.length > 40) return null;
  if (version === 0 && program.length !== 20 && program.length !== 32) return null;
  return { version, program: Uint8Array.from(program) };
}

// Bitcoin mainnet addresses: base58check P2PKH (1...) and P2SH (3...), and native segwit
// (bc1...) in bech32 for witness v0 and bech32m for v1+ (BIP-173, BIP-350). Testnet addresses
// are not accepted: they carry no value and would only add noise to pivots.
import { createHash } from 'node:crypto';
import { decodeBase58 } from './base58.ts';
import { decodeSegwit } from './bech32.ts';
import type { Validated } from './validated.ts';

const BASE58_SHAPE = /^[13][1-9A-HJ-NP-Za-km-z]{25,34}$/;

function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

function validateBase58Check(raw: string): Validated | null {
  if (!BASE58_SHAPE.test(raw)) return null;
  const bytes = decodeBase58(raw);
  if (!bytes || bytes.length !== 25) return null;
  const version = bytes[0];
  const kind = version === 0x00 ? 'p2pkh' : version === 0x05 ? 'p2sh' : null;
  // The leading character follows from the version byte; a mismatch means a foreign encoding.
  if (!kind || (kind === 'p2pkh') !== raw.startsWith('1')) return null;
  const check = sha256(sha256(bytes.subarray(0, 21)));
  for (let i = 0; i < 4; i++) if (check[i] !== bytes[21 + i]) return null;
  return { value: raw, details: { kind } };
}

function validateSegwit(raw: string): Validated | null {
  const decoded = decodeSegwit(raw, 'bc');
  if (!decoded) return null;
  const { version, program } = decoded;
  let kind: string;
  if (version === 0) kind = program.length === 20 ? 'p2wpkh' : 'p2wsh';
  else if (version === 1 && program.length === 32) kind = 'p2tr';
  else kind = `segwit-v${version}`;
  return { value: raw.toLowerCase(), details: { kind } };
}

export function validateBtc(raw: string): Validated | null {
  const text = raw.trim();
  if (/^bc1/i.test(text)) return validateSegwit(text);
  return validateBase58Check(text);
}

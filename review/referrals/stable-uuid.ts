// UUIDs for the objects of one package (MISP event and attributes, STIX objects) derived from the
// referral id and the object's name, so the same referral rebuilt gives the same files. They have
// the version-4 layout STIX and MISP validators expect; the referral id (random) makes them unique.
import { createHash } from 'node:crypto';

export function stableUuid(seed: string, name: string): string {
  const bytes = createHash('sha256').update(`${seed.length}:${seed}${name}`, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// The pHash multi-index finds exactly what a brute-force scan finds, at every threshold it accepts.
import { describe, expect, it } from 'vitest';
import { hammingDistanceHex } from '../../extractors/hashes/phash.ts';
import { PhashIndex } from '../../extractors/hashes/phash-index.ts';

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

const hex = (random: () => number) => Array.from({ length: 16 }, () => Math.floor(random() * 16).toString(16)).join('');

function flip(hash: string, positions: number[]): string {
  let value = BigInt(`0x${hash}`);
  for (const p of positions) value ^= 1n << BigInt(p);
  return value.toString(16).padStart(16, '0');
}

describe('PhashIndex', () => {
  const random = seeded(99);
  const entries = Array.from({ length: 5000 }, () => hex(random));
  const index = new PhashIndex(entries);

  it('agrees with a brute-force scan for thresholds 0 to 12', () => {
    const queries: string[] = [];
    for (let i = 0; i < 60; i++) {
      const bits = new Set(Array.from({ length: i % 16 }, () => Math.floor(random() * 64)));
      queries.push(flip(entries[i * 50]!, [...bits]));
    }
    for (let i = 0; i < 20; i++) queries.push(hex(random));
    for (let threshold = 0; threshold <= 12; threshold += 2) {
      for (const query of queries) {
        let best: { index: number; distance: number } | null = null;
        entries.forEach((entry, i) => {
          const distance = hammingDistanceHex(query, entry);
          if (distance <= threshold && (!best || distance < best.distance)) best = { index: i, distance };
        });
        const found = index.nearest(query, threshold);
        expect(found && { index: found.index, distance: found.distance }).toEqual(best);
        if (found) expect(found.hash).toBe(entries[found.index]);
      }
    }
  });

  it('handles empty indexes, bits in every band, and refuses bad input', () => {
    expect(new PhashIndex([]).nearest('0123456789abcdef', 10)).toBeNull();
    const one = new PhashIndex(['ffff0000ffff0000']);
    // 3 bits in each band: 12 apart, found only at 12.
    const query = flip('ffff0000ffff0000', [0, 1, 2, 16, 17, 18, 32, 33, 34, 48, 49, 50]);
    expect(one.nearest(query, 11)).toBeNull();
    expect(one.nearest(query, 12)).toMatchObject({ index: 0, distance: 12 });
    expect(() => one.nearest('xyz', 10)).toThrow(RangeError);
    expect(() => one.nearest('0123456789abcdef', 13)).toThrow(RangeError);
  });
});

// Nearest-neighbour search of 64-bit pHashes within a Hamming distance, by multi-index hashing
// (Norouzi et al.; the banded approach of workers/near-duplicates.ts, generalised beyond exact
// band matches): split the 64 bits into 4 bands of 16. Two hashes at most t bits apart differ by at
// most floor(t / 4) bits in at least one band (pigeonhole), so a query visits, in each band, the
// buckets of every 16-bit value within that radius (137 per band at t = 10, 697 at t = 12) and
// compares only the entries found there. Buckets are a compressed layout (one offsets array per
// band, entries copied in bucket order), so a million entries take about 56 MB and a query at
// t = 10 compares about 8,000 candidates read sequentially, not a scan of the million.
import { popcount32 } from './phash.ts';

const BANDS = 4;
const BAND_VALUES = 1 << 16;

export interface PhashNeighbour {
  /** Index of the entry, in the order given to the index. */
  index: number;
  /** The entry, 16 lowercase hex digits. */
  hash: string;
  distance: number;
}

export class PhashIndex {
  readonly size: number;
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;
  private readonly offsets: Uint32Array[];
  private readonly ids: Uint32Array[];
  // Per band, the entries themselves in bucket order: a bucket's candidates are read sequentially
  // (random reads into one big array cost a cache miss each: ~10× slower at a million entries).
  private readonly bandHi: Uint32Array[];
  private readonly bandLo: Uint32Array[];
  private readonly masks = new Map<number, Uint16Array>();

  /** `hashes`: 16 hex digits each (validated by the caller: hash-kinds' normalizeHex and length). */
  constructor(hashes: readonly string[]) {
    this.size = hashes.length;
    this.hi = new Uint32Array(this.size);
    this.lo = new Uint32Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const hash = hashes[i]!;
      this.hi[i] = Number.parseInt(hash.slice(0, 8), 16) >>> 0;
      this.lo[i] = Number.parseInt(hash.slice(8, 16), 16) >>> 0;
    }
    this.offsets = [];
    this.ids = [];
    this.bandHi = [];
    this.bandLo = [];
    for (let band = 0; band < BANDS; band++) {
      const counts = new Uint32Array(BAND_VALUES + 1);
      for (let i = 0; i < this.size; i++) counts[this.bandOf(i, band) + 1]!++;
      for (let v = 0; v < BAND_VALUES; v++) counts[v + 1]! += counts[v]!;
      const fill = counts.slice(0, BAND_VALUES);
      const ids = new Uint32Array(this.size);
      for (let i = 0; i < this.size; i++) ids[fill[this.bandOf(i, band)]!++] = i;
      const hi = new Uint32Array(this.size);
      const lo = new Uint32Array(this.size);
      for (let k = 0; k < this.size; k++) {
        hi[k] = this.hi[ids[k]!]!;
        lo[k] = this.lo[ids[k]!]!;
      }
      this.offsets.push(counts);
      this.ids.push(ids);
      this.bandHi.push(hi);
      this.bandLo.push(lo);
    }
  }

  /** The closest entry at most `maxDistance` bits away (0..12), or null. Ties: the first entry. */
  nearest(query: string, maxDistance: number): PhashNeighbour | null {
    if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > 12) throw new RangeError('maxDistance must be an integer from 0 to 12');
    if (!/^[0-9a-f]{16}$/.test(query)) throw new RangeError(`not a 64-bit pHash: "${query.slice(0, 40)}"`);
    const qhi = Number.parseInt(query.slice(0, 8), 16) >>> 0;
    const qlo = Number.parseInt(query.slice(8, 16), 16) >>> 0;
    const masks = this.masksFor(Math.floor(maxDistance / BANDS));
    let best = -1;
    let bestDistance = maxDistance + 1;
    for (let band = 0; band < BANDS; band++) {
      const value = band < 2 ? (band === 0 ? qhi >>> 16 : qhi & 0xffff) : band === 2 ? qlo >>> 16 : qlo & 0xffff;
      const offsets = this.offsets[band]!;
      const ids = this.ids[band]!;
      const hi = this.bandHi[band]!;
      const lo = this.bandLo[band]!;
      for (let m = 0; m < masks.length; m++) {
        const bucket = value ^ masks[m]!;
        for (let k = offsets[bucket]!, end = offsets[bucket + 1]!; k < end; k++) {
          const distance = popcount32((hi[k]! ^ qhi) >>> 0) + popcount32((lo[k]! ^ qlo) >>> 0);
          if (distance < bestDistance || (distance === bestDistance && ids[k]! < best)) {
            best = ids[k]!;
            bestDistance = distance;
          }
        }
      }
    }
    return best < 0 ? null : { index: best, hash: this.hashAt(best), distance: bestDistance };
  }

  hashAt(index: number): string {
    return this.hi[index]!.toString(16).padStart(8, '0') + this.lo[index]!.toString(16).padStart(8, '0');
  }

  private bandOf(i: number, band: number): number {
    switch (band) {
      case 0: return this.hi[i]! >>> 16;
      case 1: return this.hi[i]! & 0xffff;
      case 2: return this.lo[i]! >>> 16;
      default: return this.lo[i]! & 0xffff;
    }
  }

  /** Every 16-bit XOR mask with at most `radius` bits set. */
  private masksFor(radius: number): Uint16Array {
    let masks = this.masks.get(radius);
    if (!masks) {
      const list: number[] = [];
      for (let m = 0; m < BAND_VALUES; m++) if (popcount32(m) <= radius) list.push(m);
      masks = Uint16Array.from(list);
      this.masks.set(radius, masks);
    }
    return masks;
  }
}

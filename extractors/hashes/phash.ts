// A 64-bit DCT perceptual hash (pHash, as in the pHash library): grayscale, 32×32, 2-D DCT-II,
// the 8×8 lowest frequencies after the DC row and column, each bit set when its coefficient is
// above the median of the 64. Resizing, recompression, small brightness changes and small overlays
// move few coefficients across the median, so such copies stay a few bits apart; unrelated pictures
// land about 32 bits apart. Decoding and resizing go through sharp (libvips), with a pixel cap so a
// decompression bomb is refused before it is decoded, and `failOn` so a corrupt file is a clear error.
import type * as SharpModule from 'sharp';
import { NonRetryableError } from '../../config/errors.ts';

export const PHASH_BITS = 64;
/** Side of the square the image is reduced to before the DCT. */
const SIZE = 32;
/** Side of the low-frequency block kept (after skipping the DC row and column). */
const LOW = 8;

export interface PhashOptions {
  /** Width × height above which an image is refused undecoded (a decompression bomb). */
  maxInputPixels?: number;
}

export const PHASH_DEFAULTS = { maxInputPixels: 50_000_000 } as const;

// cos((2x + 1) u π / 2N) for u in 1..LOW, x in 0..N-1: the only rows of the DCT basis needed.
const BASIS: Float64Array[] = Array.from({ length: LOW }, (_, i) => {
  const u = i + 1;
  const row = new Float64Array(SIZE);
  for (let x = 0; x < SIZE; x++) row[x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * SIZE));
  return row;
});

/** The pHash of an encoded image (JPEG, PNG, WebP, GIF, AVIF, TIFF...), as 16 lowercase hex digits. */
export async function phashOfImage(bytes: Uint8Array, options: PhashOptions = {}): Promise<string> {
  const maxInputPixels = options.maxInputPixels ?? PHASH_DEFAULTS.maxInputPixels;
  // SVG is a document, not pixels: rasterising it could make the decoder load what it references.
  if (looksLikeMarkup(bytes)) {
    throw new NonRetryableError('image-unsupported', 'cannot hash image: SVG and other markup are not hashed perceptually', { details: { bytes: bytes.length } });
  }
  let pixels: Buffer;
  try {
    const sharp = await loadSharp();
    pixels = await sharp(bytes, { limitInputPixels: maxInputPixels, failOn: 'error', animated: false })
      // EXIF orientation first: a photo and its rotated-by-metadata copy are the same picture.
      .rotate()
      // Transparent areas are judged on white, as a browser on a white page shows them.
      .flatten({ background: '#ffffff' })
      .grayscale()
      .resize(SIZE, SIZE, { fit: 'fill', kernel: 'cubic' })
      .raw()
      .toBuffer();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = /pixel limit/i.test(message) ? 'image-too-large' : 'image-undecodable';
    throw new NonRetryableError(code, `cannot hash image: ${message}`, { cause: err, details: { bytes: bytes.length } });
  }
  if (pixels.length !== SIZE * SIZE) {
    throw new NonRetryableError('image-undecodable', `cannot hash image: expected ${SIZE * SIZE} gray pixels, got ${pixels.length}`);
  }
  return phashOfPixels(pixels);
}

// Loaded on first use: the native module costs ~0.4 s to load, which every `vigie` command would
// pay otherwise (the CLI imports all its commands).
let sharpModule: Promise<typeof SharpModule> | null = null;
async function loadSharp(): Promise<typeof SharpModule.default> {
  sharpModule ??= import('sharp');
  return (await sharpModule).default;
}

function looksLikeMarkup(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && i < 256 && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x3c; // '<'
}

/** The pHash of a 32×32 grayscale image given row by row (1024 values, any scale). */
export function phashOfPixels(gray: ArrayLike<number>): string {
  if (gray.length !== SIZE * SIZE) throw new RangeError(`phashOfPixels needs ${SIZE * SIZE} values, got ${gray.length}`);
  // Separable DCT, only the LOW rows of each pass: first along x for every image row ...
  const rows = new Float64Array(SIZE * LOW);
  for (let y = 0; y < SIZE; y++) {
    for (let u = 0; u < LOW; u++) {
      const basis = BASIS[u]!;
      let sum = 0;
      for (let x = 0; x < SIZE; x++) sum += basis[x]! * gray[y * SIZE + x]!;
      rows[y * LOW + u] = sum;
    }
  }
  // ... then along y. Normalisation factors are constant over the block and cannot change the
  // comparison with the median, so they are left out.
  const coefficients = new Float64Array(LOW * LOW);
  for (let v = 0; v < LOW; v++) {
    const basis = BASIS[v]!;
    for (let u = 0; u < LOW; u++) {
      let sum = 0;
      for (let y = 0; y < SIZE; y++) sum += basis[y]! * rows[y * LOW + u]!;
      coefficients[v * LOW + u] = sum;
    }
  }
  const sorted = Float64Array.from(coefficients).sort();
  const median = (sorted[LOW * LOW / 2 - 1]! + sorted[LOW * LOW / 2]!) / 2;
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 32; i++) {
    hi = (hi << 1) | (coefficients[i]! > median ? 1 : 0);
    lo = (lo << 1) | (coefficients[i + 32]! > median ? 1 : 0);
  }
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

/** Bits that differ between two hex hashes of the same length. */
export function hammingDistanceHex(a: string, b: string): number {
  if (a.length !== b.length || a.length % 8 !== 0) throw new RangeError(`cannot compare hashes of lengths ${a.length} and ${b.length}`);
  let distance = 0;
  for (let i = 0; i < a.length; i += 8) {
    distance += popcount32((Number.parseInt(a.slice(i, i + 8), 16) ^ Number.parseInt(b.slice(i, i + 8), 16)) >>> 0);
  }
  return distance;
}

export function popcount32(value: number): number {
  let x = value >>> 0;
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

// pHash must behave as a perceptual hash: copies of one picture (resized, recompressed, brighter,
// with a small watermark) stay within a few bits; different pictures are far apart. The pictures
// are synthetic scenes drawn with sharp (gradients, shapes, noise), never downloaded.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { hammingDistanceHex, phashOfImage, phashOfPixels, popcount32 } from '../../extractors/hashes/phash.ts';
import { syntheticScene } from '../helpers/synthetic-images.ts';

const SCENES = 16;

describe('phashOfImage', () => {
  it('keeps transformed copies of a picture close and different pictures far', async () => {
    const worst: number[] = [];
    const hashes: string[] = [];
    for (let seed = 1; seed <= SCENES; seed++) {
      const original = await syntheticScene(seed);
      const hash = await phashOfImage(original);
      hashes.push(hash);
      const copies = await Promise.all([
        sharp(original).resize(320, 240).png().toBuffer(),
        sharp(original).resize(1024, 768).jpeg({ quality: 80 }).toBuffer(),
        sharp(original).jpeg({ quality: 15 }).toBuffer(),
        sharp(original).modulate({ brightness: 1.12 }).png().toBuffer(),
        sharp(original).webp({ quality: 40 }).toBuffer(),
        sharp(original).composite([{ input: await watermark(), top: 420, left: 540 }]).png().toBuffer(),
      ]);
      const distances = await Promise.all(copies.map(async (copy) => hammingDistanceHex(hash, await phashOfImage(copy))));
      worst.push(Math.max(...distances));
    }
    for (const distance of worst) expect(distance).toBeLessThanOrEqual(10);

    let total = 0;
    let pairs = 0;
    let closest = 64;
    for (let i = 0; i < hashes.length; i++) {
      for (let j = i + 1; j < hashes.length; j++) {
        const distance = hammingDistanceHex(hashes[i]!, hashes[j]!);
        total += distance;
        pairs++;
        closest = Math.min(closest, distance);
      }
    }
    expect(total / pairs).toBeGreaterThanOrEqual(20);
    // No two distinct scenes within the default match threshold.
    expect(closest).toBeGreaterThan(10);
  }, 60_000);

  it('gives 16 lowercase hex digits, the same for the same picture in every format', async () => {
    const png = await syntheticScene(42);
    const hash = await phashOfImage(png);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(await phashOfImage(await sharp(png).png({ compressionLevel: 0 }).toBuffer())).toBe(hash);
    for (const encoded of [await sharp(png).gif().toBuffer(), await sharp(png).avif({ quality: 60 }).toBuffer(), await sharp(png).tiff().toBuffer()]) {
      expect(hammingDistanceHex(hash, await phashOfImage(encoded))).toBeLessThanOrEqual(10);
    }
  }, 30_000);

  it('sees through EXIF orientation and transparency', async () => {
    const png = await syntheticScene(7);
    const hash = await phashOfImage(png);
    // Pixels rotated, with the EXIF tag that rotates them back: the same picture on screen.
    const rotated = await sharp(png).rotate(90).jpeg({ quality: 90 }).withMetadata({ orientation: 8 }).toBuffer();
    expect(hammingDistanceHex(hash, await phashOfImage(rotated))).toBeLessThanOrEqual(10);
    const transparent = await sharp(png).ensureAlpha(1).png().toBuffer();
    expect(hammingDistanceHex(hash, await phashOfImage(transparent))).toBeLessThanOrEqual(2);
  });

  it('refuses corrupt, truncated, non-image and oversized input with clear errors', async () => {
    const jpeg = await sharp(await syntheticScene(3)).jpeg().toBuffer();
    await expect(phashOfImage(Buffer.from('not an image at all'))).rejects.toMatchObject({ code: 'image-undecodable' });
    await expect(phashOfImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>'))).rejects.toMatchObject({ code: 'image-unsupported' });
    await expect(phashOfImage(Buffer.alloc(0))).rejects.toMatchObject({ code: 'image-undecodable' });
    await expect(phashOfImage(jpeg.subarray(0, Math.floor(jpeg.length / 3)))).rejects.toMatchObject({ code: 'image-undecodable' });
    // A 5000×5000 PNG of one colour is tiny on the wire but 25 megapixels decoded.
    const bomb = await sharp({ create: { width: 5000, height: 5000, channels: 3, background: '#000' }, limitInputPixels: false }).png().toBuffer();
    expect(bomb.length).toBeLessThan(2_000_000);
    await expect(phashOfImage(bomb, { maxInputPixels: 10_000_000 })).rejects.toMatchObject({ code: 'image-too-large' });
  }, 30_000);
});

describe('phashOfPixels and hamming distance', () => {
  it('hashes a known pattern deterministically and checks its input', () => {
    // Contrast and brightness (an affine change of every pixel) leave the non-DC signs as they are.
    const pixels = Array.from({ length: 1024 }, (_, i) => (i * 7919) % 251);
    expect(phashOfPixels(pixels)).toBe(phashOfPixels(pixels.map((v) => v * 2 + 5)));
    expect(phashOfPixels(pixels)).not.toBe(phashOfPixels(pixels.map((v) => 255 - v)));
    expect(() => phashOfPixels([1, 2, 3])).toThrow(RangeError);
  });

  it('counts differing bits', () => {
    expect(hammingDistanceHex('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistanceHex('8000000000000001', '0000000000000000')).toBe(2);
    expect(hammingDistanceHex('abcdef0123456789', 'abcdef0123456789')).toBe(0);
    expect(popcount32(0xffffffff)).toBe(32);
    expect(() => hammingDistanceHex('00', '0000')).toThrow(RangeError);
  });
});

async function watermark(): Promise<Buffer> {
  return sharp({ create: { width: 90, height: 50, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 0.6 } } }).png().toBuffer();
}

// Deterministic synthetic pictures for the hash tests and the pHash bench: a gradient background,
// shapes and a little noise, drawn as SVG and rasterised by sharp. Nothing is downloaded.
import sharp from 'sharp';

/** A 640×480 PNG scene; the same seed always gives the same picture. */
export async function syntheticScene(seed: number, width = 640, height = 480): Promise<Buffer> {
  const random = mulberry32(seed);
  const color = () => `rgb(${Math.floor(random() * 256)},${Math.floor(random() * 256)},${Math.floor(random() * 256)})`;
  const shapes: string[] = [];
  const count = 4 + Math.floor(random() * 6);
  for (let i = 0; i < count; i++) {
    const x = Math.floor(random() * width);
    const y = Math.floor(random() * height);
    const size = 40 + Math.floor(random() * 200);
    if (random() < 0.5) shapes.push(`<circle cx="${x}" cy="${y}" r="${size / 2}" fill="${color()}"/>`);
    else shapes.push(`<rect x="${x - size / 2}" y="${y - size / 3}" width="${size}" height="${(size * 2) / 3}" fill="${color()}" transform="rotate(${Math.floor(random() * 90)} ${x} ${y})"/>`);
  }
  const angle = Math.floor(random() * 4);
  const [x2, y2] = [['1', '0'], ['0', '1'], ['1', '1'], ['0.3', '1']][angle]!;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="${x2}" y2="${y2}"><stop offset="0" stop-color="${color()}"/><stop offset="1" stop-color="${color()}"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>${shapes.join('')}</svg>`;
  const noise = Buffer.alloc(width * height);
  for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(random() * 40);
  const noiseLayer = await sharp(noise, { raw: { width, height, channels: 1 } }).toColourspace('b-w').png().toBuffer();
  return sharp(Buffer.from(svg)).composite([{ input: noiseLayer, blend: 'overlay' }]).png().toBuffer();
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

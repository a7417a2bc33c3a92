// The images and downloadable files a page shows or offers: <img src/srcset>, <picture><source>,
// <video>/<audio>/<source src>, <meta property="og:image">, <link rel="image_src">, and links
// (a/area href) whose path ends in a file extension worth hashing. Resolved against the document's
// base, deduplicated, capped per page in document order. `data:` images are kept as such: they are
// decoded, not fetched.
import type { AnyNode, Element } from 'domhandler';
import { parseHtml } from '../parse-page.ts';
import { documentBaseUrl } from '../parse-links.ts';

export interface MediaRef {
  url: string;
  kind: 'image' | 'file';
}

export interface MediaLimits {
  maxImages: number;
  maxFiles: number;
}

export interface CollectedMedia {
  media: MediaRef[];
  /** Distinct references beyond the caps (counted, not fetched). */
  capped: number;
}

/** Extensions of downloadable files worth hashing (partner lists hold archives, videos, documents, apps). */
export const FILE_EXTENSIONS = new Set([
  'pdf', 'zip', 'rar', '7z', 'tar', 'gz', 'tgz', 'bz2', 'xz', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'odt', 'ods', 'rtf', 'epub',
  'exe', 'msi', 'apk', 'ipa', 'dmg', 'iso', 'jar', 'bat', 'ps1', 'scr',
  'mp4', 'm4v', 'webm', 'avi', 'mov', 'mkv', 'flv', 'wmv', 'mpg', 'mpeg', '3gp', 'mp3', 'wav', 'ogg', 'flac', 'm4a',
]);
const IMAGE_EXTENSIONS = new Set(['jpg', 'jpeg', 'jpe', 'jfif', 'png', 'gif', 'webp', 'avif', 'bmp', 'tif', 'tiff', 'heic', 'heif']);
const OPAQUE = new Set(['script', 'style', 'template', 'math']);
/** Longer attribute values are junk (or an inline image too big to be worth decoding). */
const MAX_REF_CHARS = 16 * 1024 * 1024;

export function collectMedia(html: string, pageUrl: string, limits: MediaLimits): CollectedMedia {
  const doc = parseHtml(html);
  const images: string[] = [];
  const files: string[] = [];
  let base: Element | null = null;
  const refs: { raw: string; kind: 'image' | 'file' | 'link' }[] = [];
  const stack: AnyNode[] = [];
  for (let i = doc.children.length - 1; i >= 0; i--) stack.push(doc.children[i]!);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type !== 'tag') continue;
    const a = node.attribs;
    switch (node.name) {
      case 'base':
        if (a.href !== undefined) base ??= node;
        break;
      case 'img':
        if (a.src) refs.push({ raw: a.src, kind: 'image' });
        if (a.srcset) refs.push(...largestCandidate(a.srcset).map((raw) => ({ raw, kind: 'image' as const })));
        // Lazy-loading scripts keep the real address in data attributes until the image scrolls in.
        for (const lazy of [a['data-src'], a['data-original'], a['data-lazy-src']]) if (lazy) refs.push({ raw: lazy, kind: 'image' });
        break;
      case 'source': {
        const inMedia = node.parent?.type === 'tag' && (node.parent.name === 'video' || node.parent.name === 'audio');
        if (a.srcset) refs.push(...largestCandidate(a.srcset).map((raw) => ({ raw, kind: 'image' as const })));
        if (a.src) refs.push({ raw: a.src, kind: inMedia ? 'file' : 'image' });
        break;
      }
      case 'video':
      case 'audio':
        if (a.src) refs.push({ raw: a.src, kind: 'file' });
        if (node.name === 'video' && a.poster) refs.push({ raw: a.poster, kind: 'image' });
        break;
      case 'meta': {
        const property = (a.property ?? a.name ?? '').toLowerCase();
        if ((property === 'og:image' || property === 'og:image:url' || property === 'og:image:secure_url' || property === 'twitter:image') && a.content) {
          refs.push({ raw: a.content, kind: 'image' });
        }
        break;
      }
      case 'link':
        if (a.href && /(^|\s)image_src(\s|$)/i.test(a.rel ?? '')) refs.push({ raw: a.href, kind: 'image' });
        break;
      case 'a':
      case 'area':
        if (a.href) refs.push({ raw: a.href, kind: 'link' });
        break;
    }
    if (OPAQUE.has(node.name)) continue;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }

  const baseUrl = documentBaseUrl(base, pageUrl);
  const seen = new Set<string>();
  let capped = 0;
  for (const ref of refs) {
    const url = resolve(ref.raw, baseUrl);
    if (!url || seen.has(url)) continue;
    const kind = ref.kind === 'link' ? linkKind(url) : ref.kind;
    if (!kind) continue;
    seen.add(url);
    const bucket = kind === 'image' ? images : files;
    if (bucket.length >= (kind === 'image' ? limits.maxImages : limits.maxFiles)) capped++;
    else bucket.push(url);
  }
  return { media: [...images.map((url) => ({ url, kind: 'image' as const })), ...files.map((url) => ({ url, kind: 'file' as const }))], capped };
}

/** The candidate with the largest width or density descriptor (the best copy of the picture). */
function largestCandidate(srcset: string): string[] {
  let best: string | null = null;
  let bestSize = -1;
  for (const candidate of srcset.split(/,\s+|,(?=[^,]*\s)/)) {
    const [url, descriptor] = candidate.trim().split(/\s+/, 2);
    if (!url) continue;
    const size = descriptor ? Number.parseFloat(descriptor) * (descriptor.endsWith('x') ? 10_000 : 1) : 10_000;
    if (Number.isFinite(size) && size > bestSize) {
      best = url;
      bestSize = size;
    }
  }
  return best ? [best] : [];
}

function resolve(raw: string, baseUrl: string): string | null {
  const value = raw.trim();
  if (value === '' || value.length > MAX_REF_CHARS) return null;
  if (/^data:/i.test(value)) return /^data:image\//i.test(value) ? value : null;
  try {
    const url = new URL(value, baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

function linkKind(url: string): 'image' | 'file' | null {
  if (url.startsWith('data:')) return null;
  const path = new URL(url).pathname;
  const segment = path.slice(path.lastIndexOf('/') + 1);
  const dot = segment.lastIndexOf('.');
  if (dot === -1) return null;
  const extension = segment.slice(dot + 1).toLowerCase();
  if (IMAGE_EXTENSIONS.has(extension)) return 'image';
  return FILE_EXTENSIONS.has(extension) ? 'file' : null;
}

// Inline images (`data:image/png;base64,...`): decoded in memory under the same byte cap as a
// fetched image, never fetched, never stored.
import { NonRetryableError } from '../../config/errors.ts';

export interface DataUrlContent {
  mediaType: string;
  bytes: Buffer;
}

export function decodeDataUrl(url: string, maxBytes: number): DataUrlContent {
  const comma = url.indexOf(',');
  const header = comma === -1 ? '' : url.slice(5, comma);
  if (!/^data:/i.test(url) || comma === -1) throw new NonRetryableError('bad-url', 'malformed data: URL', { details: { url: url.slice(0, 64) } });
  const params = header.split(';');
  const mediaType = (params[0] ?? '').trim().toLowerCase();
  const payload = url.slice(comma + 1);
  const base64 = params.slice(1).some((p) => p.trim().toLowerCase() === 'base64');
  // Base64 is 4 characters per 3 bytes: refuse before decoding anything too large.
  const estimated = base64 ? Math.floor((payload.length * 3) / 4) : payload.length;
  if (estimated > maxBytes) {
    throw new NonRetryableError('media-too-large', `inline image of about ${estimated} bytes exceeds ${maxBytes}`, { details: { limitBytes: maxBytes } });
  }
  let bytes: Buffer;
  try {
    bytes = base64 ? Buffer.from(payload.replace(/\s+/g, ''), 'base64') : Buffer.from(decodeURIComponent(payload), 'latin1');
  } catch (err) {
    throw new NonRetryableError('bad-url', 'undecodable data: URL', { cause: err });
  }
  return { mediaType, bytes };
}

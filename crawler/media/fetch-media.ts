// Fetches one image or downloadable file linked from a crawled page and hashes it as it streams:
// the same guarded request as pages (crawler/fetch-response.ts: every hop checked before
// connecting, the same header and redirect rules, one deadline for the whole fetch), the same
// capped streaming decoder (crawler/fetch-body.ts), and its own cap on bytes on the wire and
// decoded. The body goes through the hashes and, for an image, into memory for the perceptual
// hash; nothing of it is ever written anywhere.
import { NonRetryableError } from '../../config/errors.ts';
import { discardBody, streamBody } from '../fetch-body.ts';
import { isAllowedType, mimeType } from '../fetch-content-type.ts';
import { httpStatusError } from '../fetch-errors.ts';
import { firstValue } from '../fetch-redirects.ts';
import { guardedRequest } from '../fetch-response.ts';
import type { GuardedRequestOptions, HopResponse } from '../fetch-response.ts';
import { HashSink, type StreamDigests } from './hash-sink.ts';

export type MediaKind = 'image' | 'file';

export interface MediaFetchOptions extends Omit<GuardedRequestOptions, 'allowedContentTypes' | 'conditional'> {
  /** Target-configured headers: sent only to the page's own origin (see page-media). */
  headers?: Record<string, string>;
  /** Bytes on the wire, and bytes once decoded: the larger is refused, not truncated. */
  maxBytes: number;
}

export interface FetchedMedia extends StreamDigests {
  url: string;
  finalUrl: string;
  /** The declared MIME type ('' when none was sent). */
  mediaType: string;
  /** Only for images: the bytes, in memory, for the perceptual hash. */
  content: Buffer;
}

// Servers often label images and files generically; an HTML answer is a page (a soft 404, a login
// wall), never the media that was linked.
const IMAGE_TYPES = ['image/*', 'application/octet-stream', 'binary/octet-stream'];
const REFUSED_FILE_TYPES = ['text/html', 'application/xhtml+xml'];

export async function fetchMedia(url: string, kind: MediaKind, options: MediaFetchOptions, signal?: AbortSignal): Promise<FetchedMedia> {
  const accept = kind === 'image' ? ['image/avif', 'image/webp', 'image/*'] : ['*/*'];
  return guardedRequest(url, { ...options, allowedContentTypes: accept }, signal, async ({ start, url: final, response, signal: deadline }) => {
    const mediaType = checkResponse(response, final.href, kind, options.maxBytes);
    const sink = new HashSink(kind === 'image');
    await streamBody(
      response.body,
      {
        url: final.href,
        contentEncoding: firstValue(response.headers['content-encoding']),
        maxBytes: options.maxBytes,
        maxDecompressedBytes: options.maxBytes,
        signal: deadline,
        tooLargeCode: 'media-too-large',
      },
      sink,
    );
    return { url: start.href, finalUrl: final.href, mediaType, ...sink.digests(), content: sink.kept() };
  });
}

function checkResponse(response: HopResponse, url: string, kind: MediaKind, maxBytes: number): string {
  const { statusCode: status, headers, body } = response;
  const mediaType = mimeType(firstValue(headers['content-type']));
  try {
    if (status < 200 || status >= 300) throw httpStatusError(status, url, firstValue(headers['retry-after']));
    const refused = kind === 'image' ? mediaType !== '' && !isAllowedType(mediaType, IMAGE_TYPES) : REFUSED_FILE_TYPES.includes(mediaType);
    if (refused) {
      throw new NonRetryableError('media-type-refused', `${url}: a ${kind} link answered with ${mediaType}`, { details: { url, contentType: mediaType } });
    }
    const length = Number(firstValue(headers['content-length']));
    if (Number.isFinite(length) && length > maxBytes) {
      throw new NonRetryableError('media-too-large', `${url}: Content-Length ${length} exceeds ${maxBytes} bytes`, { details: { url, limitBytes: maxBytes, contentLength: length } });
    }
  } catch (err) {
    discardBody(body);
    throw err;
  }
  return mediaType;
}

// Media of crawled pages: which images and files a page carries, and fetching them guarded, capped
// and hashed as they stream, without keeping their bytes anywhere.
export { collectMedia, FILE_EXTENSIONS, type CollectedMedia, type MediaLimits, type MediaRef } from './collect-media.ts';
export { decodeDataUrl, type DataUrlContent } from './data-url.ts';
export { fetchMedia, type FetchedMedia, type MediaFetchOptions, type MediaKind } from './fetch-media.ts';
export { HashSink, type StreamDigests } from './hash-sink.ts';

// Reads a response body under two caps: bytes on the wire and bytes after decompression. The
// decompression runs as a back-pressured stream, so a gzip or brotli bomb costs at most the cap in
// memory and the time to inflate that much, never the bomb's full size. streamBody hands each chunk
// on as it passes (the media fetcher hashes it, keeping nothing); readBody collects the body.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { Duplex } from 'node:stream';
import { NonRetryableError } from '../config/errors.ts';
import { SNIFF_BYTES } from './fetch-content-type.ts';

export interface ReadBodyOptions {
  url: string;
  /** The Content-Encoding header, possibly a list such as `gzip, br`. */
  contentEncoding: string | undefined;
  maxBytes: number;
  maxDecompressedBytes: number;
  signal: AbortSignal;
  /** Sees the first SNIFF_BYTES decoded bytes (fewer if the body is shorter) once; throws to refuse. */
  inspectHead?: (head: Buffer) => void;
  /**
   * The error code for a body over either cap; by default `body-too-large`, or
   * `decompressed-too-large` when decoding made it so.
   */
  tooLargeCode?: string;
}

/** Where streamBody hands the bytes, as they pass. */
export interface BodySink {
  /** Each decoded chunk, once it is within maxDecompressedBytes. */
  write(chunk: Buffer): void;
  /** Each chunk as received, only when the body is content-encoded (else they are `write`'s). */
  wire?(chunk: Buffer): void;
}

export interface StreamedBody {
  wireBytes: number;
  /** Bytes after decompression. */
  bodyBytes: number;
  /** Whether content decoding changed the bytes. */
  encoded: boolean;
}

export interface BodyBytes {
  bytes: Buffer;
  /**
   * The body as received (after HTTP de-chunking, before content decoding): the evidence. The same
   * Buffer as `bytes` when the body was not content-encoded.
   */
  rawBytes: Buffer;
  wireBytes: number;
  /** Bytes after decompression. */
  bodyBytes: number;
}

const SUPPORTED_ENCODINGS = new Set(['gzip', 'x-gzip', 'deflate', 'br']);
// Each layer is a zlib stream; a server announcing dozens of layers is hostile, not clever.
const MAX_ENCODING_LAYERS = 3;

/** The encodings in the order the server applied them; throws 'bad-encoding' for unknown ones. */
export function parseContentEncoding(header: string | undefined, url: string): string[] {
  const encodings = (header ?? '')
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token !== '' && token !== 'identity');
  const unknown = encodings.find((encoding) => !SUPPORTED_ENCODINGS.has(encoding));
  if (unknown !== undefined || encodings.length > MAX_ENCODING_LAYERS) {
    throw new NonRetryableError('bad-encoding', `${url} uses an unsupported content-encoding "${header}"`, {
      details: { url, contentEncoding: header },
    });
  }
  return encodings;
}

export async function readBody(body: Readable, options: ReadBodyOptions): Promise<BodyBytes> {
  const chunks: Buffer[] = [];
  // Kept only when decoding changes the bytes; bounded by maxBytes like the wire count.
  const rawChunks: Buffer[] = [];
  const streamed = await streamBody(body, options, { write: (chunk) => chunks.push(chunk), wire: (chunk) => rawChunks.push(chunk) });
  const { wireBytes, bodyBytes, encoded } = streamed;
  const bytes = Buffer.concat(chunks, bodyBytes);
  return { bytes, rawBytes: encoded ? Buffer.concat(rawChunks, wireBytes) : bytes, wireBytes, bodyBytes };
}

/**
 * Streams a body through its content decoding under both caps, handing each chunk to `sink` as it
 * passes: nothing is buffered here beyond the head that inspectHead sees.
 */
export async function streamBody(body: Readable, options: ReadBodyOptions, sink: BodySink): Promise<StreamedBody> {
  const { url, maxBytes, maxDecompressedBytes } = options;
  let encodings: string[] = [];
  let wireBytes = 0;
  let bodyBytes = 0;
  const head: Buffer[] = [];
  let headInspected = options.inspectHead === undefined;
  // The error this reader raised itself: when a stage throws, pipeline may report the AbortError
  // it used to tear the other stages down instead.
  let refusal: unknown = null;
  const refuse = (err: unknown): never => {
    refusal ??= err;
    throw err;
  };

  const inspectHead = (): void => {
    headInspected = true;
    try {
      options.inspectHead?.(Buffer.concat(head).subarray(0, SNIFF_BYTES));
    } catch (err) {
      refuse(err);
    }
    head.length = 0;
  };

  async function* countWire(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      wireBytes += chunk.length;
      if (wireBytes > maxBytes) refuse(tooLarge(options.tooLargeCode ?? 'body-too-large', 'body', url, maxBytes, wireBytes));
      if (encodings.length > 0) sink.wire?.(chunk);
      yield chunk;
    }
  }

  async function consume(source: AsyncIterable<Buffer>): Promise<void> {
    for await (const chunk of source) {
      bodyBytes += chunk.length;
      if (bodyBytes > maxDecompressedBytes) {
        const encoded = encodings.length > 0;
        const code = options.tooLargeCode ?? (encoded ? 'decompressed-too-large' : 'body-too-large');
        refuse(tooLarge(code, encoded ? 'decompressed body' : 'body', url, maxDecompressedBytes, bodyBytes));
      }
      sink.write(chunk);
      if (!headInspected) {
        head.push(chunk);
        if (bodyBytes >= SNIFF_BYTES) inspectHead();
      }
    }
    if (!headInspected) inspectHead();
  }

  try {
    encodings = parseContentEncoding(options.contentEncoding, url);
    // The wire source is peeked so that `deflate` can tell zlib-wrapped data from raw deflate.
    const wire = countWire(body);
    const first = await wire.next();
    if (first.done) {
      if (!headInspected) inspectHead();
    } else {
      const decoders = [...encodings].reverse().map((encoding, index) =>
        createDecoder(encoding, index === 0 ? first.value : undefined),
      );
      await runPipeline(Readable.from(prepend(first.value, wire)), ...decoders, consume, { signal: options.signal });
    }
  } catch (err) {
    if (refusal) throw refusal;
    if (!options.signal.aborted && isDecoderFailure(err)) {
      throw new NonRetryableError('bad-encoding', `${url}: cannot decode ${options.contentEncoding} body`, {
        cause: err,
        details: { url, contentEncoding: options.contentEncoding },
      });
    }
    throw err;
  } finally {
    // Whatever happened, never leave the response (and its socket) half-read.
    if (!body.readableEnded) discardBody(body);
  }
  return { wireBytes, bodyBytes, encoded: encodings.length > 0 };
}

/** Drops a response body and its connection; safe to call at any time, any number of times. */
export function discardBody(body: Readable): void {
  // undici's body emits 'error' when destroyed before its end; nobody else may be listening.
  body.on('error', noop);
  body.destroy();
}

function noop(): void {}

type Stage = NodeJS.ReadableStream | NodeJS.ReadWriteStream | ((source: AsyncIterable<Buffer>) => Promise<void>);
// node's typings only spell out fixed-length pipelines; the number of decoders varies.
const runPipeline = pipeline as unknown as (...stages: [...Stage[], { signal: AbortSignal }]) => Promise<void>;

async function* prepend(first: Buffer, rest: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield first;
    yield* rest;
  } finally {
    await rest.return(undefined);
  }
}

function createDecoder(encoding: string, firstChunk: Buffer | undefined): Duplex {
  // Flushing (rather than finishing) tolerates a body cut short, as browsers do.
  const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  switch (encoding) {
    case 'br':
      return zlib.createBrotliDecompress({
        flush: zlib.constants.BROTLI_OPERATION_FLUSH,
        finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
      });
    case 'deflate':
      // `deflate` should be zlib-wrapped (RFC 9110), but some servers send raw deflate. A zlib
      // header's compression-method nibble is 8; a raw stream's first block header byte differs.
      return firstChunk && firstChunk.length > 0 && (firstChunk[0]! & 0x0f) !== 0x08
        ? zlib.createInflateRaw(flush)
        : zlib.createInflate(flush);
    default:
      return zlib.createGunzip(flush);
  }
}

/** zlib and brotli report corrupt data with codes such as Z_DATA_ERROR or ERR__ERROR_FORMAT_PADDING_2. */
function isDecoderFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR__ERROR') || code.startsWith('ERR_BROTLI'));
}

function tooLarge(code: string, what: string, url: string, limit: number, seen: number): NonRetryableError {
  return new NonRetryableError(code, `${url}: ${what} exceeds ${limit} bytes`, {
    details: { url, limitBytes: limit, seenBytes: seen },
  });
}

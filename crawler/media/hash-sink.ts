// Hashes bytes as they stream by (SHA-256 and MD5 always), keeping them only when asked (an image
// needs its bytes for the perceptual hash) and only in memory: media bytes are never written to
// disk, to the evidence store or to a WARC file.
import { createHash, type Hash } from 'node:crypto';

export interface StreamDigests {
  sha256: string;
  md5: string;
  bytes: number;
}

export class HashSink {
  private readonly sha256: Hash = createHash('sha256');
  private readonly md5: Hash = createHash('md5');
  private readonly chunks: Buffer[] | null;
  private total = 0;

  constructor(keepBytes: boolean) {
    this.chunks = keepBytes ? [] : null;
  }

  get bytes(): number {
    return this.total;
  }

  write(chunk: Buffer): void {
    this.sha256.update(chunk);
    this.md5.update(chunk);
    this.chunks?.push(chunk);
    this.total += chunk.length;
  }

  digests(): StreamDigests {
    return { sha256: this.sha256.digest('hex'), md5: this.md5.digest('hex'), bytes: this.total };
  }

  /** The bytes seen, when kept (an image on its way to the perceptual hash); empty otherwise. */
  kept(): Buffer {
    return this.chunks ? Buffer.concat(this.chunks, this.total) : Buffer.alloc(0);
  }
}

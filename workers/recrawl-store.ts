// What Vigie remembers of each URL between runs of a target, shared by every worker through Redis:
// the validators for conditional requests (ETag, Last-Modified), the content hash that tells a
// changed page from an unchanged one, and where the last version's evidence is, so a 304 can still
// give up the page's links (read back from the stored body) without fetching it again.
import type { Redis } from 'ioredis';

export interface PageVersion {
  etag: string | null;
  lastModified: string | null;
  contentHash: string;
  pageId: string;
  /** The signed evidence manifest of this version; null when evidence is off. */
  manifestSha256: string | null;
  /** The raw body artifact and what is needed to decode it again. */
  bodySha256: string | null;
  contentType: string | null;
  contentEncoding: string | null;
  /** The rendered DOM artifact when the version was rendered: its links are the ones to follow. */
  domSha256: string | null;
  finalUrl: string;
  fetchedAt: string;
  /**
   * The run that stored this version, the manifest of the version before it and whether it was a
   * change: a retry of that same run (after a crash between storing the version and finishing the
   * page) then redoes the page as that run saw it instead of counting it unchanged. Absent in
   * versions stored by older Vigie.
   */
  runId?: string;
  previousManifestSha256?: string | null;
  changed?: boolean;
}

/** A URL not crawled for this long is forgotten (its next crawl is a first crawl). */
const VERSION_TTL_SECS = 90 * 24 * 3600;

export class RecrawlStore {
  private readonly redis: Redis;
  private readonly keyOf: (targetId: string) => string;

  constructor(redis: Redis, keyOf: (targetId: string) => string) {
    this.redis = redis;
    this.keyOf = keyOf;
  }

  async get(targetId: string, url: string): Promise<PageVersion | null> {
    const json = await this.redis.hget(this.keyOf(targetId), url);
    if (!json) return null;
    try {
      return JSON.parse(json) as PageVersion;
    } catch {
      // A damaged entry only costs one unconditional fetch.
      return null;
    }
  }

  async put(targetId: string, url: string, version: PageVersion): Promise<void> {
    const key = this.keyOf(targetId);
    await this.redis.multi().hset(key, url, JSON.stringify(version)).expire(key, VERSION_TTL_SECS).exec();
  }

  /** Only the validators change (a 304 or an unchanged body may come with a new ETag). */
  async touch(targetId: string, url: string, previous: PageVersion, validators: Pick<PageVersion, 'etag' | 'lastModified'>): Promise<void> {
    if (validators.etag === previous.etag && validators.lastModified === previous.lastModified) return;
    await this.put(targetId, url, { ...previous, ...validators });
  }
}

/** The validators a response offers for its next conditional request. */
export function validatorsOf(headers: Record<string, string>): Pick<PageVersion, 'etag' | 'lastModified'> {
  return {
    etag: cleanHeaderValue(headers.etag),
    lastModified: cleanHeaderValue(headers['last-modified']),
  };
}

/**
 * The validators after a 304. A 304 need not repeat Last-Modified (RFC 9110 15.4.5 requires only
 * the ETag a 200 would carry), so one it leaves out still holds: dropping it would turn the next
 * crawl of a Last-Modified-only page into a full download.
 */
export function validatorsAfterNotModified(previous: PageVersion, headers: Record<string, string>): Pick<PageVersion, 'etag' | 'lastModified'> {
  const fresh = validatorsOf(headers);
  return { etag: fresh.etag ?? previous.etag, lastModified: fresh.lastModified ?? previous.lastModified };
}

/** Stored values go back out as request headers: refuse anything that could split a header. */
function cleanHeaderValue(value: string | undefined): string | null {
  if (!value || value.length > 512 || /[\r\n\0]/.test(value)) return null;
  return value;
}

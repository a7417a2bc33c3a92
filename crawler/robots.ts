// robots.txt rules for one origin, wrapping robots-parser (lenient: unknown lines, HTML error pages
// and binary junk simply yield no rules, i.e. everything allowed).
import robotsParserModule from 'robots-parser';

// The package is CommonJS (module.exports is the function) but its typings declare an ES default
// export, so under NodeNext the default import is typed as the namespace. Runtime value is right.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;

export interface RobotsRules {
  /**
   * Whether `userAgent` may fetch `url`. A URL of another origin than the robots.txt is not
   * governed by it and is reported allowed: callers look up the rules of the URL's own origin.
   */
  isAllowed(url: string, userAgent: string): boolean;
  /** Crawl-delay of the group that applies to `userAgent` (or `*`), in milliseconds, or null. */
  crawlDelayMs(userAgent: string): number | null;
  /** Sitemap URLs listed in the file, as written (absolute http(s) ones only). */
  sitemaps(): string[];
}

// Google stops reading robots.txt after 500 KiB; so do we, which also bounds the parse cost.
export const MAX_ROBOTS_CHARS = 500 * 1024;

export function parseRobots(robotsUrl: string, body: string): RobotsRules {
  const robots = robotsParser(robotsUrl, body.length > MAX_ROBOTS_CHARS ? body.slice(0, MAX_ROBOTS_CHARS) : body);
  return {
    isAllowed(url: string, userAgent: string): boolean {
      return robots.isAllowed(url, robotsToken(userAgent)) ?? true;
    },
    crawlDelayMs(userAgent: string): number | null {
      const seconds = robots.getCrawlDelay(robotsToken(userAgent));
      if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return null;
      return Math.round(seconds * 1000);
    },
    sitemaps(): string[] {
      return robots.getSitemaps().filter(isHttpUrl);
    },
  };
}

/**
 * The product token robots.txt groups are matched against: `VigieBot` for `VigieBot/1.0 (+url)`
 * and for `Mozilla/5.0 (compatible; VigieBot/1.0; +url)`.
 */
export function robotsToken(userAgent: string): string {
  const compatible = /compatible;\s*([^/;\s)]+)/i.exec(userAgent);
  if (compatible?.[1]) return compatible[1];
  const first = /^\s*([^/\s;()]+)/.exec(userAgent);
  return first?.[1] ?? '*';
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

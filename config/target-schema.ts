// The watch-target schema: what ops write in YAML (see targets.example.yaml, which documents
// every field). Parsed with zod; defaults are filled in here so the rest of Vigie never guesses.
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { CATEGORIES } from '../extractors/types.ts';
import { compileUrlPattern } from './url-pattern.ts';

export const TARGET_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Score thresholds a flag must reach to become an alert, per sensitivity level. */
export const SENSITIVITY_THRESHOLDS = { low: 0.8, medium: 0.6, high: 0.4 } as const;
export type Sensitivity = keyof typeof SENSITIVITY_THRESHOLDS;

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http:// or https:// URL' });

function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A scope pattern: RE2 syntax (config/url-pattern.ts), so that matching stays linear. */
const regexSource = z.string().superRefine((source, ctx) => {
  const compiled = compileUrlPattern(source);
  if ('error' in compiled) ctx.addIssue({ code: 'custom', message: `is not a valid regular expression: ${compiled.error}` });
});

const scheduleSchema = z.union([
  z.strictObject({
    intervalSecs: z.number().int().min(60, 'must be at least 60 seconds'),
  }),
  z
    .strictObject({
      cron: z.string().min(1),
      timezone: z.string().default('UTC'),
    })
    .superRefine((value, ctx) => {
      if (!isValidTimezone(value.timezone)) {
        ctx.addIssue({ code: 'custom', path: ['timezone'], message: `unknown time zone "${value.timezone}"` });
        return;
      }
      try {
        CronExpressionParser.parse(value.cron, { tz: value.timezone });
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['cron'], message: `invalid cron expression: ${(err as Error).message}` });
      }
    }),
], { error: 'must be either { intervalSecs } or { cron, timezone }' });

export const fetchLimitsSchema = z.strictObject({
  connectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  readTimeoutMs: z.number().int().min(100).max(300_000).default(20_000),
  totalTimeoutMs: z.number().int().min(500).max(600_000).default(60_000),
  maxRedirects: z.number().int().min(0).max(20).default(5),
  maxBytes: z.number().int().min(1024).max(512 * 1024 * 1024).default(10 * 1024 * 1024),
  maxDecompressedBytes: z.number().int().min(1024).max(1024 * 1024 * 1024).default(30 * 1024 * 1024),
  contentTypes: z.array(z.string().regex(/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/, 'must be a MIME type such as text/html'))
    .min(1).default(['text/html', 'application/xhtml+xml', 'text/plain']),
});
export type FetchLimits = z.infer<typeof fetchLimitsSchema>;

/**
 * Hashing the images and downloadable files of each crawled page against the imported hash lists
 * (workers/page-media.ts). Media bytes are hashed as they stream and never stored.
 */
export const mediaSchema = z.strictObject({
  /** Images (<img>, <picture>, og:image, image links). */
  enabled: z.boolean().default(true),
  /** Downloadable files linked from the page (pdf, zip, exe, apk, mp4...). */
  files: z.boolean().default(true),
  maxImages: z.number().int().min(0).max(500).default(50),
  maxFiles: z.number().int().min(0).max(100).default(10),
  maxImageBytes: z.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
  maxFileBytes: z.number().int().min(1024).max(1024 * 1024 * 1024).default(50 * 1024 * 1024),
  /** Decoded width × height above which an image is not decoded (decompression bombs). */
  maxImagePixels: z.number().int().min(1024).max(500_000_000).default(50_000_000),
  /** One image or file, redirects included. */
  timeoutMs: z.number().int().min(1000).max(600_000).default(30_000),
  /** All the media of one page; what is left when it runs out is counted, not fetched. */
  pageBudgetMs: z.number().int().min(1000).max(3_600_000).default(120_000),
  /** Media fetched at once for one page (the host's politeness concurrency still applies). */
  concurrency: z.number().int().min(1).max(16).default(4),
});
export type MediaOptions = z.infer<typeof mediaSchema>;

/** How pages are fetched: plain HTTP, always through Chromium, or Chromium when the HTML needs it. */
export const RENDER_MODES = ['never', 'always', 'auto'] as const;
export type RenderMode = (typeof RENDER_MODES)[number];

/** Playwright's resource types that a target may block while rendering (bandwidth, trackers). */
export const BLOCKABLE_RESOURCE_TYPES = ['image', 'media', 'font', 'stylesheet', 'websocket', 'eventsource', 'manifest', 'other'] as const;

export const browserSchema = z.strictObject({
  /** The page load and settle, scroll included; the screenshot has its own share of it. */
  timeoutMs: z.number().int().min(1000).max(300_000).default(30_000),
  blockResources: z.array(z.enum(BLOCKABLE_RESOURCE_TYPES)).default([]),
  /** Bounded scroll for lazy-loaded content: at most `maxSteps` viewport heights. */
  scroll: z.strictObject({
    maxSteps: z.number().int().min(0).max(100).default(10),
    stepDelayMs: z.number().int().min(0).max(5000).default(250),
  }).prefault({}),
  screenshot: z.boolean().default(true),
  /** A logged-in session: a JSON file of cookies (Playwright's `cookies` array or storage state). */
  cookiesFile: z.string().min(1).optional(),
});
export type BrowserOptions = z.infer<typeof browserSchema>;

/** Proxy schemes: `socks5h` resolves names through the proxy (Tor); `socks5` resolves locally. */
export const PROXY_PROTOCOLS = ['http:', 'socks5:', 'socks5h:'] as const;

const proxyUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (PROXY_PROTOCOLS as readonly string[]).includes(url.protocol) && url.hostname !== '' && url.port !== '';
  } catch {
    return false;
  }
}, { error: 'must be a proxy URL with its port: http://host:port, socks5://host:port or socks5h://host:port (Tor: socks5h://127.0.0.1:9050)' });

const urlLimitsSchema = z.strictObject({
  /** Query parameters dropped before dedup (case-insensitive), beside the built-in tracking and session ones. */
  dropParams: z.array(z.string().min(1).max(100)).default([]),
  maxLength: z.number().int().min(64).max(8192).default(2048),
  /** Distinct query strings followed per path (calendars, facets, sort orders are traps). */
  maxQueryVariantsPerPath: z.number().int().min(1).max(1_000_000).default(50),
});

const sourcesSchema = z.strictObject({
  sitemaps: z.array(httpUrl).default([]),
  feeds: z.array(httpUrl).default([]),
  /** Also read the `Sitemap:` lines of each seed host's robots.txt. */
  sitemapsFromRobots: z.boolean().default(false),
});

const ruleIdSchema = z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'a rule id: lower-case letters, digits, dots and dashes');

/** Per-target adjustments of the rule set; the precedence of thresholds is in extractors/rules/overrides.ts. */
export const targetRulesSchema = z.strictObject({
  /** Alert threshold per category; wins over `threshold`, the rule files' thresholds and sensitivity. */
  thresholds: z.partialRecord(z.enum(CATEGORIES), z.number().min(0).max(1)).default({}),
  /** Rule ids that do not run for this target. */
  disable: z.array(ruleIdSchema).default([]),
  /** Weight per rule id, replacing the rule file's. */
  weights: z.record(ruleIdSchema, z.number().gt(0, 'weight must be above 0').max(1, 'weight must be at most 1')).default({}),
  /** `off`: no rule of the category runs; `on`: also the rules of an extra (`enabled: false`) category file. */
  categories: z.partialRecord(z.enum(CATEGORIES), z.enum(['on', 'off'])).default({}),
});
export type TargetRules = z.infer<typeof targetRulesSchema>;

export const targetSchema = z
  .strictObject({
    id: z.string().regex(TARGET_ID_PATTERN, 'lowercase letters, digits, - and _ (1 to 63), starting with a letter or digit'),
    name: z.string().min(1).max(200),
    enabled: z.boolean().default(true),
    seeds: z.array(httpUrl).min(1, 'at least one seed URL is required'),
    scope: z
      .strictObject({
        sameHost: z.boolean().default(true),
        includeSubdomains: z.boolean().default(false),
        pathPrefixes: z.array(z.string().startsWith('/', 'must start with /')).default([]),
        allow: z.array(regexSource).default([]),
        deny: z.array(regexSource).default([]),
      })
      .prefault({}),
    maxDepth: z.number().int().min(0).max(50).default(3),
    maxPagesPerRun: z.number().int().min(1).max(10_000_000).default(1000),
    /** Pages per host per run; defaults to maxPagesPerRun. */
    maxPagesPerHost: z.number().int().min(1).max(10_000_000).optional(),
    urls: urlLimitsSchema.prefault({}),
    sources: sourcesSchema.prefault({}),
    render: z.enum(RENDER_MODES).default('never'),
    browser: browserSchema.prefault({}),
    proxy: proxyUrl.optional(),
    /** Send If-None-Match / If-Modified-Since when a URL is crawled again. */
    conditionalRequests: z.boolean().default(true),
    schedule: scheduleSchema.optional(),
    politeness: z
      .strictObject({
        perHostConcurrency: z.number().int().min(1).max(256).default(2),
        minDelayMs: z.number().int().min(0).max(600_000).default(1000),
      })
      .prefault({}),
    userAgent: z.string().min(1).max(500).default('VigieBot/0.1 (+OSINT monitoring)'),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, 'invalid header name'), z.string()).default({}),
    robots: z.enum(['respect', 'ignore']).default('respect'),
    robotsIgnoreReason: z.string().min(1).optional(),
    categories: z.array(z.enum(CATEGORIES)).default([]),
    sensitivity: z.enum(['low', 'medium', 'high']).default('medium'),
    threshold: z.number().min(0).max(1).optional(),
    rules: targetRulesSchema.prefault({}),
    tags: z.array(z.string().min(1).max(100)).default([]),
    allowPrivate: z.boolean().default(false),
    fetch: fetchLimitsSchema.prefault({}),
    media: mediaSchema.prefault({}),
  })
  .superRefine((target, ctx) => {
    if (target.robots === 'ignore' && !target.robotsIgnoreReason) {
      ctx.addIssue({ code: 'custom', path: ['robotsIgnoreReason'], message: 'is required when robots is "ignore" (it is logged with every run)' });
    }
    const onion = onionUrls(target).find(Boolean);
    if (onion && !(typeof target.proxy === 'string' && target.proxy.startsWith('socks5h:'))) {
      ctx.addIssue({
        code: 'custom',
        path: ['proxy'],
        message: `${onion} is a Tor onion service: set proxy to a Tor SOCKS proxy that resolves names itself, such as socks5h://127.0.0.1:9050`,
      });
    }
    const scope = target.scope as Partial<WatchTargetScope> | undefined;
    if (scope?.sameHost === false && !scope.allow?.length && !scope.pathPrefixes?.length) {
      ctx.addIssue({ code: 'custom', path: ['scope'], message: 'a scope that is not sameHost needs allow patterns or path prefixes, or the crawl would follow the whole web' });
    }
  }, {
    // Run these cross-field checks even when other fields are wrong, so every problem is reported.
    when: (payload) => typeof payload.value === 'object' && payload.value !== null,
  });

/** The target's URLs (seeds, sitemaps, feeds) whose host is a `.onion` name. */
function onionUrls(target: { seeds?: unknown; sources?: unknown }): string[] {
  const sources = (target.sources ?? {}) as { sitemaps?: unknown; feeds?: unknown };
  const urls = [target.seeds, sources.sitemaps, sources.feeds].flatMap((list) => (Array.isArray(list) ? list : []));
  return urls.filter((url): url is string => typeof url === 'string' && isOnionUrl(url));
}

export function isOnionUrl(url: string): boolean {
  try {
    return new URL(url).hostname.toLowerCase().replace(/\.+$/, '').endsWith('.onion');
  } catch {
    return false;
  }
}

type WatchTargetScope = { sameHost: boolean; allow: string[]; pathPrefixes: string[] };

export type WatchTarget = z.infer<typeof targetSchema>;
export type WatchTargetInput = z.input<typeof targetSchema>;

export const targetsFileSchema = z.strictObject({
  targets: z.array(targetSchema),
});

/** The alert threshold of a target: an explicit threshold wins over the sensitivity level. */
export function alertThreshold(target: Pick<WatchTarget, 'threshold' | 'sensitivity'>): number {
  return target.threshold ?? SENSITIVITY_THRESHOLDS[target.sensitivity];
}

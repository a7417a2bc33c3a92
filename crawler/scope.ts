// Which discovered URLs a crawl run may follow. Compiled once per run (regexes included) so the
// per-link check in the frontier is cheap.
import { ConfigError, type ConfigIssue } from '../config/errors.ts';
import { compileUrlPattern, type UrlPattern } from '../config/url-pattern.ts';

export interface CrawlScope {
  /** Allowed hosts (from the seeds when the target says sameHost). Empty means any host. */
  hosts: string[];
  /** Also allow subdomains of `hosts` (forum.example.org for example.org). */
  includeSubdomains: boolean;
  /** Path prefixes (`/forum/`); plain string prefixes of the path. Empty means any path. */
  pathPrefixes: string[];
  /** Regex sources (RE2 syntax: config/url-pattern.ts) tested against the whole URL; at least one must match. Empty: any. */
  allow: string[];
  /** Regex sources (RE2 syntax) tested against the whole URL; any match excludes it. */
  deny: string[];
}

export interface ScopeMatcher {
  /** Deny wins; then host, path prefix and allow must all agree. Non-http(s) URLs are out. */
  inScope(url: string): boolean;
}

/**
 * Compiles a scope. `fieldPath` is where the scope sits in the configuration, so that a bad regex
 * is reported as e.g. `targets.3.scope.deny.1: ...`.
 */
export function compileScope(scope: CrawlScope, fieldPath = 'scope'): ScopeMatcher {
  const issues: ConfigIssue[] = [];
  const allow = compilePatterns(scope.allow, `${fieldPath}.allow`, issues);
  const deny = compilePatterns(scope.deny, `${fieldPath}.deny`, issues);
  const hosts: string[] = [];
  scope.hosts.forEach((host, i) => {
    const normalised = normaliseHost(host);
    if (normalised) hosts.push(normalised);
    else issues.push({ path: `${fieldPath}.hosts.${i}`, message: `not a valid host name: ${JSON.stringify(host)}` });
  });
  if (issues.length > 0) {
    throw new ConfigError(`invalid crawl scope: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }

  const hostSet = new Set(hosts);
  const suffixes = scope.includeSubdomains ? hosts.map((h) => `.${h}`) : [];
  const prefixes = [...scope.pathPrefixes];

  const hostAllowed = (host: string): boolean =>
    hostSet.size === 0 || hostSet.has(host) || suffixes.some((suffix) => host.endsWith(suffix));

  return {
    inScope(input: string): boolean {
      let url: URL;
      try {
        url = new URL(input);
      } catch {
        return false;
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
      const href = url.href;
      if (deny.some((re) => re.test(href))) return false;
      if (!hostAllowed(url.hostname.replace(/\.+$/, ''))) return false;
      if (prefixes.length > 0 && !prefixes.some((prefix) => url.pathname.startsWith(prefix))) return false;
      return allow.length === 0 || allow.some((re) => re.test(href));
    },
  };
}

function compilePatterns(sources: string[], path: string, issues: ConfigIssue[]): UrlPattern[] {
  const compiled: UrlPattern[] = [];
  sources.forEach((source, i) => {
    const result = compileUrlPattern(source);
    if ('pattern' in result) compiled.push(result.pattern);
    else issues.push({ path: `${path}.${i}`, message: result.error });
  });
  return compiled;
}

/** Accepts `example.org`, `Example.ORG.`, `example.org:8080`, `https://example.org/x`, IDN names. */
function normaliseHost(host: string): string | null {
  const trimmed = host.trim();
  if (!trimmed) return null;
  try {
    const url = new URL(trimmed.includes('://') ? trimmed : `http://${trimmed}`);
    return url.hostname ? url.hostname.replace(/\.+$/, '') : null;
  } catch {
    return null;
  }
}

// Extensions whose resources the HTML pipeline cannot use. PDF and office documents are skipped
// too: nothing downstream extracts text from them yet, so fetching them only costs bandwidth and
// evidence storage. Plain text (.txt) is kept: paste sites serve raw pastes that way. Feeds and
// XML are kept: whether they are useful is decided on the fetched content type, not here.
const NON_HTML_EXTENSIONS = new Set([
  // images
  'jpg', 'jpeg', 'jpe', 'png', 'gif', 'webp', 'bmp', 'ico', 'svg', 'svgz', 'tif', 'tiff', 'avif', 'heic', 'heif', 'psd',
  // audio and video
  'mp3', 'wav', 'ogg', 'oga', 'flac', 'aac', 'm4a', 'opus', 'wma', 'mid', 'midi',
  'mp4', 'm4v', 'webm', 'avi', 'mov', 'mkv', 'flv', 'wmv', 'mpg', 'mpeg', '3gp', 'ts', 'm3u8',
  // archives, disk images, binaries
  'zip', 'rar', '7z', 'tar', 'gz', 'tgz', 'bz2', 'xz', 'zst', 'lz', 'cab', 'iso', 'img', 'dmg',
  'exe', 'msi', 'apk', 'ipa', 'deb', 'rpm', 'bin', 'jar', 'dll', 'so',
  // fonts, styles, scripts, source maps
  'woff', 'woff2', 'ttf', 'otf', 'eot', 'css', 'js', 'mjs', 'map', 'wasm',
  // documents (see above)
  'pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'odt', 'ods', 'odp', 'rtf', 'epub',
]);

/** True when the URL's last path segment has an extension of an obviously non-HTML resource. */
export function looksLikeNonHtmlResource(input: string): boolean {
  let pathname: string;
  try {
    pathname = new URL(input).pathname;
  } catch {
    return false;
  }
  const lastSegment = pathname.slice(pathname.lastIndexOf('/') + 1);
  const dot = lastSegment.lastIndexOf('.');
  if (dot === -1) return false;
  return NON_HTML_EXTENSIONS.has(lastSegment.slice(dot + 1).toLowerCase());
}

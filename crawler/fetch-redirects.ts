// Manual redirect following: the fetcher sees every hop so the network guard can check each one
// before anything connects to it.
import type { IncomingHttpHeaders } from 'node:http';
import { NonRetryableError } from '../config/errors.ts';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

// Credentials the caller meant for the first origin must not follow a redirect elsewhere.
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

export interface RedirectTracker {
  /** The URLs followed so far, in order (each Location, resolved). */
  readonly redirects: string[];
  /** The next URL when this response is a redirect, else null. Throws on loops and overflows. */
  next(status: number, headers: IncomingHttpHeaders, current: URL): URL | null;
}

export function createRedirectTracker(start: URL, maxRedirects: number): RedirectTracker {
  const visited = new Set([withoutFragment(start)]);
  const redirects: string[] = [];
  return {
    redirects,
    next(status, headers, current) {
      const location = firstValue(headers.location);
      if (!REDIRECT_STATUSES.has(status) || !location) return null;
      let target: URL;
      try {
        target = new URL(location, current);
      } catch (err) {
        throw new NonRetryableError('bad-url', `${current.href} redirects to an invalid URL "${location}"`, {
          cause: err,
          details: { url: current.href, location },
        });
      }
      const key = withoutFragment(target);
      if (visited.has(key)) {
        throw new NonRetryableError('redirect-loop', `${current.href} redirects back to ${key}`, {
          details: { url: start.href, redirects: [...redirects, target.href] },
        });
      }
      if (redirects.length >= maxRedirects) {
        throw new NonRetryableError('too-many-redirects', `${start.href} redirects more than ${maxRedirects} times`, {
          details: { url: start.href, redirects: [...redirects, target.href] },
        });
      }
      visited.add(key);
      redirects.push(target.href);
      return target;
    },
  };
}

/** The request headers for a hop: origin-bound ones are dropped once the origin changes. */
export function headersForHop(headers: Record<string, string>, start: URL, hop: URL): Record<string, string> {
  if (hop.origin === start.origin) return headers;
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !ORIGIN_BOUND_HEADERS.includes(name.toLowerCase())));
}

export function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function withoutFragment(url: URL): string {
  const copy = new URL(url);
  copy.hash = '';
  return copy.href;
}

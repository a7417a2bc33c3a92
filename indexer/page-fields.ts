// Fields both index implementations derive from a PageDocument, so that filters behave the same
// whichever backend is in use.
import { NonRetryableError } from '../config/errors.ts';
import type { Category, EntityType } from '../extractors/types.ts';
import { splitHost } from '../extractors/phishing/registrable-domain.ts';
import type { PageDocument } from './types.ts';

/** The pivot key of an entity: `type:value` (types never contain a colon, values may). */
export function entityKey(type: EntityType, value: string): string {
  return `${type}:${value}`;
}

/** Distinct entity keys of a page, in first-seen order. */
export function pageEntityKeys(page: PageDocument): string[] {
  return [...new Set(page.entities.map((entity) => entityKey(entity.type, entity.value)))];
}

/**
 * Categories a page was flagged in. Every flag counts, including those under a target's alert
 * threshold: investigators filtering by category want every page the rules matched.
 */
export function pageCategories(page: PageDocument): Category[] {
  return [...new Set(page.flags.map((flag) => flag.category))];
}

/** Lower-case host of a URL (punycode for IDNs), or '' when the URL does not parse. */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase().replace(/\.$/u, '');
  } catch {
    return '';
  }
}

/** The host and every parent domain: a.b.example.org -> a.b.example.org, b.example.org, example.org, org. */
export function hostSuffixes(host: string): string[] {
  if (host === '') return [];
  const labels = host.split('.');
  return labels.map((_, i) => labels.slice(i).join('.')).filter((suffix) => suffix !== '');
}

/**
 * The site a host belongs to, for facets and the entity graph: its registrable domain
 * (forum.example.co.uk -> example.co.uk), or the host itself for IP addresses and single labels.
 */
export function siteOfHost(host: string): string {
  return splitHost(host)?.registrable ?? host;
}

/** Labels in reverse order (org.example.forum), so that "this domain or below" is a prefix range. */
export function reversedHost(host: string): string {
  return host.split('.').reverse().join('.');
}

/**
 * A user-supplied domain ("Example.ORG", ".example.org", "exämple.org", "https://example.org/x")
 * reduced to the form hosts are stored in, or null when nothing usable is left.
 */
export function normaliseDomain(domain: string): string | null {
  const trimmed = domain.trim().replace(/^\.+|\.+$/gu, '');
  if (trimmed === '') return null;
  const candidate = /^[a-z][a-z0-9+.-]*:\/\//iu.test(trimmed) ? trimmed : `http://${trimmed}`;
  const host = hostOf(candidate);
  return host === '' ? trimmed.toLowerCase() : host;
}

/** Milliseconds since the epoch of an ISO time, or a NonRetryableError naming the field. */
export function timeMs(value: string, field: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new NonRetryableError('index-invalid-time', `${field} is not a valid time: ${JSON.stringify(value)}`, {
      details: { field },
    });
  }
  return ms;
}

/**
 * Canonical ISO form (toISOString) of a time. Alert times are stored in this form so that string
 * comparison is time comparison, in SQL and in painless alike.
 */
export function canonicalTime(value: string, field: string): string {
  return new Date(timeMs(value, field)).toISOString();
}

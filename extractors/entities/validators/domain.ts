// Domain names: syntax (LDH labels of 1-63 characters, 253 in all, at least two labels) and an
// alphabetic or punycode TLD. Whether a TLD is *known* is the extraction policy's business
// (scanners/domain.ts); here any well-formed name an investigator types is accepted.
import type { Validated } from './validated.ts';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const TLD = /^(?:[a-z]{2,24}|xn--[a-z0-9-]{1,59})$/;

/** Lowercase labels of a syntactically valid host name with a plausible TLD, or null. */
export function hostLabels(raw: string): string[] | null {
  let host = raw.trim().toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host.length === 0 || host.length > 253) return null;
  const labels = host.split('.');
  if (labels.length < 2) return null;
  for (const label of labels) if (!LABEL.test(label)) return null;
  if (!TLD.test(labels[labels.length - 1] as string)) return null;
  return labels;
}

export function validateDomain(raw: string): Validated | null {
  const labels = hostLabels(raw);
  if (!labels) return null;
  const tld = labels[labels.length - 1] as string;
  if (tld === 'onion') return null;
  // www.example.com and example.com are the same site for a pivot.
  const canonical = labels.length > 2 && labels[0] === 'www' ? labels.slice(1) : labels;
  return { value: canonical.join('.'), details: { tld } };
}

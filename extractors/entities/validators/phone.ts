// Phone numbers through libphonenumber-js with its full ("max") metadata, so that validity means
// a number in an allocated range for its type, not merely a plausible length. France is the
// default region: national numbers written without a country code are read as French.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Validated } from './validated.ts';

export const DEFAULT_PHONE_REGION = 'FR';

/** Accepts any written form ("+33 (0)6 12 34 56 78", "06.12.34.56.78", "0033612345678"). */
export function validatePhone(raw: string): Validated | null {
  // "(0)" after a country code is the national trunk prefix written for readers; dial without it.
  const text = raw.trim().replace(/^(\+\d{1,3})[\s.\-\u00a0\u202f]*\(0\)/, '$1 ');
  if (!/\d/.test(text) || text.length > 40) return null;
  const parsed = parsePhoneNumberFromString(text, DEFAULT_PHONE_REGION);
  if (!parsed || !parsed.isValid()) return null;
  const details: Record<string, string> = {};
  if (parsed.country) details.country = parsed.country;
  const kind = parsed.getType();
  if (kind) details.kind = kind.toLowerCase().replace(/_/g, '-');
  return { value: parsed.number, details };
}

// When a dotted name in prose counts as a domain: its TLD is on the shipped list and written in
// one case ("example.com", "EXAMPLE.COM"; not "fin.Merci", a missing space after a full stop).
import { isKnownTld } from '../validators/tlds.ts';

function isOneCase(label: string): boolean {
  return label === label.toLowerCase() || label === label.toUpperCase();
}

/**
 * Length of the longest leading part of `name`, cut at a dot, that ends with a known TLD
 * ("example.com.Merci" -> 11), or 0 when there is none.
 */
export function knownDomainLength(name: string): number {
  let end = name.length;
  while (end > 0) {
    const dot = name.lastIndexOf('.', end - 1);
    if (dot <= 0) return 0;
    const tld = name.slice(dot + 1, end);
    if (isOneCase(tld) && isKnownTld(tld.toLowerCase())) return end;
    end = dot;
  }
  return 0;
}

// Host names the guard judges without resolving them: Tor onion names (which must never reach
// DNS) and names that only mean something on a local network (which a proxy resolving names for
// us could turn into a door to its own LAN).
import net from 'node:net';
import { stripBrackets } from './net-origin.ts';

/** Lowercase, without brackets or trailing dots: `Foo.Onion.` and `foo.onion` are one host. */
export function canonicalHost(host: string): string {
  return stripBrackets(host).toLowerCase().replace(/\.+$/, '');
}

export function isOnionHost(host: string): boolean {
  return canonicalHost(host).endsWith('.onion');
}

// Special-use and de-facto private suffixes: resolved by a proxy, these name hosts on the proxy's
// own network (RFC 6761 localhost, RFC 6762 .local, RFC 8375 .home.arpa, ICANN's .internal).
const LOCAL_SUFFIXES = ['.localhost', '.local', '.localdomain', '.internal', '.home.arpa', '.lan', '.intranet'];

/**
 * Why a name that a proxy will resolve is refused, or null. Only what the name itself says can be
 * judged here: where a public-looking name resolves to is then the proxy's responsibility.
 */
export function localNameReason(host: string): string | null {
  const name = canonicalHost(host);
  if (net.isIP(name) !== 0) return null;
  if (name === 'localhost' || LOCAL_SUFFIXES.some((suffix) => name.endsWith(suffix))) return 'local-name';
  // A single label is completed with the resolver's search domains: an intranet name.
  if (!name.includes('.')) return 'single-label-name';
  return null;
}

/**
 * The canonical IP a name written in some numeric form stands for (`0x7f.1`, `2130706433`), as
 * WHATWG URL parsing reads it, or null for real names. A proxy's resolver may read such names as
 * addresses (inet_aton does), so they are judged as the address they denote.
 */
export function numericHostAddress(host: string): string | null {
  const bare = stripBrackets(host);
  if (net.isIP(bare) !== 0) return bare;
  try {
    const parsed = stripBrackets(new URL(`http://${host.includes(':') ? `[${bare}]` : bare}/`).hostname);
    return net.isIP(parsed) !== 0 ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * The form of a host a name-resolving proxy is sent: the canonical IP for numeric forms, else the
 * ASCII (punycode) name, lowercase, without trailing dots.
 */
export function remoteHostForm(host: string): string {
  const address = numericHostAddress(host);
  if (address !== null) return address;
  try {
    return canonicalHost(new URL(`http://${stripBrackets(host)}/`).hostname);
  } catch {
    return canonicalHost(host);
  }
}

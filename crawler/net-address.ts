// Which IP addresses a crawler may connect to. Vigie fetches pages chosen by hostile sites (links,
// redirects, DNS answers), so anything that is not globally routable unicast could be a door into
// the unit's own network or a cloud metadata service, and is refused.
import net from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Why an address is not public, or null when it is globally routable unicast.
 * Reasons are ipaddr.js range names (`loopback`, `private`, `linkLocal`, ...), prefixed with the
 * IPv6 form that embedded them (`ipv4Mapped:loopback`, `6to4:private`).
 */
export function nonPublicReason(ip: string): string | null {
  if (net.isIP(ip) === 0) return 'not-an-ip-address';
  const address = ipaddr.parse(ip);
  return address.kind() === 'ipv4' ? ipv4Reason(address as ipaddr.IPv4) : ipv6Reason(address as ipaddr.IPv6);
}

/** Only globally routable unicast is public; anything unparsable is not. */
export function isPublicAddress(ip: string): boolean {
  return nonPublicReason(ip) === null;
}

function ipv4Reason(address: ipaddr.IPv4): string | null {
  // ipaddr.js names every special-purpose block (private, loopback, linkLocal, carrierGradeNat,
  // reserved incl. benchmarking and documentation, multicast, broadcast, unspecified, as112, amt)
  // and calls the rest 'unicast'.
  const range = address.range();
  return range === 'unicast' ? null : range;
}

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

function ipv6Reason(address: ipaddr.IPv6): string | null {
  const embedded = embeddedIpv4(address);
  if (embedded) {
    // Connecting to these forms reaches (or is translated to) the embedded IPv4 host, so that host
    // decides; every embedded address must be public.
    for (const v4 of embedded.addresses) {
      const reason = ipv4Reason(v4);
      if (reason) return `${embedded.form}:${reason}`;
    }
    return null;
  }
  const range = address.range();
  if (range !== 'unicast') return range;
  // ipaddr.js calls 'unicast' whatever it has no name for, including unassigned space outside
  // 2000::/3 (the only block IANA allocates for global unicast).
  if (!address.match(GLOBAL_UNICAST_V6)) return 'not-global-unicast';
  return null;
}

interface EmbeddedIpv4 {
  form: string;
  addresses: ipaddr.IPv4[];
}

function embeddedIpv4(address: ipaddr.IPv6): EmbeddedIpv4 | null {
  const words = address.parts;
  const v4 = (high: number, low: number): ipaddr.IPv4 =>
    new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  const range = address.range();

  if (range === 'ipv4Mapped' || range === 'rfc6145') {
    return { form: range, addresses: [v4(words[6]!, words[7]!)] };
  }
  // IPv4-compatible (::a.b.c.d, deprecated): the first 96 bits are zero. :: and ::1 are not v4.
  if (words.slice(0, 6).every((w) => w === 0) && (words[6] !== 0 || words[7]! > 1)) {
    return { form: 'ipv4Compatible', addresses: [v4(words[6]!, words[7]!)] };
  }
  if (address.match(NAT64_WELL_KNOWN)) {
    return { form: 'nat64', addresses: [v4(words[6]!, words[7]!)] };
  }
  if (range === '6to4') {
    return { form: '6to4', addresses: [v4(words[1]!, words[2]!)] };
  }
  if (range === 'teredo') {
    // Teredo carries the server address in clear and the client address bit-inverted.
    return {
      form: 'teredo',
      addresses: [v4(words[2]!, words[3]!), v4(~words[6]! & 0xffff, ~words[7]! & 0xffff)],
    };
  }
  return null;
}

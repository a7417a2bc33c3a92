// http(s) URLs as written in text, and bare "www." ones (read as http, as browsers do).
// Canonical form lowercases the scheme and host, adds the root path when there is none, and
// keeps everything else as written: paths and queries are case-sensitive.
import { isIP } from 'node:net';
import { hostLabels } from './domain.ts';
import { validateIp } from './ip.ts';
import type { Validated } from './validated.ts';

const SCHEME = /^(https?):\/\//i;
const UNICODE_LABEL = /^(?!-)[\p{L}\p{N}-]{1,63}(?<!-)$/u;

export interface ParsedUrl extends Validated {
  /** Lowercased host (no brackets, port or userinfo). */
  host: string;
  /** Offsets of the host inside the string given to parseUrl. */
  hostStart: number;
  hostEnd: number;
}

function validHost(host: string): boolean {
  if (host.length === 0) return false;
  if (isIP(host) === 4) return validateIp(host) !== null;
  if (hostLabels(host)) return true;
  // Internationalised names written in Unicode (the browser would punycode them).
  const labels = host.replace(/\.$/, '').split('.');
  return labels.length >= 2 && labels.every((label) => UNICODE_LABEL.test(label));
}

export function parseUrl(raw: string): ParsedUrl | null {
  const scheme = SCHEME.exec(raw);
  if (!scheme && !/^www\./i.test(raw)) return null;
  const authorityStart = scheme ? scheme[0].length : 0;
  let authorityEnd = raw.length;
  for (let i = authorityStart; i < raw.length; i++) {
    const ch = raw.charCodeAt(i);
    if (ch === 0x2f || ch === 0x3f || ch === 0x23) {
      authorityEnd = i;
      break;
    }
  }
  const authority = raw.slice(authorityStart, authorityEnd);
  const at = authority.lastIndexOf('@');
  const hostStart = authorityStart + at + 1;
  const hostPort = authority.slice(at + 1);
  let host: string;
  let port = '';
  let hostEnd: number;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) return null;
    host = hostPort.slice(1, close);
    if (isIP(host) !== 6) return null;
    port = hostPort.slice(close + 1);
    hostEnd = hostStart + close + 1;
  } else {
    const colon = hostPort.indexOf(':');
    host = colon < 0 ? hostPort : hostPort.slice(0, colon);
    port = colon < 0 ? '' : hostPort.slice(colon);
    if (!validHost(host)) return null;
    hostEnd = hostStart + host.length;
  }
  if (port !== '' && !/^:\d{1,5}$/.test(port)) return null;
  const lowerHost = host.toLowerCase();
  const printedHost = hostPort.startsWith('[') ? `[${lowerHost}]` : lowerHost;
  const userinfo = authority.slice(0, at + 1);
  let rest = raw.slice(authorityEnd);
  if (!rest.startsWith('/')) rest = `/${rest}`;
  const value = `${scheme ? (scheme[1] as string).toLowerCase() : 'http'}://${userinfo}${printedHost}${port}${rest}`;
  return { value, details: { host: lowerHost }, host: lowerHost, hostStart, hostEnd };
}

export function validateUrl(raw: string): Validated | null {
  const parsed = parseUrl(raw.trim());
  return parsed ? { value: parsed.value, details: parsed.details } : null;
}

// URLs (http, https, bare www.) and Telegram links (t.me/..., telegram.me/...).
// A URL runs to the first space, quote or angle bracket; trailing punctuation and unbalanced
// closing brackets are trimmed ("(voir https://x.fr/a)." -> "https://x.fr/a").
// Choices (see index.ts): a Telegram link yields a telegram entity only, no url; any other URL
// yields a url entity and, for its host, a nested domain (known TLD) or ip entity.
import { candidate, type Candidate } from '../candidate.ts';
import { codeAt, isAsciiAlnum } from '../chars.ts';
import { validateDomain } from '../validators/domain.ts';
import { validateIp } from '../validators/ip.ts';
import { parseTelegramPath, TELEGRAM_HOSTS } from '../validators/telegram.ts';
import { parseUrl } from '../validators/url.ts';
import { knownDomainLength } from './host-policy.ts';

const MAX_URL_LENGTH = 4096;
const STOP_ASCII = new Set('"<>\\^`{|}'.split('').map((c) => c.charCodeAt(0)));
const STOP_OTHER = new Set([
  0x85, 0xa0, 0xab, 0xbb, 0x1680, 0x2018, 0x2019, 0x201a, 0x201b, 0x201c, 0x201d, 0x201e, 0x201f, 0x2026, 0x2028,
  0x2029, 0x202f, 0x2039, 0x203a, 0x205f, 0x3000, 0xfeff,
]);
const TRAILING = new Set('.,;:!?\'"*'.split('').map((c) => c.charCodeAt(0)));
const CLOSERS: Record<number, number> = { 0x29: 0x28, 0x5d: 0x5b, 0x7d: 0x7b };

function isUrlCode(code: number): boolean {
  if (code <= 0x20 || code === 0x7f) return false;
  if (code < 0x80) return !STOP_ASCII.has(code);
  return !STOP_OTHER.has(code) && !(code >= 0x2000 && code <= 0x200b);
}

/** End of the URL-looking run from `start`, trimmed of trailing punctuation; -1 if too long. */
function urlEnd(text: string, start: number): number {
  let end = start;
  while (end < text.length && isUrlCode(text.charCodeAt(end))) {
    end++;
    if (end - start > MAX_URL_LENGTH) return -1;
  }
  const open: Record<number, number> = { 0x28: 0, 0x5b: 0, 0x7b: 0 };
  const close: Record<number, number> = { 0x29: 0, 0x5d: 0, 0x7d: 0 };
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code in open) open[code]!++;
    else if (code in close) close[code]!++;
  }
  while (end > start) {
    const code = text.charCodeAt(end - 1);
    const opener = CLOSERS[code];
    if (TRAILING.has(code)) end--;
    else if (opener !== undefined && close[code]! > open[opener]!) {
      close[code]!--;
      end--;
    } else break;
  }
  return end;
}

function hostEntity(text: string, start: number, end: number, host: string): Candidate | null {
  if (host.includes(':') || /^[\d.]+$/.test(host)) {
    const bracketed = text.charCodeAt(start) === 0x5b;
    const ip = validateIp(host);
    return ip ? { ...candidate('ip', ip, bracketed ? start + 1 : start, bracketed ? end - 1 : end), ofUrl: true } : null;
  }
  // Onion hosts are reported by the onion scanner (checksum-validated), not as domains.
  if (host.endsWith('.onion')) return null;
  if (knownDomainLength(text.slice(start, end)) !== end - start) return null;
  const domain = validateDomain(host);
  return domain ? { ...candidate('domain', domain, start, end), ofUrl: true } : null;
}

function telegramLink(text: string, start: number, end: number, pathStart: number, out: Candidate[]): boolean {
  if (text.charCodeAt(pathStart) !== 0x2f) return false;
  const found = parseTelegramPath(text.slice(pathStart + 1, end));
  if (!found) return false;
  out.push(candidate('telegram', found, start, end));
  return true;
}

export function scanWeb(text: string, out: Candidate[]): void {
  const triggers = /https?:\/\/|www\.|(?:t|telegram)\.(?:me|dog)\//gi;
  for (let m = triggers.exec(text); m; m = triggers.exec(text)) {
    const start = m.index;
    const before = codeAt(text, start - 1);
    if (isAsciiAlnum(before) || before === 0x2e || before === 0x2d || before === 0x40 || before === 0x2f) continue;
    let end = urlEnd(text, start);
    if (end < 0) {
      // A run longer than any real URL: skip it whole rather than rescanning inside it.
      let skip = start;
      while (skip < text.length && isUrlCode(text.charCodeAt(skip))) skip++;
      triggers.lastIndex = skip;
      continue;
    }
    const trigger = m[0].toLowerCase();
    if (trigger.endsWith('/') && !trigger.startsWith('http')) {
      if (telegramLink(text, start, end, start + m[0].length - 1, out)) triggers.lastIndex = end;
      continue;
    }
    let parsed = parseUrl(text.slice(start, end));
    if (!parsed) continue;
    const hostStart = start + parsed.hostStart;
    let hostEnd = start + parsed.hostEnd;
    if (TELEGRAM_HOSTS.has(parsed.host)) {
      const portless = text.indexOf('/', hostEnd);
      if (portless >= 0 && portless < end && telegramLink(text, start, end, portless, out)) {
        triggers.lastIndex = end;
        continue;
      }
    }
    // "www.example.com.Merci" and the like: a host running into the next sentence.
    if (hostEnd === end && !parsed.host.endsWith('.onion')) {
      const known = knownDomainLength(text.slice(hostStart, hostEnd));
      if (known > 0 && known < hostEnd - hostStart) {
        end = hostStart + known;
        hostEnd = end;
        parsed = parseUrl(text.slice(start, end));
        if (!parsed) continue;
      }
    }
    const host = hostEntity(text, hostStart, hostEnd, parsed.host);
    // A bare www. name is only a URL when its host is a name we would report as a domain.
    if (!trigger.startsWith('http') && !host) continue;
    out.push({ ...candidate('url', parsed, start, end), hostStart, hostEnd });
    if (host) out.push(host);
    triggers.lastIndex = end;
  }
}

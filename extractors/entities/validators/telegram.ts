// Telegram identifiers: public usernames (5-32 characters, a letter first, letters, digits and
// underscores, no trailing underscore; case-insensitive, so canonical lowercase without '@') and
// invite links, whose codes are case-sensitive and kept as written ("+code", "joinchat/code").
import type { Validated } from './validated.ts';

const HANDLE = /^[a-z][a-z0-9_]{3,30}[a-z0-9]$/;
const INVITE_CODE = /^[A-Za-z0-9_-]{5,64}$/;
const LINK_PREFIX = /^(?:https?:\/\/)?(?:www\.)?(?:t|telegram)\.(?:me|dog)\//i;

/** t.me paths that are features, not usernames. */
const RESERVED = new Set([
  'joinchat', 'addstickers', 'addemoji', 'addtheme', 'addlist', 'setlanguage', 'share', 'proxy', 'socks',
  'login', 'confirmphone', 'invoice', 'boost', 'contact', 'giftcode', 'iv', 'telegram', 'username',
]);

export const TELEGRAM_HOSTS: ReadonlySet<string> = new Set([
  't.me', 'www.t.me', 'telegram.me', 'www.telegram.me', 'telegram.dog', 'www.telegram.dog',
]);

export function validateHandle(name: string): Validated | null {
  const handle = name.toLowerCase();
  if (!HANDLE.test(handle) || RESERVED.has(handle)) return null;
  return { value: handle, details: { kind: 'handle' } };
}

function invite(code: string, prefix: '+' | 'joinchat/'): Validated | null {
  if (!INVITE_CODE.test(code)) return null;
  return { value: `${prefix}${code}`, details: { kind: 'invite' } };
}

/** Reads the path of a t.me link (what follows "t.me/"). */
export function parseTelegramPath(path: string): Validated | null {
  const segments = path.split(/[?#]/, 1)[0]?.split('/') ?? [];
  const [first = '', second = ''] = segments;
  if (first.toLowerCase() === 'joinchat') return invite(second, 'joinchat/');
  if (first.startsWith('+')) return invite(first.slice(1), '+');
  if (first.startsWith('%2B') || first.startsWith('%2b')) return invite(first.slice(3), '+');
  // t.me/s/name is the web preview of a public channel.
  if (first === 's') return validateHandle(second);
  return validateHandle(first);
}

/** Accepts "@name", "name", "t.me/name", "https://t.me/joinchat/CODE", "t.me/+CODE", "+CODE". */
export function validateTelegram(raw: string): Validated | null {
  const text = raw.trim();
  const link = LINK_PREFIX.exec(text);
  if (link) return parseTelegramPath(text.slice(link[0].length));
  if (text.startsWith('@')) return validateHandle(text.slice(1));
  if (text.startsWith('+')) return invite(text.slice(1), '+');
  if (/^joinchat\//i.test(text)) return invite(text.slice('joinchat/'.length), 'joinchat/');
  return validateHandle(text);
}

// E-mail addresses, RFC 5321-ish: a dot-atom local part (the characters people really use) and a
// domain with a real TLD shape. Canonical form is lowercase: providers treat local parts
// case-insensitively in practice, and pivots must not split on case.
import { hostLabels } from './domain.ts';
import { FILE_EXTENSIONS } from './tlds.ts';
import type { Validated } from './validated.ts';

const LOCAL = /^[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*$/;

export function validateEmail(raw: string): Validated | null {
  const text = raw.trim().toLowerCase();
  const at = text.lastIndexOf('@');
  if (at <= 0 || at > 64) return null;
  const local = text.slice(0, at);
  if (!LOCAL.test(local)) return null;
  const labels = hostLabels(text.slice(at + 1));
  if (!labels) return null;
  const tld = labels[labels.length - 1] as string;
  if (FILE_EXTENSIONS.has(tld)) return null;
  return { value: `${local}@${labels.join('.')}` };
}

// Character tests on UTF-16 code units, kept out of regexes on the hot paths.

const UNICODE_WORD = /[\p{L}\p{N}\p{M}]/u;

export function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

export function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

export function isAsciiAlnum(code: number): boolean {
  return isDigit(code) || isAsciiLetter(code);
}

/** Letters (any script), digits and '_': what glues characters into one word. */
export function isWordCode(code: number): boolean {
  if (code < 0x80) return isAsciiAlnum(code) || code === 0x5f;
  return UNICODE_WORD.test(String.fromCharCode(code));
}

/** Letters of any script and '_' (digits excluded). */
export function isLetterCode(code: number): boolean {
  if (code < 0x80) return isAsciiLetter(code) || code === 0x5f;
  return isWordCode(code) && !(code >= 0x30 && code <= 0x39);
}

/** Code unit at i, or -1 outside the text (so boundary tests need no special case). */
export function codeAt(text: string, i: number): number {
  return i >= 0 && i < text.length ? text.charCodeAt(i) : -1;
}

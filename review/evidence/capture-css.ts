// The CSS of a captured page (its <style> elements and style attributes) made unable to load
// anything: every url() and src() becomes `none`; @import statements, and the calls of functions
// that take URLs as bare strings (image-set(), image(), ...), are cut out whole (the declaration
// left, `vigie-removed()`, is one no browser knows, so it is dropped). The served capture's CSP (img-src data:, default-src 'none') forbids
// those loads as well; this is the second lock, and the one that holds if the HTML is saved and
// opened elsewhere.

// CSS escapes can spell a function name (`u\72l(`, `\75 rl(`): escapes of letters and hyphens are
// decoded first so that the patterns below see the name the browser will see. Other escapes are
// kept as written: decoding a digit or a quote would change what the stylesheet means.
const ESCAPE = /\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\\([^0-9a-fA-F\n\r\f])/g;
const DECODABLE = /^[A-Za-z-]$/;

// Removed, not replaced by a space: `ur/**/l(` then reads as url( and is removed too.
const COMMENT = /\/\*[\s\S]*?(?:\*\/|$)/g;
// url( and src( with a quoted or unquoted argument, to its closing parenthesis (or the end, as a
// browser closes an unterminated one).
const URL_FUNCTION = /\b(?:url|src)\s*\(\s*(?:"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*'|[^)]*?)\s*(?:\)|$)/gi;
// Functions whose string arguments are URLs, and IE's script-running expression().
const URL_STRING_FUNCTION = /\b(?:image-set|image|cross-fade|element|expression|paint)\s*\(/gi;
const IMPORT = /@import\b/gi;

export function sanitizeCss(css: string): string {
  const text = css.replace(/\0/g, '\ufffd').replace(COMMENT, '').replace(ESCAPE, decodeNameEscape).replace(URL_FUNCTION, 'none');
  return cutOut(cutOut(text, URL_STRING_FUNCTION, ')', 'vigie-removed()'), IMPORT, ';', '');
}

/**
 * Replaces each match of `start` and what follows it, up to the `end` character that closes it
 * (outside strings and nested parentheses) or the end of the text, with `replacement`.
 */
function cutOut(css: string, start: RegExp, end: ')' | ';', replacement: string): string {
  let out = '';
  let from = 0;
  for (const match of css.matchAll(start)) {
    if (match.index < from) continue; // inside a call already cut out
    out += css.slice(from, match.index) + replacement;
    from = closingIndex(css, match.index + match[0].length, end);
  }
  return out + css.slice(from);
}

/** The index just past the `end` that closes a construct whose content starts at `i`. */
function closingIndex(css: string, i: number, end: ')' | ';'): number {
  let depth = end === ')' ? 1 : 0;
  while (i < css.length) {
    const char = css[i]!;
    if (char === '\\') i += 2;
    else if (char === '"' || char === "'") {
      i += 1;
      while (i < css.length && css[i] !== char && css[i] !== '\n') i += css[i] === '\\' ? 2 : 1;
      i += 1;
    } else {
      i += 1;
      if (char === '(') depth += 1;
      else if (char === ')') depth -= 1;
      if (end === ')' ? depth === 0 : char === ';' && depth === 0) return i;
    }
  }
  return css.length;
}

function decodeNameEscape(whole: string, hex: string | undefined, char: string | undefined): string {
  if (char !== undefined) return DECODABLE.test(char) ? char : whole;
  const codePoint = Number.parseInt(hex!, 16);
  if (codePoint > 0x7f) return whole;
  const decoded = String.fromCharCode(codePoint);
  return DECODABLE.test(decoded) ? decoded : whole;
}

/** CSS text inside a <style> element: a `<` could end the element (`</style>`), so it is escaped. */
export function styleElementText(css: string): string {
  return sanitizeCss(css).replace(/</g, '\\3c ');
}

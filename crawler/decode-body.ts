// Turns response bytes into text the way a browser would pick the encoding: byte order mark, then
// the Content-Type charset, then a <meta> prescan, then UTF-8 when the bytes are valid UTF-8, else
// windows-1252 (the web's legacy default). Never throws: bad bytes become U+FFFD.
import { isUtf8 } from 'node:buffer';

export interface DecodedBody {
  text: string;
  /** The WHATWG name of the encoding used, e.g. `utf-8`, `windows-1252`, `shift_jis`. */
  charset: string;
}

const PRESCAN_BYTES = 1024;

export function decodeBody(bytes: Buffer | Uint8Array, contentTypeHeader: string | undefined): DecodedBody {
  const encoding =
    bomEncoding(bytes) ??
    supportedEncoding(charsetParameter(contentTypeHeader)) ??
    (isPlainText(contentTypeHeader) ? null : prescanEncoding(bytes)) ??
    (isUtf8(bytes) ? 'utf-8' : 'windows-1252');
  if (encoding === 'windows-1252') return { text: decodeWindows1252(bytes), charset: encoding };
  // The decoder strips a BOM matching its own encoding and replaces malformed sequences.
  const decoder = new TextDecoder(encoding);
  return { text: decoder.decode(bytes), charset: decoder.encoding };
}

// Node 20's TextDecoder decodes windows-1252 (and so every `latin1`/`iso-8859-1` label) as
// ISO-8859-1, turning 0x80-0x9F (€ “ ” ’ – — ™ ...) into C1 controls. The five bytes that
// windows-1252 leaves unassigned keep their C1 code points, as the WHATWG table says.
const WINDOWS_1252_HIGH =
  '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f' +
  '\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';

function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return latin1.replace(/[\x80-\x9f]/g, (c) => WINDOWS_1252_HIGH.charAt(c.charCodeAt(0) - 0x80));
}

function bomEncoding(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return null;
}

/**
 * The WHATWG name for a label, or null when the label is unknown or names an encoding Node cannot
 * decode (such as `replacement` or `x-user-defined`), so the next source of truth is tried.
 */
export function supportedEncoding(label: string | null | undefined): string | null {
  if (!label) return null;
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    return null;
  }
}

/** The `charset` parameter of a Content-Type value (header or meta content), if any. */
export function charsetParameter(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  // WHATWG "extracting a character encoding from a meta element", which also suits headers.
  const match = /charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;"']+))/i.exec(contentType);
  if (!match) return null;
  return (match[1] ?? match[2] ?? match[3] ?? '').trim() || null;
}

function isPlainText(contentTypeHeader: string | undefined): boolean {
  return (contentTypeHeader ?? '').split(';', 1)[0]!.trim().toLowerCase() === 'text/plain';
}

const COMMENT = /<!--[\s\S]*?-->/g;
// A <meta> tag whose attribute values may hold '>' inside quotes.
const META_TAG = /<meta(?=[\s/])((?:[^>"']|"[^"]*"|'[^']*')*)>/gi;
const ATTRIBUTE = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

/** The encoding declared by <meta charset> or <meta http-equiv=content-type> in the first 1024 bytes. */
export function prescanEncoding(bytes: Uint8Array): string | null {
  // Latin-1 maps each byte to one char, so ASCII markup is found whatever the real encoding.
  const head = Buffer.from(bytes.subarray(0, PRESCAN_BYTES)).toString('latin1').replace(COMMENT, '');
  for (const tag of head.matchAll(META_TAG)) {
    const attributes = new Map<string, string>();
    for (const attribute of tag[1]!.matchAll(ATTRIBUTE)) {
      const name = attribute[1]!.toLowerCase();
      if (!attributes.has(name)) attributes.set(name, attribute[2] ?? attribute[3] ?? attribute[4] ?? '');
    }
    // An unquoted value runs to whitespace or '>', so `charset=utf-8/>` leaves a trailing slash.
    let label = attributes.get('charset')?.replace(/\/$/, '') ?? null;
    if (label === null && attributes.get('http-equiv')?.trim().toLowerCase() === 'content-type') {
      label = charsetParameter(attributes.get('content'));
    }
    const encoding = supportedEncoding(label);
    if (encoding) return metaOverride(encoding);
    if (label !== null && label.trim().toLowerCase() === 'x-user-defined') return 'windows-1252';
  }
  const xmlDeclaration = /^<\?xml[^>]*\sencoding\s*=\s*["']([^"']+)["']/i.exec(head);
  const xmlEncoding = supportedEncoding(xmlDeclaration?.[1]);
  return xmlEncoding ? metaOverride(xmlEncoding) : null;
}

// A page that could read its own <meta> in ASCII cannot be UTF-16; the HTML standard says UTF-8.
function metaOverride(encoding: string): string {
  return encoding === 'utf-16le' || encoding === 'utf-16be' ? 'utf-8' : encoding;
}

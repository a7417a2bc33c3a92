// Content-Type handling for the fetcher: which responses are worth reading, decided before the
// body is read (from the header, or from the first bytes when a server sends no type).

/** The lowercase MIME type of a Content-Type header without parameters; '' when absent. */
export function mimeType(header: string | undefined): string {
  return (header ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

/** Exact MIME types, or `type/*` wildcards. */
export function isAllowedType(mime: string, allowed: readonly string[]): boolean {
  return allowed.some((entry) => {
    const wanted = entry.trim().toLowerCase();
    return wanted.endsWith('/*') ? mime.startsWith(wanted.slice(0, -1)) : mime === wanted;
  });
}

/** How many leading bytes `looksLikeHtml` needs to decide. */
export const SNIFF_BYTES = 512;

// The tags of the WHATWG MIME sniffing standard's HTML patterns (section 7.1); each must be followed
// by a space or '>' to count.
const HTML_TAGS = [
  '<!doctype html', '<html', '<head', '<script', '<iframe', '<h1', '<div', '<font', '<table', '<a',
  '<style', '<title', '<b', '<body', '<br', '<p', '<!--',
];

/** Whether a body without Content-Type starts like HTML (after an optional BOM and whitespace). */
export function looksLikeHtml(head: Uint8Array): boolean {
  let text = Buffer.from(head.subarray(0, SNIFF_BYTES)).toString('latin1');
  if (text.startsWith('\xef\xbb\xbf')) text = text.slice(3);
  text = text.replace(/^[\t\n\f\r ]+/, '').toLowerCase();
  return HTML_TAGS.some((tag) => {
    if (!text.startsWith(tag)) return false;
    const next = text.charAt(tag.length);
    return tag === '<!--' || next === ' ' || next === '>' || next === '\t' || next === '\n' || next === '\r' || next === '\f';
  });
}

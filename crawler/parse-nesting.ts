// A guard in front of htmlparser2 against absurdly deep nesting. Its open-element stack grows with
// Array.unshift, so parsing costs O(depth) per tag: 100,000 nested <div>s take seconds and a hostile
// 10 MB page minutes. Browsers cap the tree depth (Blink at 512) and hang deeper elements at that
// level; we do the same before parsing, in one linear scan: an element that would open deeper than
// the cap is closed right away (so its attributes, hrefs included, survive) and its end tag dropped.
// The text is untouched; only the structure of the over-deep part is flattened.

export const MAX_NESTING_DEPTH = 512;

// Documents smaller than this cannot hold enough tags for the depth to cost more than a few ms.
const MIN_CHARS_TO_SCAN = 64 * 1024;

const VOID_ELEMENTS = new Set([
  'area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input', 'isindex',
  'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr',
]);
// Their content is raw text: a '<' inside is not a tag.
const RAW_TEXT_ELEMENTS = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);
// Implied end tags, as htmlparser2 applies them (its Parser's openImpliesClose): opening the key
// closes open elements of the listed names while they are on top of the stack.
const P = ['p'];
const FORM_CONTROLS = ['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea'];
const IMPLIED_CLOSE = new Map<string, Set<string>>(
  Object.entries({
    tr: ['tr', 'th', 'td'], th: ['th'], td: ['thead', 'th', 'td'], body: ['head', 'link', 'script'], li: ['li'],
    p: P, h1: P, h2: P, h3: P, h4: P, h5: P, h6: P, select: FORM_CONTROLS, input: FORM_CONTROLS,
    output: FORM_CONTROLS, button: FORM_CONTROLS, datalist: FORM_CONTROLS, textarea: FORM_CONTROLS,
    option: ['option'], optgroup: ['optgroup', 'option'], dd: ['dd', 'dt'], dt: ['dd', 'dt'], address: P,
    article: P, aside: P, blockquote: P, details: P, div: P, dl: P, fieldset: P, figcaption: P, figure: P,
    footer: P, form: P, header: P, hr: P, main: P, nav: P, ol: P, pre: P, section: P, table: P, ul: P,
    rt: ['rt', 'rp'], rp: ['rt', 'rp'], tbody: ['thead', 'tbody'], tfoot: ['thead', 'tbody'],
  }).map(([name, closes]) => [name, new Set(closes)]),
);

/** Returns `html` with nesting deeper than `maxDepth` flattened (unchanged when it is not). */
export function limitNesting(html: string, maxDepth = MAX_NESTING_DEPTH): string {
  if (html.length < MIN_CHARS_TO_SCAN) return html;
  const stack: string[] = [];
  // End tags to drop because their element was closed early, by name.
  const flattened = new Map<string, number>();
  const out: string[] = [];
  let copiedUpTo = 0;
  let changed = false;

  let at = 0;
  for (;;) {
    const start = html.indexOf('<', at);
    if (start === -1) break;
    const next = html.charCodeAt(start + 1);
    if (next === 0x21 /* ! */) {
      const end = html.startsWith('<!--', start) ? html.indexOf('-->', start + 4) : html.indexOf('>', start);
      if (end === -1) break;
      at = end + 1;
      continue;
    }
    const closing = next === 0x2f; /* / */
    const nameStart = closing ? start + 2 : start + 1;
    if (!isAsciiLetter(html.charCodeAt(nameStart))) {
      at = nameStart;
      continue;
    }
    let nameEnd = nameStart + 1;
    while (nameEnd < html.length && !endsTagName(html.charCodeAt(nameEnd))) nameEnd++;
    const tagEnd = html.indexOf('>', nameEnd);
    if (tagEnd === -1) break;
    at = tagEnd + 1;
    const name = html.slice(nameStart, nameEnd).toLowerCase();

    if (closing) {
      const pending = flattened.get(name) ?? 0;
      if (pending > 0) {
        flattened.set(name, pending - 1);
        out.push(html.slice(copiedUpTo, start));
        copiedUpTo = tagEnd + 1;
        changed = true;
      } else {
        const open = stack.lastIndexOf(name);
        if (open !== -1) stack.length = open;
      }
      continue;
    }

    if (RAW_TEXT_ELEMENTS.has(name)) {
      // Skip the raw text; a missing end tag means the rest of the document is raw text.
      const end = findEndTag(html, name, at);
      if (end === -1) break;
      at = end;
      continue;
    }
    if (VOID_ELEMENTS.has(name)) continue;
    // `<x/>` closes itself only in SVG and MathML; in HTML the parser ignores the slash.
    if (html.charCodeAt(tagEnd - 1) === 0x2f /* '/' */ && (stack.includes('svg') || stack.includes('math'))) continue;

    const closes = IMPLIED_CLOSE.get(name);
    while (closes && stack.length > 0 && closes.has(stack[stack.length - 1]!)) stack.pop();

    if (stack.length >= maxDepth) {
      out.push(html.slice(copiedUpTo, tagEnd + 1), `</${name}>`);
      copiedUpTo = tagEnd + 1;
      flattened.set(name, (flattened.get(name) ?? 0) + 1);
      changed = true;
      continue;
    }
    stack.push(name);
  }
  if (!changed) return html;
  out.push(html.slice(copiedUpTo));
  return out.join('');
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

function endsTagName(code: number): boolean {
  // whitespace, '/', '>'
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d || code === 0x2f || code === 0x3e;
}

/** Index of the `</name` that ends a raw-text element (case-insensitive), or -1. */
function findEndTag(html: string, name: string, from: number): number {
  for (let at = html.indexOf('</', from); at !== -1; at = html.indexOf('</', at + 2)) {
    if (html.slice(at + 2, at + 2 + name.length).toLowerCase() === name) return at;
  }
  return -1;
}

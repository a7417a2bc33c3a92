// The stored page, made safe to show an analyst: the captured HTML is parsed and written out again
// from an allowlist of elements and attributes, so nothing the site wrote can run or load. Scripts,
// frames, objects, <base>, <meta>, <link>, templates and every attribute not on the list (on*,
// href, src, srcset, action, background, ...) are gone; images, SVG, video, audio, canvas and
// embeds become inert boxes of the same size that show the alt text; links become inert text with
// the original URL in their title; CSS keeps the layout but loses every url() (capture-css.ts).
// Rebuilding from the tree, rather than deleting what is known to be bad from the markup, is what
// makes the unknown safe too: an element or attribute nobody thought of is simply not written.
import type { ChildNode, Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { limitNesting } from '../../crawler/parse-nesting.ts';
import { sanitizeCss, styleElementText } from './capture-css.ts';

export interface CaptureHtmlOptions {
  /** The page's final URL: link and image URLs are shown resolved against it (or its <base>). */
  pageUrl: string;
  /**
   * The HTML is Chromium's rendered DOM: scripts ran, so its <noscript> fallbacks were never shown
   * and are left out. In a response body they are what a reader without scripts (this view) sees.
   */
  rendered?: boolean;
}

// Kept as they are (with allowed attributes only).
const KEPT = new Set([
  'html', 'head', 'body', 'title', 'div', 'span', 'p', 'br', 'hr', 'wbr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'menu', 'table', 'caption', 'colgroup', 'col', 'thead', 'tbody', 'tfoot',
  'tr', 'td', 'th', 'b', 'i', 'u', 's', 'strike', 'em', 'strong', 'small', 'big', 'sub', 'sup', 'tt', 'code',
  'pre', 'kbd', 'samp', 'var', 'blockquote', 'q', 'cite', 'abbr', 'acronym', 'dfn', 'time', 'mark', 'del',
  'ins', 'section', 'article', 'aside', 'header', 'footer', 'nav', 'main', 'figure', 'figcaption', 'address',
  'details', 'summary', 'center', 'font', 'nobr', 'label', 'fieldset', 'legend', 'form', 'button', 'select',
  'option', 'optgroup', 'textarea', 'output', 'progress', 'meter', 'ruby', 'rt', 'rp', 'rb', 'rtc', 'bdi',
  'bdo', 'data', 'hgroup', 'search', 'dialog',
]);
const VOID = new Set(['br', 'hr', 'wbr', 'col', 'input']);
// Gone with everything inside them.
const DROPPED = new Set([
  'script', 'template', 'base', 'link', 'meta', 'param', 'source', 'track', 'area', 'noembed', 'noframes',
  'frameset', 'portal', 'datalist', 'slot',
]);
// Replaced by a box of their size: [label shown] for each. A Map: a page may name an element
// <constructor> or <__proto__>, which a plain object would answer from its prototype.
const PLACEHOLDERS: ReadonlyMap<string, string> = new Map([
  ['img', 'img'], ['image', 'img'], ['svg', 'svg'], ['math', 'math'], ['video', 'video'], ['audio', 'audio'],
  ['canvas', 'canvas'], ['iframe', 'iframe'], ['frame', 'frame'], ['object', 'object'], ['embed', 'embed'], ['applet', 'applet'],
]);
// Raw-text elements whose text must show as text: written as <pre>.
const AS_PRE = new Set(['xmp', 'plaintext', 'listing']);
const FORM_CONTROLS = new Set(['input', 'button', 'select', 'textarea']);

const ATTRIBUTES = new Set([
  'class', 'id', 'title', 'lang', 'dir', 'role', 'hidden', 'align', 'valign', 'bgcolor', 'color', 'border',
  'cellpadding', 'cellspacing', 'colspan', 'rowspan', 'nowrap', 'face', 'size', 'start', 'reversed', 'value',
  'datetime', 'open', 'span', 'headers', 'scope', 'abbr', 'clear', 'noshade', 'summary', 'label', 'placeholder',
  'checked', 'selected', 'multiple', 'rows', 'cols', 'maxlength', 'min', 'max', 'step', 'high', 'low',
  'optimum', 'wrap', 'for', 'translate', 'alt',
]);
const DIMENSION = /^\s*\d{1,5}(?:\.\d+)?(%|px)?\s*$/;
const LIST_TYPES = new Set(['1', 'a', 'A', 'i', 'I', 'disc', 'circle', 'square', 'none']);
const INPUT_TYPES = new Set([
  'text', 'search', 'email', 'url', 'tel', 'password', 'number', 'date', 'datetime-local', 'month', 'week',
  'time', 'color', 'checkbox', 'radio', 'range', 'file', 'submit', 'reset', 'button',
]);
const SHOWN_URL_CHARS = 500;

// Our own styles come first: the page's rules (kept, url-free) may restyle its elements as before.
const HEAD = '<meta charset="utf-8"><style>'
  + '.vigie-placeholder{display:inline-block;box-sizing:border-box;max-width:100%;min-width:1.5em;min-height:1.2em;'
  + 'border:1px dashed #8a8a8a;background:#ececec;color:#444;font:12px/1.3 sans-serif;overflow:hidden;vertical-align:middle;padding:2px}'
  + '.vigie-link{text-decoration:underline dotted;cursor:help}</style>';

/** The captured HTML rebuilt from the allowlist; safe to serve (with the capture CSP) as a document. */
export function sanitizeCaptureHtml(html: string, options: CaptureHtmlOptions): string {
  const document = parseDocument(limitNesting(html));
  const base = documentBase(document.children, options.pageUrl);
  const hasDoctype = document.children.some((node) => node.type === 'directive' && /^!doctype/i.test(node.data));
  const out: string[] = [hasDoctype ? '<!DOCTYPE html>' : '', HEAD];
  // Iterative walk: a hostile page's nesting must not overflow the stack. Strings are end tags.
  const stack: (ChildNode | string)[] = [];
  pushReversed(stack, document.children);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (typeof node === 'string') out.push(node);
    else if (node.type === 'text') out.push(escapeText(node.data));
    else if (node.type === 'tag' || node.type === 'script' || node.type === 'style') writeElement(node, out, stack, base, options);
    // Comments, directives and CDATA are left out.
  }
  return out.join('');
}

function writeElement(element: Element, out: string[], stack: (ChildNode | string)[], base: string, options: CaptureHtmlOptions): void {
  const name = element.name.toLowerCase();
  if (DROPPED.has(name) || (name === 'noscript' && options.rendered)) return;
  if (name === 'style') {
    out.push(`<style>${styleElementText(textOf(element))}</style>`);
    return;
  }
  if (name === 'title') {
    out.push(`<title>${escapeText(textOf(element))}</title>`);
    return;
  }
  if (name === 'textarea') {
    out.push(`<textarea${attributes(element)} disabled>${escapeText(textOf(element))}</textarea>`);
    return;
  }
  if (AS_PRE.has(name)) {
    out.push(`<pre${attributes(element)}>${escapeText(textOf(element))}</pre>`);
    return;
  }
  const placeholder = PLACEHOLDERS.get(name) ?? (name === 'input' && inputType(element) === 'image' ? 'img' : undefined);
  if (placeholder !== undefined) {
    out.push(placeholderBox(element, placeholder, base));
    return;
  }
  if (name === 'input' && inputType(element) === 'hidden') return;
  if (!KEPT.has(name) && name !== 'a' && name !== 'input') {
    // Unknown, custom and obsolete elements (picture, map, noscript, marquee, my-widget...): their
    // content stays, the element itself is not written.
    pushReversed(stack, element.children);
    return;
  }
  out.push(`<${name}${attributes(element)}${extraAttributes(element, name, base)}>`);
  if (VOID.has(name)) return;
  stack.push(`</${name}>`);
  pushReversed(stack, element.children);
}

/** Children onto a walk's stack so that they pop in document order (a loop: there may be 100,000 of them). */
function pushReversed<T>(stack: (T | string)[], nodes: readonly T[]): void {
  for (let i = nodes.length - 1; i >= 0; i--) stack.push(nodes[i]!);
}

/** What a link, a form control or a list adds to its allowed attributes. */
function extraAttributes(element: Element, name: string, base: string): string {
  const attribs = element.attribs;
  if (name === 'a') {
    const target = attribs.href === undefined ? null : shownUrl(attribs.href, base);
    const title = [attribs.title ?? '', target ?? ''].filter(Boolean).join('\n');
    return title ? ` title="${escapeAttribute(title)}"` : '';
  }
  if (name === 'input') return ` type="${inputType(element)}" disabled`;
  if (name === 'button') return ' type="button" disabled';
  if (FORM_CONTROLS.has(name)) return ' disabled';
  if ((name === 'ol' || name === 'ul' || name === 'li') && attribs.type !== undefined && LIST_TYPES.has(attribs.type)) {
    return ` type="${escapeAttribute(attribs.type)}"`;
  }
  return '';
}

function attributes(element: Element): string {
  let written = '';
  const name = element.name.toLowerCase();
  for (const [rawName, value] of Object.entries(element.attribs)) {
    const attribute = rawName.toLowerCase();
    let kept: string | null = null;
    if (attribute === 'style') kept = sanitizeCss(value).trim() || null;
    else if (attribute === 'width' || attribute === 'height') kept = DIMENSION.test(value) ? value.trim() : null;
    else if (attribute === 'title' && name === 'a') kept = null; // rewritten with the link's URL
    else if (attribute === 'class' && name === 'a') kept = `${value} vigie-link`;
    else if (ATTRIBUTES.has(attribute) || /^aria-[a-z-]{1,40}$/.test(attribute)) kept = value;
    if (kept !== null) written += ` ${attribute}="${escapeAttribute(kept)}"`;
  }
  if (name === 'a' && element.attribs.class === undefined) written += ' class="vigie-link"';
  return written;
}

/** An inert box in place of an image or embedded content: its size, its alt text, its URL in the title. */
function placeholderBox(element: Element, label: string, base: string): string {
  const attribs = element.attribs;
  const source = attribs.src ?? attribs.data ?? attribs.poster ?? firstSrcsetUrl(attribs.srcset);
  const url = source === undefined ? null : shownUrl(source, base);
  const alt = (attribs.alt ?? attribs['aria-label'] ?? attribs.title ?? svgTitle(element, label) ?? '').trim();
  const size = ['width', 'height']
    .map((side) => (attribs[side] !== undefined && DIMENSION.test(attribs[side]) ? `${side}:${dimension(attribs[side])}` : ''))
    .filter(Boolean)
    .join(';');
  const pageStyle = attribs.style === undefined ? '' : sanitizeCss(attribs.style).trim();
  const style = [size, pageStyle].filter(Boolean).join(';');
  const classes = ['vigie-placeholder', attribs.class ?? ''].join(' ').trim();
  const title = [`[${label}]`, alt, url ?? ''].filter(Boolean).join('\n');
  return `<span class="${escapeAttribute(classes)}" role="img" aria-label="${escapeAttribute(alt || label)}"`
    + ` title="${escapeAttribute(title)}"${style ? ` style="${escapeAttribute(style)}"` : ''}>`
    + `[${escapeText(label)}]${alt ? ` ${escapeText(alt)}` : ''}</span>`;
}

function dimension(value: string): string {
  const trimmed = value.trim();
  return /[%px]$/.test(trimmed) ? trimmed : `${trimmed}px`;
}

function svgTitle(element: Element, label: string): string | undefined {
  if (label !== 'svg') return undefined;
  const title = element.children.find((child): child is Element => child.type === 'tag' && child.name.toLowerCase() === 'title');
  return title ? textOf(title) : undefined;
}

function firstSrcsetUrl(srcset: string | undefined): string | undefined {
  const first = srcset?.trim().split(/\s+/)[0];
  return first ? first.replace(/,$/, '') : undefined;
}

/** The URL as the analyst should read it (absolute), or a note when it is a script or data URL. */
function shownUrl(raw: string, base: string): string | null {
  const trimmed = raw.trim();
  if (trimmed === '') return null;
  let resolved: URL | null = null;
  try {
    resolved = new URL(trimmed, base);
  } catch {
    return trimmed.slice(0, SHOWN_URL_CHARS);
  }
  if (resolved.protocol === 'javascript:' || resolved.protocol === 'vbscript:') return "(script link removed)";
  if (resolved.protocol === 'data:') return `(data: URL, ${trimmed.length} characters)`;
  return resolved.href.slice(0, SHOWN_URL_CHARS);
}

function documentBase(nodes: readonly ChildNode[], pageUrl: string): string {
  // The first <base href> in document order counts, as in a browser.
  const stack: ChildNode[] = [];
  pushReversed(stack, nodes);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type !== 'tag') continue;
    if (node.name.toLowerCase() === 'base' && node.attribs.href) {
      try {
        return new URL(node.attribs.href, pageUrl).href;
      } catch {
        return pageUrl;
      }
    }
    pushReversed(stack, node.children);
  }
  return pageUrl;
}

function inputType(element: Element): string {
  const type = (element.attribs.type ?? 'text').trim().toLowerCase();
  if (type === 'image' || type === 'hidden') return type;
  return INPUT_TYPES.has(type) ? type : 'text';
}

function textOf(element: Element): string {
  let text = '';
  const stack: ChildNode[] = [];
  pushReversed(stack, element.children);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'text') text += node.data;
    else if ('children' in node) pushReversed(stack, node.children);
  }
  return text;
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A capture that is text but not HTML (text/plain, JSON, XML, feeds), shown as it is. */
export function plainTextDocument(text: string): string {
  return `${HEAD}<pre style="white-space:pre-wrap;word-break:break-word">${escapeText(text)}</pre>`;
}

/** What the view shows instead of a capture it cannot display (a PDF, an image, an archive...). */
export function noticeDocument(message: string): string {
  return `${HEAD}<p class="vigie-placeholder" role="note">${escapeText(message)}</p>`;
}

// Renders a DOM subtree as plain text the way a reader sees it: block elements start new
// paragraphs (separated by a blank line), <br> starts a new line (two in a row a new paragraph),
// inline elements flow, whitespace collapses except inside <pre>/<textarea>, table cells of a row
// are joined with " | ". Iterative, so arbitrarily deep trees cannot overflow the stack.
import type { AnyNode, Element, ParentNode } from 'domhandler';

const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'center', 'dd', 'details', 'dialog', 'dir',
  'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'header', 'hgroup', 'hr', 'html', 'legend', 'li', 'listing', 'main', 'menu', 'nav', 'ol', 'p', 'plaintext',
  'pre', 'section', 'summary', 'table', 'tbody', 'textarea', 'tfoot', 'thead', 'tr', 'ul', 'xmp',
]);
const PREFORMATTED_TAGS = new Set(['pre', 'textarea', 'listing', 'plaintext', 'xmp']);
const CELL_TAGS = new Set(['td', 'th']);

// C0 controls other than tab/newline, and DEL: never meaningful in text, and NUL breaks storage.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const WHITESPACE_RUN = /\s+/g;

/** Accumulates text with paragraph, line and cell structure. */
export class TextBuilder {
  private readonly paragraphs: string[] = [];
  private lines: string[] = [];
  private line = '';
  private pendingSpace = false;
  private pendingCell = false;
  private brRun = 0;
  private length = 0;

  constructor(private readonly maxChars = Number.POSITIVE_INFINITY) {}

  get full(): boolean {
    return this.length >= this.maxChars;
  }

  /** Characters that may still be added (a single huge text node must not blow the cap). */
  get remaining(): number {
    return Math.max(0, this.maxChars - this.length);
  }

  /** Flowing text: whitespace collapses into single spaces. */
  text(raw: string): void {
    const collapsed = raw.replace(WHITESPACE_RUN, ' ');
    if (collapsed === ' ' || collapsed === '') {
      if (this.line) this.pendingSpace = true;
      return;
    }
    const startsWithSpace = collapsed.charCodeAt(0) === 0x20;
    const endsWithSpace = collapsed.charCodeAt(collapsed.length - 1) === 0x20;
    const word = collapsed.slice(startsWithSpace ? 1 : 0, endsWithSpace ? -1 : undefined);
    this.append(word, startsWithSpace);
    this.pendingSpace = endsWithSpace;
  }

  /** Preformatted text: newlines are kept, other whitespace as written. */
  preformatted(raw: string): void {
    const lines = raw.replace(/\r\n?/g, '\n').split('\n');
    lines.forEach((piece, i) => {
      if (i > 0) this.newLine(true);
      const trimmed = piece.replace(/\s+$/, '');
      if (trimmed) this.append(trimmed, false);
    });
  }

  lineBreak(): void {
    // Two <br> in a row mark a paragraph break in hand-written HTML.
    if (++this.brRun >= 2 && !this.line) {
      this.paragraphBreak();
      return;
    }
    this.newLine(false);
  }

  paragraphBreak(): void {
    this.newLine(false);
    if (this.lines.length > 0) {
      this.paragraphs.push(this.lines.join('\n'));
      this.lines = [];
    }
    this.brRun = 0;
  }

  cellBreak(): void {
    if (this.line) this.pendingCell = true;
  }

  toString(): string {
    this.paragraphBreak();
    return this.paragraphs.join('\n\n').replace(CONTROL_CHARS, '');
  }

  private append(word: string, spaceBefore: boolean): void {
    if (this.line) {
      if (this.pendingCell) this.line += ' | ';
      else if (this.pendingSpace || spaceBefore) this.line += ' ';
    }
    this.line += word;
    this.length += word.length + 1;
    this.pendingSpace = false;
    this.pendingCell = false;
    this.brRun = 0;
  }

  private newLine(keepEmpty: boolean): void {
    if (this.line) this.lines.push(this.line);
    else if (keepEmpty && this.lines.length > 0) this.lines.push('');
    this.line = '';
    this.pendingSpace = false;
    this.pendingCell = false;
  }
}

/**
 * Text of `root`'s subtree; `skip(el)` prunes an element and everything under it. Stops adding
 * text after about `maxChars` characters.
 */
export function renderText(root: ParentNode, skip: (el: Element) => boolean, maxChars?: number): string {
  const out = new TextBuilder(maxChars);
  // Frames: the node to visit, or an element to close (its block break or cell separator).
  const stack: { node: AnyNode; closing: boolean }[] = [];
  let preDepth = 0;
  // An element root is rendered with its own block/pre semantics; a document root is not a node.
  if (root.type === 'tag') stack.push({ node: root, closing: false });
  else for (let i = root.children.length - 1; i >= 0; i--) stack.push({ node: root.children[i]!, closing: false });

  while (stack.length > 0 && !out.full) {
    const { node, closing } = stack.pop()!;
    if (node.type === 'text') {
      const data = node.data.length > out.remaining ? node.data.slice(0, out.remaining) : node.data;
      if (preDepth > 0) out.preformatted(data);
      else out.text(data);
      continue;
    }
    if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style') continue;
    const el = node as Element;
    const name = el.name;
    if (closing) {
      if (PREFORMATTED_TAGS.has(name)) preDepth--;
      if (BLOCK_TAGS.has(name)) out.paragraphBreak();
      else if (CELL_TAGS.has(name)) out.cellBreak();
      continue;
    }
    if (name === 'br') {
      out.lineBreak();
      continue;
    }
    if (skip(el)) continue;
    if (BLOCK_TAGS.has(name)) out.paragraphBreak();
    else if (CELL_TAGS.has(name)) out.cellBreak();
    if (PREFORMATTED_TAGS.has(name)) preDepth++;
    stack.push({ node: el, closing: true });
    for (let i = el.children.length - 1; i >= 0; i--) stack.push({ node: el.children[i]!, closing: false });
  }
  return out.toString();
}

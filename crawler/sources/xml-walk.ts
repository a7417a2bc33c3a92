// A bounded streaming walk over an XML document (htmlparser2's tokenizer in xmlMode), shared by
// the sitemap and feed readers. Streaming rather than a DOM, because a sitemap may be tens of
// megabytes; lenient, because real feeds are often malformed. Safe against entity bombs: in
// xmlMode htmlparser2 decodes only the five predefined entities and numeric references, never the
// ENTITY declarations of a DOCTYPE, so `&lol9;` stays the literal text "&lol9;".
import { Parser } from 'htmlparser2';

export interface XmlVisitor {
  /**
   * An element opened. `path` holds the lowercase local names (prefix dropped) from the root to
   * this element. Return true to receive the element's text content when it closes.
   */
  open(path: readonly string[], attribs: Readonly<Record<string, string>>): boolean;
  /**
   * An element closed; `text` is its text content when `open` asked for it, else null. `cut` is
   * true when the document ended before the element's end tag: its content may be incomplete.
   */
  close(path: readonly string[], text: string | null, cut: boolean): void;
  /** Whether to stop reading (e.g. the caller has all the entries it will take). */
  done?(): boolean;
}

export interface XmlWalkResult {
  /** The local name of the first element (the document's root), or null when there is none. */
  root: string | null;
  /** Elements left unclosed or closed by another element's end tag, plus a nesting too deep to follow. */
  errors: number;
  /** True when the walk stopped before the end (the visitor was done, or the nesting too deep). */
  stopped: boolean;
}

/** Deeper nesting has no place in a sitemap or a feed; stopping bounds the parser's own stack. */
export const MAX_XML_DEPTH = 64;
/** Text kept per captured element: URLs and dates are short; a huge <loc> is junk. */
export const MAX_CAPTURE_CHARS = 16 * 1024;
// The tokenizer is fed in slices so that a stop takes effect soon, not after the whole document.
const SLICE_CHARS = 64 * 1024;

export function walkXml(xml: string, visitor: XmlVisitor): XmlWalkResult {
  const path: string[] = [];
  // Per open element: its captured text so far, or null when not captured; `active` holds only
  // the captured ones, so that text costs nothing for the (many) elements nobody asked about.
  const captures: Array<{ text: string } | null> = [];
  const active: Array<{ text: string }> = [];
  let root: string | null = null;
  let errors = 0;
  let stopped = false;
  // htmlparser2 reports a self-closing tag as an implied close: it is one when nothing came
  // between its open and its close.
  let justOpened = false;
  let ending = false;

  const parser = new Parser({
    onopentag(name, attribs) {
      const local = localName(name);
      if (path.length === 0 && root === null) root = local;
      path.push(local);
      if (path.length > MAX_XML_DEPTH) {
        errors++;
        stopped = true;
      }
      const capture = !stopped && visitor.open(path, attribs) ? { text: '' } : null;
      captures.push(capture);
      if (capture) active.push(capture);
      justOpened = true;
    },
    ontext(data) {
      justOpened = false;
      if (stopped) return;
      for (const capture of active) {
        if (capture.text.length < MAX_CAPTURE_CHARS) capture.text += data.slice(0, MAX_CAPTURE_CHARS - capture.text.length);
      }
    },
    onclosetag(_name, isImplied) {
      const selfClosing = isImplied && justOpened && !ending;
      justOpened = false;
      if (isImplied && !selfClosing) errors++;
      const capture = captures.pop();
      if (capture) active.pop();
      if (path.length === 0) return;
      if (!stopped) visitor.close(path, capture ? capture.text.trim() : null, ending);
      path.pop();
    },
  }, { xmlMode: true, decodeEntities: true });

  for (let offset = 0; offset < xml.length && !stopped; offset += SLICE_CHARS) {
    parser.write(xml.slice(offset, offset + SLICE_CHARS));
    if (visitor.done?.()) stopped = true;
  }
  // Closes what is still open (counted as errors when the document was complete).
  if (stopped) {
    parser.reset();
  } else {
    ending = true;
    parser.end();
  }
  return { root, errors, stopped };
}

/** `sm:urlset` → `urlset`; XML names are case-sensitive but feeds in the wild are not careful. */
export function localName(name: string): string {
  return name.slice(name.lastIndexOf(':') + 1).toLowerCase();
}

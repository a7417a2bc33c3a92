// Measuring a page for main-text extraction (main-text.ts): one iterative pass over the DOM
// classifies every element (parse-boilerplate.ts) and counts, bottom-up, the text and link text
// each holds with and without its boilerplate; then the safety net rescues a "boilerplate"
// element that holds most of the page's text when nothing else on the page does (a `has-sidebar`
// layout wrapper, a hidden-until-clicked article).
import type { AnyNode, Document, Element, ParentNode } from 'domhandler';
import { classifyElement, type ClassCache, type ElementKind } from './parse-boilerplate.ts';

/** One element (or the body) as measured. */
export interface Info {
  el: Element | Document;
  parent: Info | null;
  kind: ElementKind | 'root';
  /** Boilerplate at this element (possibly rescued by the safety net). */
  junk: boolean;
  /** Inside an article, main region or user content. */
  inArticle: boolean;
  /** Inside user content (posts, comments): no link-density pruning there. */
  inUser: boolean;
  /** Text characters (non-whitespace), boilerplate included. */
  rawText: number;
  rawLinkText: number;
  /** Without boilerplate descendants. */
  text: number;
  linkText: number;
  links: number;
  /** <h1> elements in the subtree, boilerplate excluded. */
  h1s: number;
  /** Text inside user content (posts, comments) in the subtree, boilerplate excluded. */
  userText: number;
  children: Info[];
}

/** A junk element holding at least this share of the page's text, mostly not links, is kept. */
const RESCUE_SHARE = 0.5;
/** ... when the page's clean text outside it is below this share of its text. */
const RESCUE_CLEAN_SHARE = 0.25;

export interface MeasuredPage {
  top: Info;
  infos: Map<AnyNode, Info>;
  /** <h1> elements in document order. */
  h1s: Info[];
}

/** Classifies and measures the page's body, then applies the safety net. */
export function measurePage(doc: Document): MeasuredPage {
  const infos = new Map<AnyNode, Info>();
  const h1s: Info[] = [];
  const top = measure(findBody(doc), infos, h1s);
  rescueLargeJunk(top);
  return { top, infos, h1s };
}

/** Text outside links, boilerplate excluded. */
export function nonLink(info: Info): number {
  return info.text - info.linkText;
}

/** Whether the element or one of its ancestors is boilerplate. */
export function insideJunk(info: Info): boolean {
  for (let up: Info | null = info; up; up = up.parent) if (up.junk) return true;
  return false;
}

function findBody(doc: Document): Document | Element {
  for (const child of doc.children) {
    if (child.type !== 'tag') continue;
    if (child.name === 'body') return child;
    if (child.name === 'html') {
      const body = child.children.find((c): c is Element => c.type === 'tag' && c.name === 'body');
      return body ?? child;
    }
  }
  return doc;
}

/** Classifies and measures the whole subtree of `root` (iteratively: trees can be deep). */
function measure(root: Document | Element, infos: Map<AnyNode, Info>, h1s: Info[]): Info {
  const cache: ClassCache = new Map();
  const top = newInfo(root, null, 'root', false, false, false);
  infos.set(root, top);
  const stack: { info: Info; next: number; inLink: boolean }[] = [{ info: top, next: 0, inLink: false }];

  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const parent = frame.info;
    const children = (parent.el as ParentNode).children;
    if (frame.next >= children.length) {
      stack.pop();
      finish(parent);
      continue;
    }
    const node = children[frame.next++]!;
    if (node.type === 'text') {
      const n = countNonSpace(node.data);
      parent.rawText += n;
      parent.text += n;
      if (frame.inLink) {
        parent.rawLinkText += n;
        parent.linkText += n;
      }
      continue;
    }
    if (node.type !== 'tag') continue; // comments, directives; script and style have their own types
    const kind = classifyElement(node, parent.inArticle, cache);
    if (kind === 'skip') continue;
    const info = newInfo(
      node,
      parent,
      kind,
      kind === 'junk',
      parent.inArticle || kind === 'container' || kind === 'user',
      parent.inUser || kind === 'user',
    );
    if (node.name === 'a' && node.attribs.href !== undefined) info.links = 1;
    if (node.name === 'h1') {
      info.h1s = 1;
      h1s.push(info);
    }
    parent.children.push(info);
    infos.set(node, info);
    stack.push({ info, next: 0, inLink: frame.inLink || node.name === 'a' });
  }
  return top;
}

function newInfo(
  el: Element | Document,
  parent: Info | null,
  kind: Info['kind'],
  junk: boolean,
  inArticle: boolean,
  inUser: boolean,
): Info {
  return { el, parent, kind, junk, inArticle, inUser, rawText: 0, rawLinkText: 0, text: 0, linkText: 0, links: 0, h1s: 0, userText: 0, children: [] };
}

/** Adds a finished element's counts to its parent's. */
function finish(info: Info): void {
  const parent = info.parent;
  if (!parent) return;
  parent.rawText += info.rawText;
  parent.rawLinkText += info.rawLinkText;
  if (!info.junk) {
    parent.text += info.text;
    parent.linkText += info.linkText;
    parent.links += info.links;
    parent.h1s += info.h1s;
    parent.userText += info.kind === 'user' ? info.text : info.userText;
  }
}

function rescueLargeJunk(top: Info): void {
  const threshold = RESCUE_SHARE * top.rawText;
  if (threshold <= 0) return;
  // Pre-order, so an outer element is rescued (and its counts propagated) before inner ones.
  const stack = [top];
  while (stack.length > 0) {
    const info = stack.pop()!;
    if (info.rawText < threshold) continue; // nothing below can reach the threshold either
    // ... and only when the page has next to no clean text without it: a page whose own article is
    // there keeps its large sidebar (a live feed, a gallery) out.
    if (info.junk && info.rawLinkText < 0.5 * info.rawText && top.text < RESCUE_CLEAN_SHARE * info.rawText) {
      info.junk = false;
      for (let up = info.parent; up; up = up.parent) {
        up.text += info.text;
        up.linkText += info.linkText;
        up.links += info.links;
        up.h1s += info.h1s;
        if (up.junk) break; // counts stop at a boilerplate ancestor, as in measure()
      }
    }
    for (const child of info.children) stack.push(child);
  }
}

function countNonSpace(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x20 && c !== 0xa0) n++;
  }
  return n;
}


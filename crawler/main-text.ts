// Main text of a page, without navigation and boilerplate, in the spirit of Readability,
// boilerpipe and trafilatura, tuned for what Vigie watches: forums, marketplaces and paste sites,
// where every post and comment is user content and must survive.
//
// 1. One pass over the DOM classifies elements (parse-boilerplate.ts) and measures, bottom-up,
//    how much text and link text each holds with and without its boilerplate.
// 2. Safety net: a "boilerplate" element holding most of the page's text, little of it links, is
//    not boilerplate when the page has next to no other clean text (a `has-sidebar` layout
//    wrapper, a hidden-until-clicked article). Steps 1 and 2: main-text-measure.ts.
// 3. The content root: the page's <main> (or role=main) when substantial, then descend while one
//    child holds nearly all the text, stopping at repeated siblings (a list of posts) and at user
//    content beside it (comments).
// 4. Render the root as text, skipping boilerplate and small link lists outside user content.
import type { Document, Element, ParentNode } from 'domhandler';
import { insideJunk, measurePage, nonLink, type Info } from './main-text-measure.ts';
import { renderText } from './parse-text-render.ts';

export interface MainTextOptions {
  /** Stop rendering after about this many characters (default 1,000,000). */
  maxChars?: number;
}

const DEFAULT_MAX_CHARS = 1_000_000;
/** <main> is used when it holds at least this share of the page's clean text. */
const MAIN_SHARE = 0.25;
/** Descend into a child holding at least this share of its parent's non-link text. */
const DESCEND_SHARE = 0.7;
/** Standfirst: paragraphs of the headline's block with at least this much non-link text. */
const STANDFIRST_TAGS = new Set(['p', 'blockquote']);
const STANDFIRST_MIN_CHARS = 80;
const TEXT_BLOCK_TAGS = new Set([
  'p', 'pre', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'dd', 'dt', 'td', 'th', 'textarea', 'code',
]);
const PROSE_TAGS = new Set(['p', 'pre', 'blockquote', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'dl', 'table']);
/** Paragraph text beside the best child that stops the descent. */
const PROSE_LEFT_MIN = 100;
/** A sibling with this much text counts as another post (stops the descent). */
const SIBLING_MIN_TEXT = 20;
/** Link lists: at least this many links, this link density, this short an average anchor. */
const LINK_LIST_MIN_LINKS = 3;
const LINK_LIST_DENSITY = 0.6;
const LINK_LIST_MAX_ANCHOR = 40;
/** ... and at most this share of the root's text (a listing page IS its links). */
const LINK_LIST_MAX_SHARE = 0.3;
/** A root this link-dense is a listing (threads, products): no link-list pruning at all. */
const LISTING_LINK_DENSITY = 0.5;

/** Main text of a parsed document: paragraphs separated by blank lines. */
export function extractMainText(doc: Document, options: MainTextOptions = {}): string {
  const { top, infos, h1s } = measurePage(doc);
  const { root, head } = chooseRoot(top);
  const rootText = Math.max(1, root.text);
  const pruneLinkLists = root.linkText / rootText < LISTING_LINK_DENSITY;

  const skip = (el: Element): boolean => {
    const info = infos.get(el);
    if (!info || info.junk) return true;
    if (!pruneLinkLists || info.inUser || info.kind === 'user') return false;
    return isLinkList(info) && info.text < LINK_LIST_MAX_SHARE * rootText;
  };
  const text = renderText(root.el as ParentNode, skip, options.maxChars ?? DEFAULT_MAX_CHARS);
  // The page's headline stays with its text even when it sits above the content root, and so
  // does the standfirst beside it (prose paragraphs of the headline's block; not its byline).
  if (root.h1s > 0) return text;
  const headline = h1s.find((h1) => !insideJunk(h1));
  const parts = headline ? [renderText(headline.el as ParentNode, () => false)] : [];
  if (head) for (const p of standfirst(head)) parts.push(renderText(p.el as ParentNode, skip));
  parts.push(text);
  return parts.filter(Boolean).join('\n\n');
}

/** Prose paragraphs of a headline block: long, few links, outside any heading. */
function standfirst(head: Info): Info[] {
  const out: Info[] = [];
  const stack = [head];
  while (stack.length > 0) {
    const info = stack.pop()!;
    if (info.junk || info.h1s > 0 && (info.el as Element).name === 'h1') continue;
    if (STANDFIRST_TAGS.has((info.el as Element).name)) {
      if (nonLink(info) >= STANDFIRST_MIN_CHARS && info.linkText < 0.5 * info.text) out.push(info);
      continue;
    }
    for (let i = info.children.length - 1; i >= 0; i--) stack.push(info.children[i]!);
  }
  return out;
}

function chooseRoot(top: Info): Descent {
  let start = top;
  const main = findLargestMain(top);
  // <main> wins unless posts or comments sit outside it (some themes put comments after it).
  const userOutside = top.userText - (main ? (main.kind === 'user' ? main.text : main.userText) : 0);
  if (main && main.text >= MAIN_SHARE * top.text && userOutside < SIBLING_MIN_TEXT) start = main;
  return descend(start);
}

function findLargestMain(top: Info): Info | null {
  let best: Info | null = null;
  const stack = [top];
  while (stack.length > 0) {
    const info = stack.pop()!;
    if (info.junk) continue;
    const el = info.el as Element;
    if (info !== top && (el.name === 'main' || el.attribs?.role?.toLowerCase() === 'main')) {
      if (!best || info.text > best.text) best = info;
      continue;
    }
    for (const child of info.children) stack.push(child);
  }
  return best;
}

interface Descent {
  root: Info;
  /** The block holding the page's <h1> that the descent left behind, if it did. */
  head: Info | null;
}

function descend(start: Info): Descent {
  let node = start;
  let head: Info | null = null;
  for (;;) {
    const total = nonLink(node);
    if (total <= 0) return { root: node, head };
    let best: Info | null = null;
    for (const child of node.children) {
      if (!child.junk && (!best || nonLink(child) > nonLink(best))) best = child;
    }
    if (!best || nonLink(best) < DESCEND_SHARE * total) return { root: node, head };
    // A paragraph is not a container: its headline and sibling paragraphs belong with it.
    if (TEXT_BLOCK_TAGS.has((best.el as Element).name)) return { root: node, head };
    // Leaving the page's headline behind: remember its block, rendered above the text.
    if (best.h1s < node.h1s && !head) head = node.children.find((c) => c !== best && !c.junk && c.h1s > 0) ?? null;
    // Nor paragraphs beside the best child: the article continues around a nested block.
    let prose = 0;
    for (const sibling of node.children) {
      if (sibling !== best && !sibling.junk && PROSE_TAGS.has((sibling.el as Element).name)) prose += nonLink(sibling);
    }
    if (prose >= PROSE_LEFT_MIN) return { root: node, head };
    if (hasPeers(node, best)) return { root: node, head };
    node = best;
  }
}

/**
 * Whether `best` has siblings that are more posts of one list: user content, or elements of its
 * tag and first class. A lone look-alike must also share its whole class list: two layout
 * columns (`wrapper` and `wrapper wrapper--reverse`) are not two posts. (Posts of forum engines
 * carry post/message/comment classes and are user content whatever their count.)
 */
function hasPeers(node: Info, best: Info): boolean {
  const signature = siblingSignature(best.el as Element);
  let lookAlikes = 0;
  let twin = false;
  for (const sibling of node.children) {
    if (sibling === best || sibling.junk || sibling.text < SIBLING_MIN_TEXT) continue;
    if (sibling.kind === 'user' || sibling.userText >= SIBLING_MIN_TEXT) return true;
    if (siblingSignature(sibling.el as Element) !== signature) continue;
    lookAlikes++;
    if (classList(sibling.el as Element) === classList(best.el as Element)) twin = true;
  }
  return lookAlikes >= 2 || twin;
}

function classList(el: Element): string {
  return (el.attribs.class ?? '').trim().split(/\s+/).sort().join(' ');
}

/** Tag plus first class (or id without digits): posts of one thread share it. */
function siblingSignature(el: Element): string {
  const cls = el.attribs.class?.trim().split(/\s+/, 1)[0];
  if (cls) return `${el.name}.${cls}`;
  const id = el.attribs.id?.replace(/\d+/g, '');
  return id ? `${el.name}#${id}` : el.name;
}

function isLinkList(info: Info): boolean {
  if (info.links < LINK_LIST_MIN_LINKS || info.text === 0) return false;
  return info.linkText / info.text >= LINK_LIST_DENSITY && info.linkText / info.links <= LINK_LIST_MAX_ANCHOR;
}

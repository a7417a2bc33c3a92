// What an element is, for main-text extraction, from its tag and attributes alone: never text
// (scripts, media, form controls), boilerplate (navigation, sidebars, cookie banners, share bars,
// ads, related links), user content (posts, comments, messages: never dropped), or neutral.
// The decision is local; main-text.ts adds what needs the whole page (text sizes, link density).
import type { Element } from 'domhandler';

/**
 * `container`: article, main region, article body; `user`: a post, comment or message, never
 * dropped and never pruned for link density.
 */
export type ElementKind = 'skip' | 'junk' | 'user' | 'container' | 'neutral';

/** Never rendered as text, whatever their attributes. */
const SKIP_TAGS = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'head', 'iframe', 'frame', 'frameset', 'object',
  'embed', 'applet', 'canvas', 'video', 'audio', 'map', 'input', 'select', 'option', 'optgroup', 'button',
  'datalist', 'meter', 'progress', 'link', 'meta', 'base', 'title',
]);

/** Boilerplate by tag; `header` and `footer` only outside posts and articles (see classify). */
const JUNK_TAGS = new Set(['nav', 'aside', 'menu', 'dialog']);

const JUNK_ROLES = new Set([
  'navigation', 'banner', 'contentinfo', 'complementary', 'menu', 'menubar', 'toolbar', 'search', 'dialog',
  'alertdialog', 'tooltip', 'tablist',
]);
const CONTAINER_ROLES = new Set(['main', 'article']);
const CONTAINER_ITEMPROPS = /\b(?:articlebody|mainentityofpage)\b/i;
const USER_ITEMPROPS = /\b(?:text|commenttext|reviewbody)\b/i;

// Class/id vocabulary. A token is one class name or the id, e.g. `site-footer`, `mainMenu`.
// Strong junk: specific enough to mark boilerplate wherever it appears in a token.
const STRONG_JUNK =
  /sidebar|breadcrumb|cookie|consent|gdpr|advert|sponsor|newsletter|subscri|paginat|related|popular|trending|social|shar(?:e(?!d)|ing)|promo|outbrain|taboola|popup|modal|screen-reader|sr-only|visually-hidden/;
/** Text for screen readers only: dropped even as a word inside a sentence. */
const OFFSCREEN = /screen-reader|sr-only|visually-hidden/;
/**
 * Phrasing elements: inside a sentence a class says how a word looks or behaves (a glossary
 * `popup`, a `share`-count number), not that it is boilerplate; cutting it would mangle the text.
 * They are junk only when hidden or off-screen; their block containers are judged as usual.
 */
const PHRASING_TAGS = new Set([
  'a', 'abbr', 'b', 'bdi', 'bdo', 'cite', 'code', 'data', 'dfn', 'em', 'font', 'i', 'kbd', 'mark', 'q', 's', 'samp',
  'small', 'span', 'strong', 'sub', 'sup', 'time', 'u', 'var',
]);
const AD_WORDS = new Set(['ad', 'ads', 'adv', 'adsense', 'adslot', 'adunit', 'dfp']);
// Whole tokens only: `hideOnInit` or `hidden-xs` content is shown later or on other screens.
const HIDDEN_TOKENS = new Set(['hidden', 'hide', 'd-none', 'invisible']);
// Weak junk: boilerplate when it is the token's last word (`main-menu`, `site-footer`,
// `post-navigation`, `photo-gallery`: slides and captions of media widgets, often of other
// stories), unless the token is part of the article (`entry-header`) or a content word says
// otherwise (`menu-content`).
const WEAK_JUNK_WORDS = new Set([
  'nav', 'navbar', 'navigation', 'menu', 'submenu', 'menubar', 'topbar', 'toolbar', 'footer', 'header',
  'masthead', 'widget', 'widgets', 'tags', 'tagcloud', 'skip', 'skiplink', 'print', 'rss', 'login', 'signup',
  'banner', 'copyright', 'legal', 'respond', 'bottom', 'gallery', 'slideshow', 'carousel', 'slider',
]);
const WEAK_JUNK_AFFIX = /^(?:nav|menu)|(?:nav|menu|navbar|navigation|footer|header)$/;
// User content: posts, comments, messages and their containers. Never junk.
const USER_CONTENT =
  /comment|message|post|repl(?:y|ies)|answer|thread|topic|forum|review|discussion|usertext|bbcode|bbwrapper|cooked|chat|paste/;
// Content words: enough to keep a weak-junk token's element (`menu-content` is not a menu).
const CONTENT_WORDS = new Set(['content', 'article', 'entry', 'story', 'main', 'body', 'text', 'prose']);
/** Ids longer than this are slugs of headings (`id="sharing-with-a-single-developer"`): prose. */
const MAX_ID_WORDS = 3;
const ARTICLE_PART_OF = new Set(['entry', 'article', 'story', 'content']);
const STATE_PREFIX = /^(?:has|with|no|is|show|js)-/;

const HIDDEN_STYLE = /display\s*:\s*none|visibility\s*:\s*hidden/i;

interface TokenVerdict {
  junk: 'strong' | 'weak' | null;
  /** Hidden or screen-reader-only by class. */
  hidden: boolean;
  user: boolean;
  content: boolean;
}

const NO_CLASS: TokenVerdict = Object.freeze({ junk: null, hidden: false, user: false, content: false });

/** Per-extraction cache: the same class strings repeat hundreds of times on a page. */
export type ClassCache = Map<string, TokenVerdict>;

/**
 * Kind of an element. `insideArticle` tells whether an ancestor is an article, a main region or
 * user content: headers and footers there are bylines and signatures, not page chrome.
 */
export function classifyElement(el: Element, insideArticle: boolean, cache: ClassCache): ElementKind {
  const tag = el.name;
  if (SKIP_TAGS.has(tag)) return 'skip';
  const attribs = el.attribs;
  if (tag === 'textarea') return hasText(el) ? 'neutral' : 'skip';

  const role = attribs.role?.toLowerCase();
  if (role === 'comment') return 'user';
  if (attribs.itemprop && USER_ITEMPROPS.test(attribs.itemprop)) return 'user';
  const verdict =
    attribs.class === undefined && attribs.id === undefined
      ? NO_CLASS
      : classVerdict(attribs.class ?? '', attribs.id ?? '', cache);
  if (PHRASING_TAGS.has(tag)) {
    if (verdict.hidden || isHidden(attribs) || (role && JUNK_ROLES.has(role))) return 'junk';
    return verdict.user ? 'user' : 'neutral';
  }
  if (verdict.junk === 'strong') return 'junk';
  if (role && JUNK_ROLES.has(role)) return 'junk';
  if (isHidden(attribs) || JUNK_TAGS.has(tag)) return 'junk';
  if (verdict.user) return 'user';
  if ((tag === 'header' || tag === 'footer') && !insideArticle) return 'junk';
  if (verdict.junk === 'weak' && !verdict.content) return 'junk';
  if (tag === 'article' || tag === 'main' || (role && CONTAINER_ROLES.has(role))) return 'container';
  if (attribs.itemprop && CONTAINER_ITEMPROPS.test(attribs.itemprop)) return 'container';
  return 'neutral';
}

function isHidden(attribs: Record<string, string>): boolean {
  if (attribs.hidden !== undefined) return true;
  if (attribs['aria-hidden'] === 'true') return true;
  return attribs.style !== undefined && HIDDEN_STYLE.test(attribs.style);
}

function hasText(el: Element): boolean {
  return el.children.some((child) => child.type === 'text' && child.data.trim().length > 0);
}

function classVerdict(classes: string, id: string, cache: ClassCache): TokenVerdict {
  const key = `${classes}#${id}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const verdict: TokenVerdict = { junk: null, hidden: false, user: false, content: false };
  const tokens = classes.split(/\s+/);
  if (id) tokens.push(id);
  for (const raw of tokens) {
    if (!raw) continue;
    // Split camelCase before lowercasing: `mainMenu` -> main, menu.
    const words = raw.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase().split(/[-_:]+/).filter(Boolean);
    const token = raw.toLowerCase();
    // State classes (`has-sidebar`) say nothing about the element itself.
    if (STATE_PREFIX.test(token) || (raw === id && words.length > MAX_ID_WORDS)) continue;
    const last = words[words.length - 1] ?? '';
    if (STRONG_JUNK.test(token) || words.some((w) => AD_WORDS.has(w)) || HIDDEN_TOKENS.has(token)) {
      verdict.junk = 'strong';
      if (HIDDEN_TOKENS.has(token) || OFFSCREEN.test(token)) verdict.hidden = true;
    } else if (WEAK_JUNK_WORDS.has(last) || WEAK_JUNK_AFFIX.test(token)) {
      // The last word names the thing, unless the token belongs to the article: `entry-header`
      // and `article-footer` hold its headline and byline.
      if (words.some((w) => ARTICLE_PART_OF.has(w))) verdict.content = true;
      else verdict.junk ??= 'weak';
    } else if (USER_CONTENT.test(token)) {
      verdict.user = true;
    }
    if (CONTENT_WORDS.has(last)) verdict.content = true;
  }
  cache.set(key, verdict);
  return verdict;
}

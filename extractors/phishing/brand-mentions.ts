// Where a page names a brand of the list: in its title, its site name, its URL, the text around a
// form (login box, logo alt) and its main text. Names are matched on the normaliser's folded
// words (case, accents, Cyrillic/Greek lookalikes, invisible characters and leetspeak undone, so
// "Pay<zero-width space>Pal" or "Ρayраl" still count); ordinary-word names ("Free", "Orange") only as
// written, and a capitalised one only where it stands alone (a title segment, a logo's alt text):
// sentences and title-case phrases capitalise ordinary words too ("Free Trial", "General Ledger").
// Mentions inside a "sign in with Google" phrase are single sign-on buttons of a legitimate site,
// not an imitation, and are left out.
import { FoldCache, normalizeText, type Token } from '../normalize/index.ts';
import type { BrandList } from './brand-list.ts';

export const MENTION_SOURCES = ['title', 'site-name', 'url', 'form', 'text'] as const;
export type MentionSource = (typeof MENTION_SOURCES)[number];

export interface BrandMention {
  brandId: string;
  source: MentionSource;
  /** The name as written in the brand list. */
  term: string;
  /** Offsets in the source string (for 'text': the analysed main text). */
  start: number;
  end: number;
  /** For 'form' mentions: the index of the form (in MentionInput.formTexts). */
  formIndex?: number;
}

export interface MentionInput {
  text: string;
  title: string;
  siteName?: string;
  url?: string;
  /** Context text of each form (parse-forms), in page order (index = the form's index). */
  formTexts: string[];
}

/** Past this many mentions of one brand in one source, the rest add nothing. */
const MAX_MENTIONS_PER_SOURCE = 20;
/**
 * Only this much of each source is searched. A login or payment page is short (page-signals.ts
 * reads text mentions only on pages under FORM_PAGE_MAX_TEXT_CHARS); past this, mentions would
 * only add highlights, at the cost of normalising a long article once more.
 */
const MAX_TEXT_CHARS = 20_000;
// "se connecter avec Google", "sign in with Apple", "continuer via Facebook".
// Also "s'identifier avec FranceConnect" and "payer avec PayPal".
// Form texts separate blocks with " | " (parse-forms.ts): "Continuer avec | Google" is one button row.
const SSO_BEFORE = /(?:sign(?:ing)?\s*(?:in|up)|log\s*in|login|continue|connect|connexion|se\s+connecter|s['’]inscrire|inscription|continuer|register|s['’]identifier|identifiez-vous|pay|payer|payez|paiement)\s+(?:with|using|via|avec|par)[\s|]*$/i;
/** A single capitalised word: an ordinary word that sentences and titles capitalise too. */
const CAPITALISED_WORD = /^\p{Lu}\p{Ll}+$/u;
/** What ends a segment of a title or a form box: separators, brackets, quotes, line breaks. */
const SEGMENT_BREAK = /[|\-–—:·•,;()[\]/\\\n«»"“”]/;

export function findBrandMentions(input: MentionInput, list: BrandList, cache: FoldCache = new FoldCache()): BrandMention[] {
  const out: BrandMention[] = [];
  const scan = (source: MentionSource, value: string | undefined, formIndex?: number) => {
    if (!value) return;
    for (const m of mentionsIn(value.slice(0, MAX_TEXT_CHARS), source, list, cache)) out.push(formIndex === undefined ? m : { ...m, formIndex });
  };
  scan('title', input.title);
  scan('site-name', input.siteName);
  scan('url', urlWords(input.url));
  input.formTexts.forEach((formText, i) => scan('form', formText, i));
  scan('text', input.text);
  return out;
}

function mentionsIn(value: string, source: MentionSource, list: BrandList, cache: FoldCache): BrandMention[] {
  const { tokens } = normalizeText(value, cache);
  const out: BrandMention[] = [];
  const counts = new Map<number, number>();
  const push = (brandIndex: number, term: string, start: number, end: number) => {
    const count = counts.get(brandIndex) ?? 0;
    if (count >= MAX_MENTIONS_PER_SOURCE || isSingleSignOn(value, start)) return;
    counts.set(brandIndex, count + 1);
    out.push({ brandId: list.brands[brandIndex]!.id, source, term, start, end });
  };
  // One pass over the words: each word is looked up (as written and under its variant readings)
  // among the names' first words, and only those names are checked further.
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    for (const form of token.variants ? [token.norm, ...token.variants] : [token.norm]) {
      const entries = list.namesByFirstWord.get(form);
      if (!entries) continue;
      for (const entry of entries) {
        if (i + entry.words.length > tokens.length) continue;
        let ok = true;
        for (let k = 1; k < entry.words.length && ok; k++) ok = tokenIs(tokens[i + k]!, entry.words[k]!);
        if (ok) push(entry.brandIndex, entry.name, token.start, tokens[i + entry.words.length - 1]!.end);
      }
    }
  }
  if (list.exactNamePattern) {
    for (const m of value.matchAll(list.exactNamePattern)) {
      if (CAPITALISED_WORD.test(m[0]) && !standsAlone(value, m.index, m.index + m[0].length)) continue;
      for (const brandIndex of list.brandsByExactName.get(m[0]) ?? []) push(brandIndex, m[0], m.index, m.index + m[0].length);
    }
  }
  // Document order, whatever matched it.
  return out.sort((a, b) => a.start - b.start);
}

function tokenIs(token: Token, word: string): boolean {
  return token.norm === word || (token.variants?.includes(word) ?? false);
}

/** Whether only spaces separate [start, end) from the edges of its segment of `value`. */
function standsAlone(value: string, start: number, end: number): boolean {
  const edge = (ch: string | undefined) => ch === undefined || SEGMENT_BREAK.test(ch);
  let before = start - 1;
  while (before >= 0 && /\s/.test(value[before]!)) before--;
  let after = end;
  while (after < value.length && /\s/.test(value[after]!)) after++;
  return edge(value[before]) && edge(value[after]);
}

function isSingleSignOn(value: string, start: number): boolean {
  return SSO_BEFORE.test(value.slice(Math.max(0, start - 40), start));
}

/** Host and path of a URL as words ("paypal.com.secure-login.xyz/paypal/signin" -> "paypal com secure login xyz paypal signin"). */
function urlWords(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    let path = parsed.pathname;
    try {
      path = decodeURIComponent(path);
    } catch {
      // A malformed escape ("/%ZZ/paypal") must not hide the host and the rest of the path.
    }
    return `${parsed.hostname} ${path}`.replace(/[./_-]+/g, ' ');
  } catch {
    return undefined;
  }
}



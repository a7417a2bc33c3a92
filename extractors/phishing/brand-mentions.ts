// Where a page names a brand of the list: in its title, its site name, its URL, the text around a
// form (login box, logo alt) and its main text. Names are matched on the normaliser's folded
// words (case, accents, Cyrillic/Greek lookalikes, invisible characters and leetspeak undone, so
// "Pay<zero-width space>Pal" or "Ρayраl" still count); ordinary-word names ("Free", "Orange") only as written.
// Mentions inside a "sign in with Google" phrase are single sign-on buttons of a legitimate site,
// not an imitation, and are left out.
import { FoldCache, normalizeText, type Token } from '../normalize/index.ts';
import type { Brand, BrandList } from './brand-list.ts';

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
/** Only this much of the main text is searched (the page's opening is where a brand is named). */
const MAX_TEXT_CHARS = 200_000;
// "se connecter avec Google", "sign in with Apple", "continuer via Facebook".
const SSO_BEFORE = /(?:sign(?:ing)?\s*(?:in|up)|log\s*in|login|continue|connect|connexion|se\s+connecter|s'inscrire|inscription|continuer|register)\s+(?:with|using|via|avec|par)\s*$/i;

export function findBrandMentions(input: MentionInput, list: BrandList, cache: FoldCache = new FoldCache()): BrandMention[] {
  const out: BrandMention[] = [];
  const scan = (source: MentionSource, value: string | undefined, formIndex?: number) => {
    if (!value) return;
    for (const m of mentionsIn(value.slice(0, MAX_TEXT_CHARS), source, list.brands, cache)) out.push(formIndex === undefined ? m : { ...m, formIndex });
  };
  scan('title', input.title);
  scan('site-name', input.siteName);
  scan('url', urlWords(input.url));
  input.formTexts.forEach((formText, i) => scan('form', formText, i));
  scan('text', input.text);
  return out;
}

function mentionsIn(value: string, source: MentionSource, brands: Brand[], cache: FoldCache): BrandMention[] {
  const { tokens } = normalizeText(value, cache);
  const out: BrandMention[] = [];
  for (const brand of brands) {
    let count = 0;
    const push = (term: string, start: number, end: number) => {
      if (count >= MAX_MENTIONS_PER_SOURCE || isSingleSignOn(value, start)) return;
      count++;
      out.push({ brandId: brand.id, source, term, start, end });
    };
    brand.nameWords.forEach((words, i) => {
      for (const at of findSequence(tokens, words)) push(brandName(brand, i), tokens[at]!.start, tokens[at + words.length - 1]!.end);
    });
    for (const name of brand.exactNames) {
      const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegex(name)}(?![\\p{L}\\p{N}])`, 'gu');
      for (const m of value.matchAll(pattern)) push(name, m.index, m.index + name.length);
    }
  }
  return out;
}

/** Token indices where `words` occur in sequence (a token matches by its folded form or a variant). */
function findSequence(tokens: Token[], words: string[]): number[] {
  const found: number[] = [];
  const first = words[0]!;
  for (let i = 0; i + words.length <= tokens.length; i++) {
    if (!tokenIs(tokens[i]!, first)) continue;
    let ok = true;
    for (let k = 1; k < words.length && ok; k++) ok = tokenIs(tokens[i + k]!, words[k]!);
    if (ok) found.push(i);
  }
  return found;
}

function tokenIs(token: Token, word: string): boolean {
  return token.norm === word || (token.variants?.includes(word) ?? false);
}

function isSingleSignOn(value: string, start: number): boolean {
  return SSO_BEFORE.test(value.slice(Math.max(0, start - 40), start));
}

/** Host and path of a URL as words ("paypal.com.secure-login.xyz/paypal/signin" -> "paypal com secure login xyz paypal signin"). */
function urlWords(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return `${parsed.hostname} ${decodeURIComponent(parsed.pathname)}`.replace(/[./_-]+/g, ' ');
  } catch {
    return undefined;
  }
}

function brandName(brand: Brand, index: number): string {
  return brand.names[index] ?? brand.nameWords[index]!.join(' ');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

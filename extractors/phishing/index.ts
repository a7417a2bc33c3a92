// Phishing, lookalike domains and fake shops: page-level evidence that a text-only rule engine
// cannot see (the URL a page is served from, its forms, its title). One `fraud` flag whose rule
// hits explain themselves (which brand, which domain, which form, which terms at which offsets),
// scored by noisy-OR like the rule engine; analyze.ts merges it with the rule engine's own fraud
// flag (extractors/merge-flags.ts).
import type { PageForm } from '../../crawler/parse-forms.ts';
import type { ParsedPage } from '../../crawler/parse-page.ts';
import { categoryTags } from '../categories.ts';
import type { FoldCache } from '../normalize/index.ts';
import type { Entity, Flag, RuleHit } from '../types.ts';
import type { BrandList } from './brand-list.ts';
import { findBrandMentions } from './brand-mentions.ts';
import { fakeShopHits } from './fake-shop.ts';
import { phishingPageHits } from './page-signals.ts';

export { BRAND_CATEGORIES, loadBrandList, parseBrandList } from './brand-list.ts';
export type { Brand, BrandCategory, BrandList } from './brand-list.ts';
export { findBrandMentions } from './brand-mentions.ts';
export type { BrandMention, MentionSource } from './brand-mentions.ts';
export { editDistance } from './edit-distance.ts';
export { FAKE_SHOP_WEIGHTS, fakeShopHits } from './fake-shop.ts';
export { LOOKALIKE_KINDS, LOOKALIKE_WEIGHTS, findLookalikes, officialBrandOf } from './lookalike.ts';
export type { LookalikeKind, LookalikeMatch } from './lookalike.ts';
export { FORM_PAGE_MAX_TEXT_CHARS, PHISHING_WEIGHTS, phishingPageHits } from './page-signals.ts';
export { hostOfUrl, splitHost } from './registrable-domain.ts';
export type { HostParts } from './registrable-domain.ts';
export { readLabel } from './skeleton.ts';

/** What a page offers beyond its main text: where it was served from, its title and forms. */
export interface PageContext {
  /** The URL the page was served from (after redirects). */
  url: string;
  title: string;
  /** og:site_name or equivalent. */
  siteName?: string;
  forms: PageForm[];
  /** Outgoing links (absolute URLs). */
  links: string[];
}

/** The page context of a parsed page (crawler/parse-page.ts) served from `url`. */
export function pageContextOf(url: string, parsed: Pick<ParsedPage, 'title' | 'metadata' | 'forms' | 'links'>): PageContext {
  return { url, title: parsed.title, siteName: parsed.metadata.siteName, forms: parsed.forms, links: parsed.links };
}

export interface PhishingInput {
  /** The analysed main text: term offsets refer to it. */
  text: string;
  entities: Entity[];
  page: PageContext;
}

/** The page's phishing and fake-shop evidence as one `fraud` flag, or null when there is none. */
export function analyzePhishing(input: PhishingInput, brands: BrandList, cache?: FoldCache): Flag | null {
  const mentions = findBrandMentions(
    { text: input.text, title: input.page.title, siteName: input.page.siteName, url: input.page.url, formTexts: input.page.forms.map((f) => f.text) },
    brands,
    cache,
  );
  const hits: RuleHit[] = [
    ...phishingPageHits({ url: input.page.url, text: input.text, forms: input.page.forms }, mentions, brands),
    ...fakeShopHits({ url: input.page.url, text: input.text, title: input.page.title, links: input.page.links, forms: input.page.forms, entities: input.entities }, brands),
  ];
  if (hits.length === 0) return null;
  hits.sort((a, b) => b.weight - a.weight);
  const score = Math.round((1 - hits.reduce((p, h) => p * (1 - h.weight), 1)) * 1000) / 1000;
  return { category: 'fraud', score, tags: [...categoryTags('fraud')], rules: hits };
}

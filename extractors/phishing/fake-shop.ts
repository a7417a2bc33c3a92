// Fake-shop signals from page evidence only (a domain's age is not knowable offline). A page is a
// shop when it lists several prices and has a cart or order wording, or a card form. Each signal
// is modest on its own and explained; a real shop with a sale shows one or two of them, a fake
// one several, so only their noisy-OR combination passes an alert threshold:
//   deep-discounts       many items at -60 % to -95 %, or crossed-out prices three times higher
//   branded-goods        luxury and branded goods (brands.yaml shopBrands) at those discounts
//   untraceable-payment  payment by transfer, crypto, gift or prepaid cards, money transfer only
//                        (no card, PayPal or wallet payment anywhere)
//   no-legal-notice      no legal notice, company number or terms of sale (text or links)
//   messaging-contact    a free webmail address, or WhatsApp/Telegram on a shop that does not both
//                        name its company and take cards; never with an address on its own domain
//   brand-in-domain      a branded-goods name or a brand of the list in the shop's domain
//   pressure             countdowns, "stock limité", "only 3 left", closing-down sales
import { isCardForm, type PageForm } from '../../crawler/parse-forms.ts';
import type { Entity, RuleHit, TermMatch } from '../types.ts';
import type { BrandList } from './brand-list.ts';
import { findLookalikes } from './lookalike.ts';
import { hostOfUrl, isSameOrSubdomain, splitHost } from './registrable-domain.ts';

export interface ShopPage {
  url: string;
  text: string;
  title: string;
  links: string[];
  forms: PageForm[];
  entities: Entity[];
}

export const FAKE_SHOP_WEIGHTS = {
  deepDiscounts: 0.3,
  brandedGoods: 0.25,
  untraceablePayment: 0.3,
  noLegalNotice: 0.15,
  messagingContact: 0.15,
  brandInDomain: 0.25,
  pressure: 0.15,
} as const;

const MIN_PRICES = 4;
const MIN_DEEP_DISCOUNTS = 3;
const MIN_DISCOUNT_PERCENT = 60;
const MAX_DISCOUNT_PERCENT = 95;
const MAX_TERMS = 10;
/** A listing longer than this shows its signals well before its end. */
const MAX_TEXT_CHARS = 150_000;

// Patterns run on a same-length folded copy of the text (lower case, accents stripped), so match
// offsets are offsets in the original text. Bounded quantifiers only.
const PRICE = /(?:[€$£]\s?\d{1,6}(?:[.,\s]\d{3}){0,3}(?:[.,]\d{2})?|\d{1,6}(?:[.,\s]\d{3}){0,3}(?:[.,]\d{1,2})?\s?(?:€|eur\b|euros?\b|\$|usd\b|£|gbp\b))/g;
const DISCOUNT = /(?:-\s?(\d{2})\s?%|(\d{2})\s?%\s?(?:off|de (?:remise|reduction|rabais)|moins cher|discount)|(?:remise|reduction|rabais|soldes?|promo(?:tion)?|discount|save|economisez)\s(?:de\s)?(?:jusqu'?a\s|up to\s)?-?(\d{2})\s?%)/g;
const CART = /\b(?:ajouter au panier|add to (?:cart|bag|basket)|mon panier|votre panier|panier|checkout|acheter maintenant|buy now|shop now|commander maintenant|passer (?:la )?commande|en stock|in stock|livraison (?:gratuite|offerte)|free shipping)\b/;
const CART_LINK = /(?:^|\/)(?:panier|cart|basket|checkout|commande|bag|shopping-bag|mon-panier)(?:[/.?]|$)/i;
const UNTRACEABLE = /\b(?:virement(?: bancaire)?|bank transfer|wire transfer|western union|moneygram|mandat cash|ria money|bitcoins?|btc|crypto(?:monnaie)?s?|usdt|tether|ethereum|carte(?:s)? cadeaux?|gift cards?|coupons? pcs|pcs mastercard|transcash|neosurf|paysafecard|steam cards?|itunes cards?|google play cards?)\b/g;
const CARD_PAYMENT = /\b(?:carte bancaire|carte de credit|cartes bancaires|credit card|debit card|visa|mastercard|american express|amex|\bcb\b|paypal|apple pay|google pay|klarna|alma|paiement (?:securise )?par carte|pay by card|stripe)\b/;
const LEGAL = /\b(?:mentions legales|legal notice|legal notices|siret|siren|rcs [a-z]|r\.c\.s|numero de tva|tva intracommunautaire|vat (?:number|no|id)|company (?:number|registration|no)|registered (?:office|in england|address)|impressum|imprint|conditions generales de vente|cgv|terms of sale|terms and conditions|capital social|share capital)\b/;
const LEGAL_LINK = /(?:mentions[-_]?legales|legal|impressum|imprint|cgv|conditions[-_]generales|terms|cgu|a-propos|about|qui-sommes-nous)/i;
// Not "signal": an ordinary word ("un signal fort") far more often than the app.
const MESSAGING = /\b(?:whatsapp|telegram|wa\.me|viber)\b/g;
const FREEMAIL = /^(?:gmail|googlemail|hotmail|outlook|live|yahoo|ymail|aol|gmx|mail|yandex|proton|protonmail|icloud|laposte|orange|free|sfr)\./;
const PRESSURE = /\b(?:stock limite|stocks limites|quantites? limitees?|plus que \d{1,3} (?:en stock|articles?|pieces?|exemplaires?)|derniers? articles?|only \d{1,3} left|limited stock|limited time|offre (?:se termine|expire|valable) (?:dans|jusqu)|se termine dans|ends in|fin de l'offre dans|compte a rebours|countdown|liquidation totale|fermeture definitive|closing down|derniers? jours?|last days?|hurry|depechez-vous|vite)\b/g;
const SHOP_DOMAIN_WORDS = new Set(['outlet', 'soldes', 'solde', 'sale', 'sales', 'pascher', 'cheap', 'discount', 'shop', 'store', 'boutique', 'destockage', 'promo', 'promos', 'france', 'fr', 'officiel', 'official', 'online', 'paris', 'luxe', 'luxury', 'deal', 'deals', 'factory', 'stock', 'prix', 'mode', 'vente']);

export function fakeShopHits(page: ShopPage, list: BrandList): RuleHit[] {
  const text = page.text.slice(0, MAX_TEXT_CHARS);
  const folded = foldSameLength(text);
  const prices = [...folded.matchAll(PRICE)];
  const cardForm = page.forms.some(isCardForm);
  // The main text drops headers and buttons ("Mon panier", "Ajouter au panier"): the cart link,
  // the title and a card form count too.
  const cartLink = page.links.some((link) => CART_LINK.test(pathOf(link)));
  if (!(prices.length >= MIN_PRICES && (CART.test(folded) || CART.test(foldSameLength(page.title)) || cartLink || cardForm))) return [];
  const hits: RuleHit[] = [];
  const termsOf = (matches: RegExpMatchArray[], label?: string): TermMatch[] =>
    matches.slice(0, MAX_TERMS).map((m) => ({ term: label ?? text.slice(m.index!, m.index! + m[0].length), start: m.index!, end: m.index! + m[0].length }));

  const discounts = [...folded.matchAll(DISCOUNT)].filter((m) => {
    const pct = Number(m[1] ?? m[2] ?? m[3]);
    return pct >= MIN_DISCOUNT_PERCENT && pct <= MAX_DISCOUNT_PERCENT;
  });
  const slashed = slashedPrices(prices);
  const deep = discounts.length + slashed.length;
  if (deep >= MIN_DEEP_DISCOUNTS) {
    hits.push({
      ruleId: 'fake-shop.deep-discounts',
      weight: FAKE_SHOP_WEIGHTS.deepDiscounts,
      terms: termsOf([...discounts, ...slashed]),
      details: { discounts: String(discounts.length), slashedPrices: String(slashed.length), prices: String(prices.length) },
    });
    const goods = brandedGoods(folded, list);
    if (goods.names.length >= 2 || goods.matches.length >= 3) {
      hits.push({
        ruleId: 'fake-shop.branded-goods',
        weight: FAKE_SHOP_WEIGHTS.brandedGoods,
        terms: goods.matches.slice(0, MAX_TERMS).map((m) => ({ term: m.name, start: m.start, end: m.end })),
        details: { brands: goods.names.slice(0, 10).join(', ') },
      });
    }
  }

  const untraceable = [...folded.matchAll(UNTRACEABLE)];
  if (untraceable.length > 0 && !CARD_PAYMENT.test(folded) && !cardForm) {
    hits.push({
      ruleId: 'fake-shop.untraceable-payment',
      weight: FAKE_SHOP_WEIGHTS.untraceablePayment,
      terms: termsOf(untraceable),
      details: { methods: [...new Set(untraceable.map((m) => m[0]))].slice(0, 10).join(', ') },
    });
  }

  const legalLink = page.links.some((link) => LEGAL_LINK.test(pathOf(link)));
  const legalNotice = LEGAL.test(folded) || legalLink;
  if (!legalNotice) {
    hits.push({ ruleId: 'fake-shop.no-legal-notice', weight: FAKE_SHOP_WEIGHTS.noLegalNotice, terms: [], details: { checked: 'text and link paths: legal notice, company number, terms of sale' } });
  }

  const host = hostOfUrl(page.url);
  const shopDomain = host ? splitHost(host)?.registrable : undefined;
  const emails = page.entities.filter((e) => e.type === 'email').map((e) => e.value.split('@')[1] ?? '');
  const freemail = emails.filter((d) => FREEMAIL.test(d));
  const ownMail = emails.some((d) => shopDomain !== undefined && isSameOrSubdomain(d, shopDomain));
  const messaging = [...folded.matchAll(MESSAGING)];
  const messagingLinks = page.links.filter((l) => /^https?:\/\/(?:wa\.me|api\.whatsapp\.com|chat\.whatsapp\.com|t\.me)\//i.test(l));
  // A shop that names its company and takes cards is traceable: WhatsApp beside that is customer
  // service, not a hiding place. A free webmail address as a shop's contact is odd either way.
  const traceable = legalNotice && (cardForm || CARD_PAYMENT.test(folded));
  const messagingOnly = (messaging.length > 0 || messagingLinks.length > 0) && !traceable;
  if ((messagingOnly || freemail.length > 0) && !ownMail) {
    hits.push({
      ruleId: 'fake-shop.messaging-contact',
      weight: FAKE_SHOP_WEIGHTS.messagingContact,
      terms: termsOf(messaging),
      details: compact({ freeMail: [...new Set(freemail)].join(', '), messagingLinks: messagingLinks.slice(0, 5).join(', ') }),
    });
  }

  if (host) {
    const inDomain = brandInShopDomain(host, list);
    if (inDomain) hits.push({ ruleId: 'fake-shop.brand-in-domain', weight: FAKE_SHOP_WEIGHTS.brandInDomain, terms: [], details: { domain: host, brand: inDomain } });
  }

  const pressure = [...folded.matchAll(PRESSURE)];
  if (pressure.length > 0) {
    hits.push({ ruleId: 'fake-shop.pressure', weight: FAKE_SHOP_WEIGHTS.pressure, terms: termsOf(pressure) });
  }
  return hits;
}

/** Adjacent price pairs where the second is at most a third of the first (a crossed-out price). */
function slashedPrices(prices: RegExpMatchArray[]): RegExpMatchArray[] {
  const out: RegExpMatchArray[] = [];
  for (let i = 1; i < prices.length; i++) {
    const before = prices[i - 1]!;
    const after = prices[i]!;
    const gap = after.index! - (before.index! + before[0].length);
    if (gap > 40) continue;
    const a = amountOf(before[0]);
    const b = amountOf(after[0]);
    if (a > 0 && b > 0 && b <= a * (1 - MIN_DISCOUNT_PERCENT / 100)) {
      out.push(after);
      i++;
    }
  }
  return out;
}

function amountOf(price: string): number {
  const digits = price.replace(/[^\d.,]/g, '');
  const normalised = /[.,]\d{1,2}$/.test(digits) ? digits.replace(/[.,](?=\d{3}\b)/g, '').replace(',', '.') : digits.replace(/[.,]/g, '');
  const value = Number.parseFloat(normalised);
  return Number.isFinite(value) ? value : 0;
}

function brandedGoods(folded: string, list: BrandList): { names: string[]; matches: Array<{ name: string; start: number; end: number }> } {
  const matches: Array<{ name: string; start: number; end: number }> = [];
  for (const goods of list.shopBrands) {
    let count = 0;
    for (const m of folded.matchAll(goods.pattern)) {
      matches.push({ name: goods.name, start: m.index, end: m.index + m[0].length });
      if (++count >= 5) break;
    }
  }
  return { names: [...new Set(matches.map((m) => m.name))], matches: matches.sort((a, b) => a.start - b.start) };
}

/** A branded-goods name (as a hyphen-separated token or run with shop words) or a brand lookalike in the domain. */
function brandInShopDomain(host: string, list: BrandList): string | null {
  const parts = splitHost(host);
  if (!parts) return null;
  const tokens = [...parts.subdomains, parts.name].flatMap((l) => l.split('-')).filter(Boolean);
  const collapsed = parts.name.replace(/-/g, '');
  for (const goods of list.shopBrands) {
    const key = goods.words.join('');
    if (key.length < 3) continue;
    const asToken = tokens.includes(key) || (goods.words.length > 1 && parts.name.includes(goods.words.join('-')));
    const rest = collapsed.replace(key, ' ').split(' ').filter(Boolean);
    const withShopWords = key.length >= 5 && collapsed.includes(key) && rest.length > 0 && rest.every((r) => isShopCompound(r));
    if (asToken || withShopWords) return goods.name;
  }
  // Only deliberate imitations: a shop's own name may sit one letter away from a brand by chance.
  const lookalike = findLookalikes(host, list).find((l) => !l.needsBrandOnPage);
  return lookalike ? lookalike.brandName : null;
}

function isShopCompound(text: string, depth = 0): boolean {
  if (SHOP_DOMAIN_WORDS.has(text)) return true;
  if (depth >= 2) return false;
  for (let i = 2; i < text.length - 1; i++) if (SHOP_DOMAIN_WORDS.has(text.slice(0, i)) && isShopCompound(text.slice(i), depth + 1)) return true;
  return false;
}

/** Lower case, accents stripped, one output unit per input unit (so offsets carry over). */
export function foldSameLength(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const code = ch.charCodeAt(0);
    if (code < 0x80) {
      out += code >= 0x41 && code <= 0x5a ? String.fromCharCode(code + 32) : ch;
      continue;
    }
    if (code === 0x2019 || code === 0x2018) {
      out += "'";
      continue;
    }
    if (code === 0xa0 || code === 0x202f) {
      out += ' ';
      continue;
    }
    const base = ch.normalize('NFD')[0]!.toLowerCase();
    out += base.length === 1 ? base : ch;
  }
  return out;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

function compact(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== ''));
}

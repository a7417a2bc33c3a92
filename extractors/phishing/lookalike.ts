// Lookalike domains: a host compared with every brand of the list. Kinds, strongest first:
//   idn-homograph   an IDN label whose skeleton is a brand's (pаypal.com with a Cyrillic а)
//   homograph       ASCII look-alike characters (paypa1.com, rnicrosoft.com, g00gle.com)
//   brand-subdomain the brand or its whole domain as a subdomain of an unrelated domain
//                   (paypal.com.secure-login.xyz, bnpparibas.verification-client.net)
//   embedded        the brand inside a name with lure words (paypal-secure-login.com, ameli-remboursement.fr)
//   tld-swap        the brand's own name under another suffix (paypal.co)
//   typo            one or two edits away (paypall.com, amazom.fr)
// The brand's official domains and their subdomains never match, nor does any host that belongs
// to another brand of the list, nor a name under a government-only suffix (gouv.fr). Brands whose
// names are ordinary words (commonWords: Orange, Free) are never matched by typo or TLD swap, and
// need a lure word next to them.
// Deliberate deception (IDN or digit homographs, a brand beside lure words) counts from the host
// alone. A mere resemblance (typo, TLD swap, i/l swap, a brand beside ordinary words) is marked
// `needsBrandOnPage`: dictionary words sit one edit away from brands (fortune/fortuneo,
// eagle/engie, imports/impots), so it only counts on a page that names that brand.
import type { Brand, BrandKeyword, BrandList } from './brand-list.ts';
import { editDistance } from './edit-distance.ts';
import { isGovernmentSuffix, isPublicSuffix, isSameOrSubdomain, splitHost, type HostParts } from './registrable-domain.ts';
import { readLabel, type LabelReading } from './skeleton.ts';

export const LOOKALIKE_KINDS = ['idn-homograph', 'homograph', 'brand-subdomain', 'embedded', 'tld-swap', 'typo'] as const;
export type LookalikeKind = (typeof LOOKALIKE_KINDS)[number];

export interface LookalikeMatch {
  brandId: string;
  brandName: string;
  /** The host as given (ASCII) and as a reader sees it. */
  host: string;
  unicodeHost: string;
  registrable: string;
  kind: LookalikeKind;
  /** The brand keyword (skeleton) that matched. */
  keyword: string;
  /** Lure words found in the host (secure, login, remboursement...). */
  lureWords: string[];
  /** Edit distance for typo matches. */
  distance?: number;
  /** 0..1: how strongly the host suggests impersonation (a rule weight). */
  weight: number;
  /** A resemblance that may be chance: evidence only on a page that names the brand. */
  needsBrandOnPage: boolean;
}

/** Weights of a lookalike alone; page evidence (a form, the brand named) adds to them. */
export const LOOKALIKE_WEIGHTS: Readonly<Record<LookalikeKind, number>> = {
  'idn-homograph': 0.75,
  homograph: 0.65,
  'brand-subdomain': 0.55,
  embedded: 0.5,
  'tld-swap': 0.4,
  typo: 0.4,
};
/** An embedded or subdomain brand without any lure word is weaker evidence. */
const NO_LURE_FACTOR = 0.7;
/** Below this length a keyword only matches as a whole hyphen- or dot-separated token. */
const MIN_SUBSTRING_KEYWORD = 6;
const MIN_TYPO_KEYWORD = 5;
const MIN_HOMOGRAPH_KEYWORD = 4;

/**
 * Whether `host` is an official domain (or subdomain) of any brand of the list. On a brand domain
 * that is a hosting platform (sharepoint.com), each subdomain is a customer's site: only the
 * platform's bare name, and the tenants the list names, are the brand's.
 */
export function officialBrandOf(host: string, list: BrandList): Brand | null {
  const ascii = splitHost(host)?.host ?? host.toLowerCase();
  const owns = (d: string) => ascii === d || ascii === `www.${d}` || (isSameOrSubdomain(ascii, d) && !isPublicSuffix(d));
  return list.brands.find((b) => b.domains.some(owns)) ?? null;
}

/** Every brand the host imitates, best match per brand, strongest first. */
export function findLookalikes(host: string, list: BrandList): LookalikeMatch[] {
  const parts = splitHost(host);
  if (!parts || isGovernmentSuffix(parts.suffix) || officialBrandOf(parts.host, list)) return [];
  const reading = readHost(parts, list.lureWords);
  const matches: LookalikeMatch[] = [];
  for (const brand of list.brands) {
    let best: LookalikeMatch | null = null;
    for (const keyword of brand.keywords) {
      const match = matchKeyword(reading, brand, keyword);
      if (match && (!best || match.weight > best.weight)) best = match;
    }
    if (best) matches.push(best);
  }
  return matches.sort((a, b) => b.weight - a.weight);
}

interface HostReading {
  parts: HostParts;
  /** Registrable name: skeletons with and without hyphens, strict skeleton and folded form without hyphens, whether it had non-ASCII letters. */
  name: { skeleton: string; collapsed: string; strict: string; plain: string; nonAscii: boolean };
  /** Hyphen-separated tokens of the registrable name, of the subdomain labels, and the whole subdomain labels without hyphens. */
  nameTokens: Tokens;
  subTokens: Tokens;
  subLabels: Tokens;
  subNonAscii: boolean;
  lureWords: string[];
  lure: ReadonlySet<string>;
}

/** Skeletons, and folded spellings for keywords too short to be read through look-alike letters. */
interface Tokens {
  skeletons: string[];
  plain: string[];
}

function readHost(parts: HostParts, lure: ReadonlySet<string>): HostReading {
  const name = readLabel(parts.name);
  const subs = parts.subdomains.map(readLabel);
  const tokens = (readings: LabelReading[], split: boolean): Tokens => ({
    skeletons: readings.flatMap((r) => (split ? r.skeleton.split('-') : [r.skeleton.replace(/-/g, '')])).filter(Boolean),
    plain: readings.flatMap((r) => (split ? r.folded.split('-') : [r.folded.replace(/-/g, '')])).filter(Boolean),
  });
  const subTokens = tokens(subs, true);
  // Lure words are plain words: compared with the folded tokens, not the skeletons.
  const lureWords = [...new Set([...tokens([name], true).plain, ...subTokens.plain].filter((t) => lure.has(t)))];
  return {
    parts,
    name: { skeleton: name.skeleton, collapsed: name.skeleton.replace(/-/g, ''), strict: name.strict.replace(/-/g, ''), plain: name.folded.replace(/-/g, ''), nonAscii: name.nonAscii },
    nameTokens: tokens([name], true),
    subTokens,
    subLabels: tokens(subs, false),
    subNonAscii: subs.some((s) => s.nonAscii),
    lureWords,
    lure,
  };
}

/** Whether the tokens hold the keyword: by skeleton, or as spelt for the shortest keywords ("ici" is not "lcl"). */
function holds(tokens: Tokens, keyword: BrandKeyword): boolean {
  return keyword.skeleton.length >= MIN_HOMOGRAPH_KEYWORD ? tokens.skeletons.includes(keyword.skeleton) : tokens.plain.includes(keyword.plain);
}

function matchKeyword(host: HostReading, brand: Brand, keyword: BrandKeyword): LookalikeMatch | null {
  const k = keyword.skeleton;
  const make = (kind: LookalikeKind, weight: number, needsBrandOnPage: boolean, distance?: number): LookalikeMatch => ({
    brandId: brand.id,
    brandName: brand.name,
    host: host.parts.host,
    unicodeHost: host.parts.unicodeHost,
    registrable: host.parts.registrable,
    kind,
    keyword: k,
    lureWords: host.lureWords,
    ...(distance !== undefined ? { distance } : {}),
    weight: round(weight),
    needsBrandOnPage,
  });
  const hasLure = host.lureWords.length > 0;
  // Beside lure words, a brand is deliberate; beside other words, a resemblance (never, for ordinary-word brands).
  const besideWords = (kind: 'embedded' | 'brand-subdomain', weight: number): LookalikeMatch | null =>
    hasLure ? make(kind, weight, false) : brand.commonWords ? null : make(kind, weight * NO_LURE_FACTOR, true);

  // The registrable name reads as the brand.
  if (host.name.collapsed === k) {
    if (host.name.nonAscii) return make('idn-homograph', LOOKALIKE_WEIGHTS['idn-homograph'], false);
    if (host.name.plain !== keyword.plain) {
      // Look-alike characters. Not for the shortest names: "ici" reads as "lcl", "c1c" as "cic",
      // with too little left to tell a word from a fake. An i/l swap alone is a resemblance.
      if (k.length < MIN_HOMOGRAPH_KEYWORD) return null;
      return host.name.strict === keyword.strict ? make('homograph', LOOKALIKE_WEIGHTS.homograph, false) : make('homograph', LOOKALIKE_WEIGHTS.typo, true);
    }
    // The brand's very name cut by hyphens (free-mobile, impots-gouv): its words, not a homograph.
    if (host.parts.name.includes('-')) return besideWords('embedded', LOOKALIKE_WEIGHTS.embedded);
    if (brand.commonWords || ownsCountryVariants(brand, host.parts.suffix)) return null;
    // The very name under another suffix: a TLD swap when it is the name of an official domain.
    return keyword.fromDomain ? make('tld-swap', LOOKALIKE_WEIGHTS['tld-swap'], true) : besideWords('embedded', LOOKALIKE_WEIGHTS.embedded);
  }

  // The brand as a subdomain of an unrelated registrable domain.
  if (holds(host.subLabels, keyword) || holds(host.subTokens, keyword)) {
    const match = besideWords('brand-subdomain', LOOKALIKE_WEIGHTS['brand-subdomain'] + (host.subNonAscii ? 0.1 : 0));
    if (match) return match;
  }

  // The brand inside the registrable name, with other words.
  const substring = k.length >= MIN_SUBSTRING_KEYWORD && host.name.collapsed.includes(k) && remainderIsLure(host.name.collapsed, host.name.plain, k, host.lure);
  if (holds(host.nameTokens, keyword) || substring) {
    if (host.name.nonAscii) return make('idn-homograph', LOOKALIKE_WEIGHTS['idn-homograph'], false);
    // A brand glued to lure words (paypalsecure) is deliberate even when the host has no separate lure token.
    const match = substring ? make('embedded', LOOKALIKE_WEIGHTS.embedded, false) : besideWords('embedded', LOOKALIKE_WEIGHTS.embedded);
    if (match) return match;
  }

  // One or two edits away (typosquatting); same first letter, as typosquats keep it.
  if (!brand.commonWords && k.length >= MIN_TYPO_KEYWORD && host.name.collapsed[0] === k[0]) {
    const max = k.length >= 9 ? 2 : 1;
    const distance = editDistance(host.name.collapsed, k, max);
    if (distance >= 1 && distance <= max) {
      return host.name.nonAscii ? make('idn-homograph', LOOKALIKE_WEIGHTS['idn-homograph'], false) : make('typo', LOOKALIKE_WEIGHTS.typo, true, distance);
    }
  }
  return null;
}

// Country codes that stand in for .com in typosquatting (paypal.co, amazon.cm) or that sell
// names freely worldwide.
const TYPO_COUNTRY_CODES = new Set(['co', 'cm', 'om', 'ne', 'io', 'ai', 'ws', 'cc', 'tk', 'ml', 'ga', 'cf', 'gq', 'su', 'to', 'ly', 'la', 'me', 'tv', 'nu']);

/**
 * Brands present under several suffixes (paypal.com and paypal.fr) usually hold their name in
 * most countries: a country-code variant (paypal.de) is not called a swap, a generic or typo
 * suffix (paypal.co, paypal.info) is. A brand under one suffix only (ameli.fr, impots.gouv.fr)
 * owns no other.
 */
function ownsCountryVariants(brand: Brand, suffix: string): boolean {
  const last = suffix.split('.').pop()!;
  if (last.length !== 2 || TYPO_COUNTRY_CODES.has(last)) return false;
  const suffixes = new Set(brand.domains.map((d) => d.split('.').slice(1).join('.')).filter(Boolean));
  return suffixes.size >= 2;
}

/** "paypalsecure" with keyword "paypal": the rest ("secure") is made of lure words. */
function remainderIsLure(skeleton: string, plain: string, keyword: string, lure: ReadonlySet<string>): boolean {
  const at = skeleton.indexOf(keyword);
  // The ASCII readings keep or shorten lengths ("rn" -> "m"); read the rest from the plain name when they agree in length.
  const name = plain.length === skeleton.length ? plain : skeleton;
  const rest = [name.slice(0, at), name.slice(at + keyword.length)].filter(Boolean);
  return rest.length > 0 && rest.every((part) => isLureCompound(part, lure));
}

/** Whether `text` splits into lure words ("securelogin" -> secure + login), up to three. */
function isLureCompound(text: string, lure: ReadonlySet<string>, depth = 0): boolean {
  if (lure.has(text)) return true;
  if (depth >= 2) return false;
  for (let i = 2; i < text.length - 1; i++) {
    if (lure.has(text.slice(0, i)) && isLureCompound(text.slice(i), lure, depth + 1)) return true;
  }
  return false;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

// Lookalike domains: a host compared with every brand of the list. Kinds, strongest first:
//   idn-homograph   an IDN label whose skeleton is a brand's (pаypal.com with a Cyrillic а)
//   homograph       ASCII look-alike characters (paypa1.com, rnicrosoft.com, g00gle.com)
//   brand-subdomain the brand or its whole domain as a subdomain of an unrelated domain
//                   (paypal.com.secure-login.xyz, bnpparibas.verification-client.net)
//   embedded        the brand inside a name with lure words (paypal-secure-login.com, ameli-remboursement.fr)
//   tld-swap        the brand's own name under another suffix (paypal.co)
//   typo            one or two edits away (paypall.com, amazom.fr)
// The brand's official domains and their subdomains never match, nor does any host that belongs
// to another brand of the list. Brands whose names are ordinary words (commonWords: Orange, Free)
// are never matched by typo or TLD swap, and need a lure word next to them.
import type { Brand, BrandKeyword, BrandList } from './brand-list.ts';
import { editDistance } from './edit-distance.ts';
import { isSameOrSubdomain, splitHost, type HostParts } from './registrable-domain.ts';
import { readLabel } from './skeleton.ts';

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
  /** 0..1: how strongly the host alone suggests impersonation (a rule weight). */
  weight: number;
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

/** Whether `host` is an official domain (or subdomain) of any brand of the list. */
export function officialBrandOf(host: string, list: BrandList): Brand | null {
  const ascii = splitHost(host)?.host ?? host.toLowerCase();
  return list.brands.find((b) => b.domains.some((d) => isSameOrSubdomain(ascii, d))) ?? null;
}

/** Every brand the host imitates, best match per brand, strongest first. */
export function findLookalikes(host: string, list: BrandList): LookalikeMatch[] {
  const parts = splitHost(host);
  if (!parts || officialBrandOf(parts.host, list)) return [];
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
  /** Registrable name: skeleton with and without hyphens, whether it had non-ASCII letters, ASCII form without hyphens. */
  name: { skeleton: string; collapsed: string; plain: string; nonAscii: boolean };
  /** Skeletons of the hyphen-separated tokens of the registrable name. */
  nameTokens: string[];
  /** Skeletons of the subdomain labels (whole, collapsed) and of their hyphen-separated tokens. */
  subLabels: string[];
  subTokens: string[];
  subNonAscii: boolean;
  lureWords: string[];
  lure: ReadonlySet<string>;
}

function readHost(parts: HostParts, lure: ReadonlySet<string>): HostReading {
  const name = readLabel(parts.name);
  const subs = parts.subdomains.map(readLabel);
  const nameTokens = name.skeleton.split('-').filter(Boolean);
  const subTokens = subs.flatMap((s) => s.skeleton.split('-')).filter(Boolean);
  // Lure words are plain words: compared with the folded tokens, not the skeletons.
  const plainTokens = [name, ...subs].flatMap((r) => r.folded.split('-')).filter(Boolean);
  const lureWords = [...new Set(plainTokens.filter((t) => lure.has(t)))];
  return {
    parts,
    name: { skeleton: name.skeleton, collapsed: name.skeleton.replace(/-/g, ''), plain: name.folded.replace(/-/g, ''), nonAscii: name.nonAscii },
    nameTokens,
    subLabels: subs.map((s) => s.skeleton.replace(/-/g, '')),
    subTokens,
    subNonAscii: subs.some((s) => s.nonAscii),
    lureWords,
    lure,
  };
}

function matchKeyword(host: HostReading, brand: Brand, keyword: BrandKeyword): LookalikeMatch | null {
  const k = keyword.skeleton;
  const make = (kind: LookalikeKind, weight: number, distance?: number): LookalikeMatch => ({
    brandId: brand.id,
    brandName: brand.name,
    host: host.parts.host,
    unicodeHost: host.parts.unicodeHost,
    registrable: host.parts.registrable,
    kind,
    keyword: k,
    lureWords: host.lureWords,
    ...(distance !== undefined ? { distance } : {}),
    weight,
  });
  const hasLure = host.lureWords.length > 0;
  const lureOr = (weight: number): number | null => (hasLure ? weight : brand.commonWords ? null : round(weight * NO_LURE_FACTOR));

  // The registrable name reads as the brand.
  if (host.name.collapsed === k) {
    if (host.name.nonAscii) return make('idn-homograph', LOOKALIKE_WEIGHTS['idn-homograph']);
    // Look-alike characters, or the name cut by hyphens (pay-pal.com). Not for the shortest
    // names: "ici" reads as "lcl", "c1c" as "cic", with too little left to tell a word from a fake.
    if (host.name.plain !== keyword.plain || host.parts.name.includes('-')) {
      return k.length >= MIN_HOMOGRAPH_KEYWORD ? make('homograph', LOOKALIKE_WEIGHTS.homograph) : null;
    }
    if (brand.commonWords || ownsCountryVariants(brand, host.parts.suffix)) return null;
    // The very name under another suffix: a TLD swap when it is the name of an official domain.
    return make(keyword.fromDomain ? 'tld-swap' : 'embedded', keyword.fromDomain ? LOOKALIKE_WEIGHTS['tld-swap'] : (lureOr(LOOKALIKE_WEIGHTS.embedded) ?? 0));
  }

  // The brand as a subdomain of an unrelated registrable domain.
  if (host.subLabels.includes(k) || host.subTokens.includes(k)) {
    const weight = lureOr(LOOKALIKE_WEIGHTS['brand-subdomain'] + (host.subNonAscii ? 0.1 : 0));
    if (weight) return make('brand-subdomain', round(weight));
  }

  // The brand inside the registrable name, with other words.
  const substring = k.length >= MIN_SUBSTRING_KEYWORD && host.name.collapsed.includes(k) && remainderIsLure(host.name.collapsed, host.name.plain, k, host.lure);
  if (host.nameTokens.includes(k) || substring) {
    const weight = substring && !hasLure ? LOOKALIKE_WEIGHTS.embedded : lureOr(LOOKALIKE_WEIGHTS.embedded);
    if (weight) return make(host.name.nonAscii ? 'idn-homograph' : 'embedded', host.name.nonAscii ? LOOKALIKE_WEIGHTS['idn-homograph'] : weight);
  }

  // One or two edits away (typosquatting); same first letter, as typosquats keep it.
  if (!brand.commonWords && k.length >= MIN_TYPO_KEYWORD && host.name.collapsed[0] === k[0]) {
    const max = k.length >= 9 ? 2 : 1;
    const distance = editDistance(host.name.collapsed, k, max);
    if (distance >= 1 && distance <= max) {
      return make(host.name.nonAscii ? 'idn-homograph' : 'typo', host.name.nonAscii ? LOOKALIKE_WEIGHTS['idn-homograph'] : LOOKALIKE_WEIGHTS.typo, distance);
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

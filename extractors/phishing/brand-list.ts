// The configurable brand list (config/brands.yaml, or VIGIE_BRANDS_FILE): brands that phishing
// imitates, with the names under which pages mention them, their official registrable domains,
// and the words that make a domain look like a lure. Validated with zod at load; every problem
// is reported as `file: path.to.field: message`, like the rule files. Compiled once into the
// readings the detectors need (skeletons, folded name sequences).
import { existsSync, readFileSync } from 'node:fs';
import { domainToASCII } from 'node:url';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../../config/errors.ts';
import { zodIssuesToConfigIssues } from '../../config/zod-issues.ts';
import { FoldCache, foldWords } from '../normalize/index.ts';
import { splitHost } from './registrable-domain.ts';
import { readLabel } from './skeleton.ts';

export const BRAND_CATEGORIES = [
  'bank', 'payment', 'delivery', 'government', 'webmail', 'social', 'telecom', 'energy', 'retail', 'marketplace', 'tech', 'streaming', 'crypto', 'other',
] as const;
export type BrandCategory = (typeof BRAND_CATEGORIES)[number];

// One label or more ("bnpparibas" is a brand TLD), LDH or Unicode letters, no scheme or path.
const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?!-)[\p{L}\p{N}-]{1,63}(?:\.(?!-)[\p{L}\p{N}-]{1,63})*$/u, 'must be a bare domain name such as paypal.com (no scheme, path or wildcard)');
const name = z.string().trim().min(2, 'a name has at least 2 characters').max(80, 'a name is at most 80 characters');
const keyword = z.string().trim().toLowerCase().regex(/^[a-z0-9]{3,40}$/, 'a keyword is 3 to 40 lower-case ASCII letters or digits');

const brandSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes'),
  /** Display name. */
  name,
  category: z.enum(BRAND_CATEGORIES).default('other'),
  /** How pages name the brand; matched ignoring case, accents and lookalike letters. */
  names: z.array(name).default([]),
  /** Names that are ordinary words ("Free", "Orange", "UPS"): matched only as written, case included. */
  exactNames: z.array(name).default([]),
  /** Official registrable domains: they and their subdomains are the brand's own; their names are keywords. */
  domains: z.array(domain).min(1, 'a brand needs at least one official domain'),
  /** Official domains whose names are ordinary words (live.com, office.com): the brand's own, never keywords. */
  otherDomains: z.array(domain).default([]),
  /** Extra strings whose presence in a foreign domain suggests the brand (domain names and names are added). */
  keywords: z.array(keyword).default([]),
  /** The brand's names are ordinary words: domain matches need a lure word too, and no typo matching. */
  commonWords: z.boolean().default(false),
});

const fileSchema = z.strictObject({
  description: z.string().optional(),
  /** Words that, next to a brand in a domain name, make it a lure (secure, login, remboursement...). */
  lureWords: z.array(z.string().trim().toLowerCase().regex(/^[a-z0-9]{2,40}$/, 'a lure word is 2 to 40 lower-case ASCII letters or digits')).min(1),
  /** Branded and luxury goods that fake shops sell at impossible prices. */
  shopBrands: z.array(name).default([]),
  brands: z.array(brandSchema).min(1, 'at least one brand is required'),
});

export type BrandDefinition = z.infer<typeof brandSchema>;

export interface BrandKeyword {
  /** Skeleton without hyphens ("creditagricole"; see skeleton.ts). */
  skeleton: string;
  /** Folded spelling without hyphens, before the ASCII look-alike readings. */
  plain: string;
  /** Skeleton with i and l kept apart (skeleton.ts). */
  strict: string;
  /** Whether it is the name label of an official domain (then the same name elsewhere is a TLD swap). */
  fromDomain: boolean;
}

export interface Brand {
  id: string;
  name: string;
  category: BrandCategory;
  /** Official domains, ASCII (punycode) lower case. */
  domains: string[];
  keywords: BrandKeyword[];
  /** Folded word sequences of `names`, and the names as written (same order). */
  nameWords: string[][];
  names: string[];
  exactNames: string[];
  commonWords: boolean;
}

/** A brand name's folded words, for the one-pass matcher (keyed by the first word). */
export interface NameEntry {
  brandIndex: number;
  /** The name as written in the brand file. */
  name: string;
  words: string[];
}

export interface BrandList {
  source: string;
  brands: Brand[];
  /** Every folded brand name by its first word (brand-mentions.ts scans a text once with it). */
  namesByFirstWord: ReadonlyMap<string, readonly NameEntry[]>;
  /** All exact names in one pattern (null when there are none), and the brands of each. */
  exactNamePattern: RegExp | null;
  brandsByExactName: ReadonlyMap<string, readonly number[]>;
  lureWords: ReadonlySet<string>;
  /** Folded word sequences of shopBrands, each with its display form and its pattern over folded text. */
  shopBrands: Array<{ name: string; words: string[]; pattern: RegExp }>;
}

/** Reads and compiles a brand file; throws ConfigError listing every problem. */
export function loadBrandList(file: string): BrandList {
  if (!existsSync(file)) throw new ConfigError(`brand file not found: ${file}`, [{ file, path: '', message: 'file not found' }]);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read brand file ${file}`, [{ file, path: '', message: (err as Error).message }], { cause: err });
  }
  return parseBrandList(text, file);
}

/** Parses and compiles brand-file text; `source` names it in errors. */
export function parseBrandList(text: string, source: string): BrandList {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((err) => {
      const line = err.linePos?.[0]?.line;
      return { file: source, path: '', message: `${line ? `line ${line}: ` : ''}${err.message.split('\n')[0]}` };
    });
    throw new ConfigError(`invalid brand file ${source}: ${issues.length} problem(s)`, issues);
  }
  const parsed = fileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issues = zodIssuesToConfigIssues(parsed.error.issues, source);
    throw new ConfigError(`invalid brand file ${source}: ${issues.length} problem(s)`, issues);
  }
  const issues = crossCheck(parsed.data.brands, source);
  if (issues.length > 0) throw new ConfigError(`invalid brand file ${source}: ${issues.length} problem(s)`, issues);
  return compileBrandList(parsed.data, source);
}

function crossCheck(brands: BrandDefinition[], source: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const ids = new Map<string, number>();
  const owners = new Map<string, string>();
  brands.forEach((brand, i) => {
    const first = ids.get(brand.id);
    if (first !== undefined) issues.push({ file: source, path: `brands.${i}.id`, message: `brand id "${brand.id}" is already used by brands.${first}` });
    else ids.set(brand.id, i);
    if (brand.names.length + brand.exactNames.length === 0) issues.push({ file: source, path: `brands.${i}.names`, message: 'a brand needs at least one name or exact name' });
    const check = (field: 'domains' | 'otherDomains') => brand[field].forEach((d, k) => {
      const owner = owners.get(d);
      if (owner !== undefined && owner !== brand.id) issues.push({ file: source, path: `brands.${i}.${field}.${k}`, message: `domain ${d} is already listed for brand "${owner}"` });
      else owners.set(d, brand.id);
      if (toAscii(d) === '') issues.push({ file: source, path: `brands.${i}.${field}.${k}`, message: `${d} is not a valid domain name` });
    });
    check('domains');
    check('otherDomains');
  });
  return issues;
}

function compileBrandList(data: z.infer<typeof fileSchema>, source: string): BrandList {
  const cache = new FoldCache();
  const brands = data.brands.map((def): Brand => {
    const keywordDomains = def.domains.map(toAscii);
    const domains = [...keywordDomains, ...def.otherDomains.map(toAscii)];
    const keywords = new Map<string, BrandKeyword>();
    const add = (raw: string, fromDomain: boolean): void => {
      const reading = readLabel(raw);
      const skeleton = reading.skeleton.replace(/-/g, '');
      if (skeleton.length < 3) return;
      const known = keywords.get(skeleton);
      if (!known || (fromDomain && !known.fromDomain)) {
        keywords.set(skeleton, { skeleton, plain: reading.folded.replace(/-/g, ''), strict: reading.strict.replace(/-/g, ''), fromDomain });
      }
    };
    for (const d of keywordDomains) {
      // The name label: "paypal" in paypal.com, "impots" in impots.gouv.fr; a brand TLD
      // ("bnpparibas") is its own name.
      const parts = splitHost(d);
      if (parts) add(parts.name, true);
      else if (!d.includes('.')) add(d, false);
    }
    // Exact names are ordinary words (Free, Orange): a brand that wants them in domains lists them as keywords.
    for (const n of def.names) add(foldWords(n, cache).join(''), false);
    for (const k of def.keywords) add(k, false);
    return {
      id: def.id,
      name: def.name,
      category: def.category,
      domains,
      keywords: [...keywords.values()],
      ...namesOf(def.names, cache),
      exactNames: def.exactNames,
      commonWords: def.commonWords,
    };
  });
  const namesByFirstWord = new Map<string, NameEntry[]>();
  const brandsByExactName = new Map<string, number[]>();
  brands.forEach((brand, brandIndex) => {
    brand.nameWords.forEach((words, i) => {
      const entry = { brandIndex, name: brand.names[i]!, words };
      const list = namesByFirstWord.get(words[0]!);
      if (list) list.push(entry);
      else namesByFirstWord.set(words[0]!, [entry]);
    });
    for (const name of brand.exactNames) brandsByExactName.set(name, [...(brandsByExactName.get(name) ?? []), brandIndex]);
  });
  // Longest first, so "Free Mobile" wins over "Free" where both are exact names.
  const exact = [...brandsByExactName.keys()].sort((a, b) => b.length - a.length).map(escapeRegex);
  return {
    source,
    brands,
    namesByFirstWord,
    exactNamePattern: exact.length > 0 ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${exact.join('|')})(?![\\p{L}\\p{N}])`, 'gu') : null,
    brandsByExactName,
    lureWords: new Set(data.lureWords),
    shopBrands: data.shopBrands
      .map((n) => ({ name: n, words: foldWords(n, cache) }))
      .filter((s) => s.words.length > 0)
      // Compiled once here rather than per page (fake-shop.ts runs them over every shop page).
      .map((s) => ({ ...s, pattern: new RegExp(`(?<![a-z0-9])${s.words.map(escapeRegex).join('[\\s\\-]?')}(?![a-z0-9])`, 'g') })),
  };
}

function toAscii(d: string): string {
  return domainToASCII(d);
}

function namesOf(names: string[], cache: FoldCache): { nameWords: string[][]; names: string[] } {
  const kept = names.map((n) => ({ n, words: foldWords(n, cache) })).filter((x) => x.words.length > 0);
  return { nameWords: kept.map((x) => x.words), names: kept.map((x) => x.n) };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

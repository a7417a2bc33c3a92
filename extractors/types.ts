// Shared shapes of what extraction produces. Offsets are JavaScript string indices (UTF-16 code
// units) into the text that was analysed, `end` exclusive, so `text.slice(start, end)` is the match.

export const ENTITY_TYPES = ['email', 'phone', 'iban', 'card', 'btc', 'eth', 'xmr', 'onion', 'telegram', 'url', 'domain', 'ip'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export interface Entity {
  type: EntityType;
  /** Canonical form used for search and pivots (see extractors/entities: normalizeEntityValue). */
  value: string;
  start: number;
  end: number;
  /** Validator facts worth showing: card brand, phone country, IBAN country, address kind. */
  details?: Record<string, string>;
}

export const CATEGORIES = [
  'terrorism',
  'hate',
  'child-abuse',
  'drugs',
  'weapons',
  'fraud',
  'carding',
  'data-leak',
  'hacking',
  'counterfeit',
  'human-trafficking',
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface TermMatch {
  /** The lexicon term as written in the rule file. */
  term: string;
  /** Offsets in the original text (not the normalised one), for highlighting. */
  start: number;
  end: number;
  /** Present when the text spells the term differently: a misspelling of it, or it glued to another word. */
  reading?: 'misspelled' | 'glued';
}

export interface RuleHit {
  ruleId: string;
  weight: number;
  terms: TermMatch[];
  /** Entity types whose presence the rule required (e.g. a wallet near a drug term). */
  entities?: EntityType[];
  /** Facts that explain a hit that is not about terms (a hash-list match: media URL, hash kind, hash, distance; a phishing hit: domain, brand imitated, form action). */
  details?: Record<string, string>;
}

export interface Flag {
  category: Category;
  /** 0..1; compared with the target's threshold to decide whether the flag becomes an alert. */
  score: number;
  /** Standard machine tags (MISP taxonomies) of the category. */
  tags: string[];
  rules: RuleHit[];
}

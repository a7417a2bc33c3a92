// Extraction over one text: validated entities first, then the rules (some rules need entities,
// e.g. a wallet address near a drug term). With the page around the text (URL, title, forms) and
// a brand list, phishing and fake-shop evidence too, merged into the rules' fraud flag.
import { extractEntities } from './entities/index.ts';
import { mergeFlags } from './merge-flags.ts';
import { analyzePhishing, type BrandList, type PageContext } from './phishing/index.ts';
import { classify, type ClassifyOptions, type RuleSet } from './rules/index.ts';
import type { Entity, Flag } from './types.ts';

export interface PageAnalysisOptions {
  /** The page the text is the main text of: enables phishing and fake-shop detection (with `brands`). */
  page?: PageContext;
  brands?: BrandList;
}

export interface TextAnalysis {
  entities: Entity[];
  flags: Flag[];
}

/** `options`: the text's language and the target's rule overrides, when known; the page and brand list for phishing. */
export function analyzeText(text: string, ruleSet: RuleSet, options: ClassifyOptions & PageAnalysisOptions = {}): TextAnalysis {
  const entities = extractEntities(text);
  const flags = classify(text, entities, ruleSet, options);
  const phishing = options.page && options.brands ? analyzePhishing({ text, entities, page: options.page }, options.brands) : null;
  return { entities, flags: phishing ? mergeFlags(flags, [phishing]) : flags };
}

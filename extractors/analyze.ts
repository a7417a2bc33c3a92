// Extraction over one text: validated entities first, then the rules (some rules need entities,
// e.g. a wallet address near a drug term).
import { extractEntities } from './entities/index.ts';
import { classify, type ClassifyOptions, type RuleSet } from './rules/index.ts';
import type { Entity, Flag } from './types.ts';

export interface TextAnalysis {
  entities: Entity[];
  flags: Flag[];
}

/** `options`: the text's language and the target's rule overrides, when known. */
export function analyzeText(text: string, ruleSet: RuleSet, options: ClassifyOptions = {}): TextAnalysis {
  const entities = extractEntities(text);
  const flags = classify(text, entities, ruleSet, options);
  return { entities, flags };
}

// An alert as people and exports see it: the stored alert plus what its category means for a
// referral (labels, the standard MISP machine tags, the French legal qualifications and the
// service such a referral usually goes to).
import { CATEGORY_INFO, legalQualification } from '../extractors/categories.ts';
import type { Alert } from '../indexer/types.ts';

export interface AlertView extends Alert {
  categoryLabel: { fr: string; en: string };
  /** "offence (code, article)" lines, from extractors/categories.ts. */
  legalQualification: string[];
  suggestedService: string;
  /** Decided, then observed again (a new URL or version) after that decision: worth another look. */
  seenSinceDecision: boolean;
}

export function alertView(alert: Alert): AlertView {
  const info = CATEGORY_INFO[alert.category];
  return {
    ...alert,
    categoryLabel: { fr: info.labelFr, en: info.labelEn },
    legalQualification: legalQualification(alert.category),
    suggestedService: info.referral,
    seenSinceDecision: alert.decision !== undefined && alert.lastSeen > alert.decision.at,
  };
}

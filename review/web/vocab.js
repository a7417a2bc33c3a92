// The desk's fixed vocabularies, as the API names them (indexer/types.ts, extractors/types.ts).
// Their labels are i18n keys: category.<id>, status.<id>, reason.<id>.

export const CATEGORIES = [
  'terrorism', 'hate', 'child-abuse', 'drugs', 'weapons', 'fraud', 'carding', 'data-leak', 'hacking', 'counterfeit', 'human-trafficking',
];

export const ALERT_STATUSES = ['new', 'assigned', 'confirmed', 'dismissed', 'escalated', 'referred'];

/** Why an alert is dismissed; their order is the dismiss dialog's (keys 1 to 6). */
export const DISMISS_REASONS = ['false-positive', 'legitimate-content', 'wrong-category', 'duplicate', 'not-actionable', 'out-of-jurisdiction'];

export const REFERRAL_STATUSES = ['prepared', 'sent', 'acknowledged', 'closed'];

export const ROLES = ['analyst', 'investigator', 'ops', 'admin'];

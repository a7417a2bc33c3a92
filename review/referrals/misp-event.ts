// The referral as a MISP event (MISP core format, draft-dulaunoy-misp-core-format): the event
// with its machine tags (the category's MISP taxonomy tags and TLP:AMBER) and one attribute per
// observable, typed and categorised as MISP's describeTypes allows. Distribution 0 (this
// organisation only): the receiving service decides what to share further.
import { CATEGORY_INFO, categoryTags } from '../../extractors/categories.ts';
import type { Category } from '../../extractors/types.ts';
import type { Observable, ObservableKind } from './observables.ts';
import type { ReferralFacts } from './referral-facts.ts';
import { stableUuid } from './stable-uuid.ts';

export interface MispAttribute {
  uuid: string;
  type: string;
  category: string;
  value: string;
  to_ids: boolean;
  comment: string;
  distribution: string;
  timestamp: string;
  disable_correlation: boolean;
}

export interface MispEvent {
  Event: {
    uuid: string;
    info: string;
    /** YYYY-MM-DD */
    date: string;
    /** "1" high, "2" medium, "3" low, "4" undefined */
    threat_level_id: '1' | '2' | '3' | '4';
    /** "0" initial, "1" ongoing, "2" completed */
    analysis: '0' | '1' | '2';
    /** "0" your organisation only ... "5" inherit */
    distribution: '0' | '1' | '2' | '3' | '4' | '5';
    published: boolean;
    timestamp: string;
    Tag: { name: string }[];
    Attribute: MispAttribute[];
  };
}

export const MISP_TLP_TAG = 'tlp:amber';

/** MISP attribute type and category for each observable kind (values from MISP's describeTypes). */
export const MISP_ATTRIBUTE_MAPPING: Readonly<Record<ObservableKind, { type: string; category: string; note?: string }>> = {
  url: { type: 'url', category: 'Network activity' },
  domain: { type: 'domain', category: 'Network activity' },
  hostname: { type: 'hostname', category: 'Network activity' },
  onion: { type: 'hostname', category: 'Network activity' },
  ip: { type: 'ip-dst', category: 'Network activity' },
  email: { type: 'email', category: 'Social network' },
  phone: { type: 'phone-number', category: 'Person' },
  iban: { type: 'iban', category: 'Financial fraud' },
  card: { type: 'cc-number', category: 'Financial fraud' },
  btc: { type: 'btc', category: 'Financial fraud' },
  xmr: { type: 'xmr', category: 'Financial fraud' },
  // MISP has no Ethereum or Telegram attribute type: text, with what it is in the comment.
  eth: { type: 'text', category: 'Financial fraud', note: 'Adresse Ethereum' },
  telegram: { type: 'text', category: 'Social network', note: 'Compte ou lien Telegram' },
  sha256: { type: 'sha256', category: 'Payload delivery' },
  md5: { type: 'md5', category: 'Payload delivery' },
};

const HIGH_THREAT: readonly Category[] = ['child-abuse', 'terrorism', 'human-trafficking'];

export function buildMispEvent(facts: ReferralFacts, observables: readonly Observable[]): MispEvent {
  const seed = facts.referralId;
  const timestamp = String(Math.floor(Date.parse(facts.createdAt) / 1000));
  const info = CATEGORY_INFO[facts.alert.category];
  const where = facts.alert.urls[0] ?? facts.pages[0]?.url ?? facts.alert.id;
  return {
    Event: {
      uuid: stableUuid(seed, 'misp-event'),
      info: `Vigie : ${info.labelFr}, ${where} (signalement ${facts.service.label.fr})`,
      date: facts.createdAt.slice(0, 10),
      threat_level_id: threatLevel(facts.alert.category, facts.alert.score),
      analysis: '1',
      distribution: '0',
      published: false,
      timestamp,
      Tag: [...new Set([...categoryTags(facts.alert.category), MISP_TLP_TAG])].map((name) => ({ name })),
      Attribute: observables.map((observable) => {
        const mapping = MISP_ATTRIBUTE_MAPPING[observable.kind];
        return {
          uuid: stableUuid(seed, `misp-attribute:${observable.kind}:${observable.value}`),
          type: mapping.type,
          category: mapping.category,
          value: observable.value,
          // Only where the flagged content is: what a blocking list or IDS would act on.
          to_ids: observable.flagged,
          comment: mapping.note ? `${mapping.note}. ${observable.comment}` : observable.comment,
          distribution: '5',
          timestamp,
          disable_correlation: false,
        };
      }),
    },
  };
}

function threatLevel(category: Category, score: number): '1' | '2' | '3' {
  if (HIGH_THREAT.includes(category)) return '1';
  return score >= 0.8 ? '2' : '3';
}

// One canonical value per entity, whether it comes from extraction or from what an investigator
// types in a search box ("phone:+33 6 12 34 56 78" and "phone:0612345678" meet here).
import type { EntityType } from '../types.ts';
import { validateBtc } from './validators/btc.ts';
import { validateCard } from './validators/card.ts';
import { validateDomain } from './validators/domain.ts';
import { validateEmail } from './validators/email.ts';
import { validateEth } from './validators/eth.ts';
import { validateIban } from './validators/iban.ts';
import { validateIp } from './validators/ip.ts';
import { validateOnion } from './validators/onion.ts';
import { validatePhone } from './validators/phone.ts';
import { validateTelegram } from './validators/telegram.ts';
import { validateUrl } from './validators/url.ts';
import type { Validated } from './validators/validated.ts';
import { validateXmr } from './validators/xmr.ts';

const VALIDATORS: Record<EntityType, (raw: string) => Validated | null> = {
  email: validateEmail,
  phone: validatePhone,
  iban: validateIban,
  card: validateCard,
  btc: validateBtc,
  eth: validateEth,
  xmr: validateXmr,
  onion: validateOnion,
  telegram: validateTelegram,
  url: validateUrl,
  domain: validateDomain,
  ip: validateIp,
};

/** Canonical value of `raw` read as `type`, or null when it is not a valid one. */
export function normalizeEntityValue(type: EntityType, raw: string): string | null {
  const validate = VALIDATORS[type];
  if (!validate || raw.length > 4096) return null;
  return validate(raw.trim())?.value ?? null;
}

// IBAN (ISO 13616): country code, two check digits, a BBAN whose length the country fixes, and
// mod-97 of the rearranged number equal to 1.
import type { Validated } from './validated.ts';

/** Total IBAN length per country (SWIFT IBAN registry; French overseas territories use FR's). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BL: 27, BR: 29,
  BY: 28, CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24,
  FI: 18, FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GF: 27, GI: 23, GL: 18, GP: 27, GR: 27, GT: 28,
  HN: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28,
  LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MF: 27, MK: 19, MN: 20,
  MQ: 27, MR: 27, MT: 31, MU: 30, NC: 27, NI: 28, NL: 18, NO: 15, OM: 23, PF: 27, PK: 24, PL: 28,
  PM: 27, PS: 29, PT: 25, QA: 29, RE: 27, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24,
  SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TF: 27, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22,
  VG: 24, WF: 27, XK: 20, YE: 30, YT: 27,
};

const SHAPE = /^[A-Z]{2}\d{2}[A-Z0-9]+$/;

function mod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i);
    // Letters count as two digits (A=10 ... Z=35).
    if (code >= 65) rem = (rem * 100 + (code - 55)) % 97;
    else rem = (rem * 10 + (code - 48)) % 97;
  }
  return rem;
}

export function validateIban(raw: string): Validated | null {
  const iban = raw.replace(/[\s\u00a0\u202f-]/g, '').toUpperCase();
  if (!SHAPE.test(iban)) return null;
  const country = iban.slice(0, 2);
  if (IBAN_LENGTHS[country] !== iban.length) return null;
  if (mod97(iban) !== 1) return null;
  return { value: iban, details: { country } };
}

// Payment card numbers: 13-19 digits, Luhn-valid, and issued by a known network (brand by IIN
// range). An unknown prefix is refused: Luhn alone accepts one random digit string in ten.
// "CB" (Carte Bancaire) is co-badged on Visa/Mastercard numbers and has no prefix of its own.
import type { Validated } from './validated.ts';

interface BrandRule {
  brand: string;
  /** Inclusive IIN ranges; each bound's digit count says how many leading digits to compare. */
  ranges: ReadonlyArray<readonly [number, number]>;
  lengths: readonly number[];
}

const SIXTEEN_TO_NINETEEN = [16, 17, 18, 19];
const THIRTEEN_TO_NINETEEN = [13, 14, 15, 16, 17, 18, 19];

// Order matters: the first rule whose range and length match wins (Discover's 622126-622925
// sits inside UnionPay's 62, Mir's 2200-2204 next to Mastercard's 2221-2720).
const RULES: readonly BrandRule[] = [
  { brand: 'amex', ranges: [[34, 34], [37, 37]], lengths: [15] },
  { brand: 'visa', ranges: [[4, 4]], lengths: [13, 16, 19] },
  { brand: 'mastercard', ranges: [[51, 55], [2221, 2720]], lengths: [16] },
  { brand: 'mir', ranges: [[2200, 2204]], lengths: SIXTEEN_TO_NINETEEN },
  { brand: 'discover', ranges: [[6011, 6011], [644, 649], [65, 65], [622126, 622925]], lengths: SIXTEEN_TO_NINETEEN },
  { brand: 'jcb', ranges: [[3528, 3589]], lengths: SIXTEEN_TO_NINETEEN },
  { brand: 'diners', ranges: [[300, 305], [3095, 3095], [36, 36], [38, 39]], lengths: [14, 15, 16, 17, 18, 19] },
  { brand: 'unionpay', ranges: [[62, 62], [81, 81]], lengths: SIXTEEN_TO_NINETEEN },
  {
    brand: 'maestro',
    ranges: [[5018, 5018], [5020, 5020], [5038, 5038], [5893, 5893], [6304, 6304], [6759, 6759], [6761, 6763], [56, 58]],
    lengths: THIRTEEN_TO_NINETEEN,
  },
];

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function cardBrand(digits: string): string | null {
  for (const rule of RULES) {
    if (!rule.lengths.includes(digits.length)) continue;
    for (const [lo, hi] of rule.ranges) {
      const prefix = Number(digits.slice(0, String(lo).length));
      if (prefix >= lo && prefix <= hi) return rule.brand;
    }
  }
  return null;
}

export function validateCard(raw: string): Validated | null {
  const digits = raw.replace(/[\s\-\u00a0\u202f]/g, '');
  if (!/^\d{13,19}$/.test(digits)) return null;
  if (!luhnValid(digits)) return null;
  const brand = cardBrand(digits);
  if (!brand) return null;
  return { value: digits, details: { brand } };
}

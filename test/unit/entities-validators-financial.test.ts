import { describe, expect, it } from 'vitest';
import { cardBrand, luhnValid, validateCard } from '../../extractors/entities/validators/card.ts';
import { validateIban } from '../../extractors/entities/validators/iban.ts';

describe('iban validator', () => {
  it.each([
    ['FR7630006000011234567890189', 'FR'],
    ['DE89370400440532013000', 'DE'],
    ['GB82WEST12345698765432', 'GB'],
    ['BE71096123456769', 'BE'],
    ['NO9386011117947', 'NO'],
    ['MT84MALT011000012345MTLCAST001S', 'MT'],
  ])('accepts %s', (iban, country) => {
    expect(validateIban(iban)).toEqual({ value: iban, details: { country } });
  });

  it('accepts spaced and lowercase input, canonical uppercase without spaces', () => {
    expect(validateIban('fr76 3000 6000 0112 3456 7890 189')?.value).toBe('FR7630006000011234567890189');
  });

  it.each([
    ['FR7630006000011234567890188', 'mod-97 broken'],
    ['FR763000600001123456789018', 'one character short for FR'],
    ['DE8937040044053201300012', 'too long for DE'],
    ['XX89370400440532013000', 'unknown country'],
    ['GB82WEST1234569876543!', 'not alphanumeric'],
  ])('refuses %s (%s)', (iban) => {
    expect(validateIban(iban)).toBeNull();
  });
});

describe('card validator', () => {
  it.each([
    ['4111111111111111', 'visa'],
    ['4012888888881881', 'visa'],
    ['4222222222222', 'visa'],
    ['5555555555554444', 'mastercard'],
    ['5105105105105100', 'mastercard'],
    ['2223003122003222', 'mastercard'],
    ['378282246310005', 'amex'],
    ['371449635398431', 'amex'],
    ['6011111111111117', 'discover'],
    ['6011000990139424', 'discover'],
    ['3530111333300000', 'jcb'],
    ['3566002020360505', 'jcb'],
    ['30569309025904', 'diners'],
    ['38520000023237', 'diners'],
    ['6200000000000005', 'unionpay'],
    ['6759649826438453', 'maestro'],
    ['2200000000000004', 'mir'],
  ])('accepts %s as %s', (digits, brand) => {
    expect(validateCard(digits)).toEqual({ value: digits, details: { brand } });
  });

  it('accepts groups separated by spaces or dashes, canonical digits only', () => {
    expect(validateCard('4111 1111 1111 1111')?.value).toBe('4111111111111111');
    expect(validateCard('3782-822463-10005')?.value).toBe('378282246310005');
  });

  it.each([
    ['4111111111111112', 'Luhn broken'],
    ['9111111111111119', 'Luhn-valid but no known brand'],
    ['411111111111', 'too short'],
    ['41111111111111111111', 'too long'],
    ['5555555555554444 ', 'still fine with a trailing space', true],
  ])('%s (%s)', (digits, _why, ok = false) => {
    expect(validateCard(digits) !== null).toBe(ok);
  });

  it('computes Luhn and brands by IIN range', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
    expect(cardBrand('2720990000000007')).toBe('mastercard');
    expect(cardBrand('2721000000000000')).toBeNull();
    expect(cardBrand('6221260000000000')).toBe('discover');
    expect(cardBrand('6229260000000000')).toBe('unionpay');
  });
});

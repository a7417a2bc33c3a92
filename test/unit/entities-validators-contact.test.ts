import { describe, expect, it } from 'vitest';
import { validateDomain } from '../../extractors/entities/validators/domain.ts';
import { validateEmail } from '../../extractors/entities/validators/email.ts';
import { validateIp } from '../../extractors/entities/validators/ip.ts';
import { validatePhone } from '../../extractors/entities/validators/phone.ts';
import { validateTelegram } from '../../extractors/entities/validators/telegram.ts';
import { validateUrl } from '../../extractors/entities/validators/url.ts';

describe('email validator', () => {
  it.each([
    ['contact.vendeur@example.org', 'contact.vendeur@example.org'],
    ['Jean.Dupont+shop@Mail.Example.FR', 'jean.dupont+shop@mail.example.fr'],
    ['a_b-c%d@sub.domain.co.uk', 'a_b-c%d@sub.domain.co.uk'],
  ])('accepts %s', (raw, value) => {
    expect(validateEmail(raw)?.value).toBe(value);
  });

  it.each([
    ['.dot@example.com', 'leading dot'],
    ['a..b@example.com', 'double dot'],
    ['user@localhost', 'no TLD'],
    ['user@example.c', 'one-letter TLD'],
    ['icon@2x.png', 'file extension as TLD'],
    ['user@-example.com', 'label starting with a hyphen'],
    ['@example.com', 'empty local part'],
    [`${'a'.repeat(65)}@example.com`, 'local part over 64'],
  ])('refuses %s (%s)', (raw) => {
    expect(validateEmail(raw)).toBeNull();
  });
});

describe('phone validator', () => {
  it.each([
    ['+33 6 12 34 56 78', '+33612345678', 'FR'],
    ['06 12 34 56 78', '+33612345678', 'FR'],
    ['06.12.34.56.78', '+33612345678', 'FR'],
    ['0612345678', '+33612345678', 'FR'],
    ['+33 (0)6 12 34 56 78', '+33612345678', 'FR'],
    ['0033 6 12 34 56 78', '+33612345678', 'FR'],
    ['01 42 68 53 00', '+33142685300', 'FR'],
    ['+44 20 7946 0958', '+442079460958', 'GB'],
    ['+1 202 555 0143', '+12025550143', 'US'],
    ['+49 30 901820', '+4930901820', 'DE'],
  ])('accepts %s as %s', (raw, value, country) => {
    const found = validatePhone(raw);
    expect(found?.value).toBe(value);
    expect(found?.details?.country).toBe(country);
  });

  it.each([
    ['2024 12 31', 'a date'],
    ['06 12 34 56', 'too short'],
    ['+33 6 12 34 56 78 90', 'too long'],
    ['+1 (555) 123-4567', 'unallocated range'],
    ['00 00 00 00 00', 'all zeros'],
    ['hello', 'no digits'],
  ])('refuses %s (%s)', (raw) => {
    expect(validatePhone(raw)).toBeNull();
  });
});

describe('telegram validator', () => {
  it.each([
    ['@Vendeur_FR', 'vendeur_fr', 'handle'],
    ['vendeur_fr', 'vendeur_fr', 'handle'],
    ['t.me/Vendeur_FR', 'vendeur_fr', 'handle'],
    ['https://t.me/s/channel_name', 'channel_name', 'handle'],
    ['https://telegram.me/shop_bot?start=1', 'shop_bot', 'handle'],
    ['https://t.me/joinchat/AbCdEfGhIjK12', 'joinchat/AbCdEfGhIjK12', 'invite'],
    ['t.me/+AbCdEfGh_12', '+AbCdEfGh_12', 'invite'],
    ['+AbCdEfGh_12', '+AbCdEfGh_12', 'invite'],
  ])('accepts %s', (raw, value, kind) => {
    expect(validateTelegram(raw)).toEqual({ value, details: { kind } });
  });

  it.each([
    ['@abcd', 'four characters'],
    ['@1abcde', 'starts with a digit'],
    ['@abcde_', 'ends with an underscore'],
    [`@a${'b'.repeat(32)}`, 'over 32 characters'],
    ['t.me/share/url?url=x', 'a Telegram feature, not a user'],
    ['t.me/joinchat/ab', 'invite code too short'],
  ])('refuses %s (%s)', (raw) => {
    expect(validateTelegram(raw)).toBeNull();
  });
});

describe('url validator', () => {
  it.each([
    ['HTTPS://WWW.Example.COM/Path?Q=1#Frag', 'https://www.example.com/Path?Q=1#Frag', 'www.example.com'],
    ['http://example.com', 'http://example.com/', 'example.com'],
    ['www.exemple.fr/page', 'http://www.exemple.fr/page', 'www.exemple.fr'],
    ['http://user:pw@Example.com:8080/x', 'http://user:pw@example.com:8080/x', 'example.com'],
    ['http://192.168.1.10/admin', 'http://192.168.1.10/admin', '192.168.1.10'],
    ['http://[2001:DB8::1]:80/', 'http://[2001:db8::1]:80/', '2001:db8::1'],
    ['https://café.fr/menu', 'https://café.fr/menu', 'café.fr'],
  ])('accepts %s', (raw, value, host) => {
    expect(validateUrl(raw)).toEqual({ value, details: { host } });
  });

  it.each([
    ['ftp://example.com/', 'other scheme'],
    ['http://', 'no host'],
    ['http://localhost/', 'single-label host'],
    ['http://example.com:port/', 'bad port'],
    ['http://[zz::1]/', 'bad IPv6'],
    ['example.com', 'no scheme and no www'],
  ])('refuses %s (%s)', (raw) => {
    expect(validateUrl(raw)).toBeNull();
  });
});

describe('domain validator', () => {
  it.each([
    ['Example.COM', 'example.com'],
    ['www.example.co.uk', 'example.co.uk'],
    ['sub.example.fr.', 'sub.example.fr'],
    ['xn--caf-dma.fr', 'xn--caf-dma.fr'],
  ])('accepts %s', (raw, value) => {
    expect(validateDomain(raw)?.value).toBe(value);
  });

  it.each([
    ['localhost', 'single label'],
    ['-bad.com', 'leading hyphen'],
    ['bad-.com', 'trailing hyphen'],
    ['v1.2', 'numeric TLD'],
    ['a..com', 'empty label'],
    ['duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion', 'onion is its own type'],
    [`${'a'.repeat(64)}.com`, 'label over 63'],
  ])('refuses %s (%s)', (raw) => {
    expect(validateDomain(raw)).toBeNull();
  });
});

describe('ip validator', () => {
  it.each([
    ['192.168.1.10', '192.168.1.10', '4'],
    ['0.0.0.0', '0.0.0.0', '4'],
    ['255.255.255.255', '255.255.255.255', '4'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1', '6'],
    ['[fe80::1]', 'fe80::1', '6'],
    ['::1', '::1', '6'],
  ])('accepts %s', (raw, value, version) => {
    expect(validateIp(raw)).toEqual({ value, details: { version } });
  });

  it.each([
    ['256.1.1.1', 'octet over 255'],
    ['192.168.01.1', 'leading zero'],
    ['1.2.3', 'three octets'],
    ['1.2.3.4.5', 'five octets'],
    ['12:30:45', 'a time'],
    ['fe80::1%eth0', 'zone id'],
    ['2001:db8::g', 'not hex'],
  ])('refuses %s (%s)', (raw) => {
    expect(validateIp(raw)).toBeNull();
  });
});

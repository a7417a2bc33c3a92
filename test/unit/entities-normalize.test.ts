import { describe, expect, it } from 'vitest';
import { extractEntities, normalizeEntityValue } from '../../extractors/entities/index.ts';
import type { EntityType } from '../../extractors/types.ts';

describe('normalizeEntityValue: one canonical value for every way of writing it', () => {
  it.each<[EntityType, string[], string]>([
    ['phone', ['+33 6 12 34 56 78', '0612345678', '06.12.34.56.78', '06 12 34 56 78', '+33 (0)6 12 34 56 78', '0033612345678', '+33612345678'], '+33612345678'],
    ['phone', ['+44 20 7946 0958', '+442079460958', '0044 20 7946 0958'], '+442079460958'],
    ['iban', ['FR76 3000 6000 0112 3456 7890 189', 'fr7630006000011234567890189'], 'FR7630006000011234567890189'],
    ['card', ['4111 1111 1111 1111', '4111-1111-1111-1111', '4111111111111111'], '4111111111111111'],
    ['btc', ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'], 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'],
    ['eth', ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed', '0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED'], '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'],
    ['onion', ['DUCKDUCKGOGG42XJOC72X3SJASOWOARFBGCMVFIMAFTT6TWAGSWZCZAD.onion', 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion'], 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion'],
    ['telegram', ['@Vendeur_FR', 'vendeur_fr', 't.me/Vendeur_FR', 'https://t.me/vendeur_fr', 'https://telegram.me/VENDEUR_FR'], 'vendeur_fr'],
    ['email', ['Admin@Example.COM', ' admin@example.com '], 'admin@example.com'],
    ['domain', ['WWW.Example.com', 'example.com.', 'example.com'], 'example.com'],
    ['url', ['HTTPS://Example.com', 'https://example.com/'], 'https://example.com/'],
    ['ip', ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1', '[2001:db8::1]'], '2001:db8::1'],
  ])('%s', (type, inputs, canonical) => {
    for (const raw of inputs) expect(normalizeEntityValue(type, raw)).toBe(canonical);
  });

  it.each<[EntityType, string]>([
    ['phone', '12'],
    ['iban', 'FR7630006000011234567890188'],
    ['card', '4111111111111112'],
    ['btc', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3'],
    ['eth', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD'],
    ['xmr', '4notanaddress'],
    ['onion', 'example.onion'],
    ['telegram', '@ab'],
    ['email', 'not an email'],
    ['domain', 'localhost'],
    ['url', 'javascript:alert(1)'],
    ['ip', '300.1.1.1'],
  ])('%s: invalid input gives null', (type, raw) => {
    expect(normalizeEntityValue(type, raw)).toBeNull();
  });

  it('refuses absurdly long input instead of working on it', () => {
    expect(normalizeEntityValue('domain', `${'a.'.repeat(5000)}com`)).toBeNull();
  });
});

describe('extracted values are what normalizeEntityValue gives for the surface text', () => {
  it('holds for every entity of a rich text', () => {
    const text =
      'IBAN FR76 3000 6000 0112 3456 7890 189, carte 4111 1111 1111 1111, Tél. +33 (0)6 12 34 56 78 ou 07.81.23.45.67, ' +
      'BTC BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4 et 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy, ETH 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed, ' +
      'XMR 42z3MVZMRgE72dPA89MtCD6tYeWke8cV2B3YPYg1pe5x9X7VVqee6MWhjPrjCMiUFwejWkh8KL6MpN8cwX7B5WuZAxw2YbQ, ' +
      'mail Vente@Exemple.FR, Telegram @Plug_Paris ou https://t.me/+AbCdEfGh12, site www.Exemple.fr/Page et ' +
      'http://[2001:db8::1]:8080/x, miroir http://DuckDuckGoGG42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion/, ' +
      'serveur 10.0.0.1, voir aussi Example.ORG.';
    const entities = extractEntities(text);
    expect(new Set(entities.map((e) => e.type))).toEqual(
      new Set(['iban', 'card', 'phone', 'btc', 'eth', 'xmr', 'email', 'telegram', 'url', 'domain', 'ip', 'onion']),
    );
    for (const e of entities) expect([e.type, normalizeEntityValue(e.type, text.slice(e.start, e.end))]).toEqual([e.type, e.value]);
  });
});

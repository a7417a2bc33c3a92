import { describe, expect, it } from 'vitest';
import { extractEntities } from '../../extractors/entities/index.ts';
import type { EntityType } from '../../extractors/types.ts';

/** [type, surface text, value] of every entity, in order. */
function found(text: string): Array<[EntityType, string, string]> {
  return extractEntities(text).map((e) => [e.type, text.slice(e.start, e.end), e.value]);
}

function ofType(text: string, type: EntityType): Array<[string, string]> {
  return found(text)
    .filter(([t]) => t === type)
    .map(([, surface, value]) => [surface, value]);
}

describe('extractEntities: offsets and order', () => {
  it('returns exact offsets, sorted by start', () => {
    const text = 'Écrivez à admin@example.com ou au 06 12 34 56 78.';
    expect(extractEntities(text)).toEqual([
      { type: 'email', value: 'admin@example.com', start: 10, end: 27 },
      { type: 'phone', value: '+33612345678', start: 34, end: 48, details: { country: 'FR', kind: 'mobile' } },
    ]);
  });

  it('counts offsets in UTF-16 code units (emoji before the entity)', () => {
    const text = '🔥🔥 promo: contact@shop.fr';
    const [email] = extractEntities(text);
    expect(email).toMatchObject({ type: 'email', start: 12, end: 27 });
    expect(text.slice(email!.start, email!.end)).toBe('contact@shop.fr');
  });

  it('returns nothing for plain prose', () => {
    expect(extractEntities("Bonjour à tous, je cherche un bon film à voir ce week-end. Merci d'avance !")).toEqual([]);
    expect(extractEntities('')).toEqual([]);
  });
});

describe('email', () => {
  it('finds addresses and trims sentence punctuation', () => {
    expect(ofType('Écrivez à Jean.Dupont@Example.fr. Merci', 'email')).toEqual([['Jean.Dupont@Example.fr', 'jean.dupont@example.fr']]);
    expect(ofType('(mail: a.b+c@sub.example.co.uk)', 'email')).toEqual([['a.b+c@sub.example.co.uk', 'a.b+c@sub.example.co.uk']]);
  });

  it('stops at a known TLD when the next sentence is glued on', () => {
    expect(ofType('Contact: vente@example.com.Merci de répondre', 'email')).toEqual([['vente@example.com', 'vente@example.com']]);
  });

  it('does not report the domain of an e-mail separately', () => {
    expect(found('admin@example.com')).toEqual([['email', 'admin@example.com', 'admin@example.com']]);
  });

  it.each(['icon@2x.png', 'user@localhost', 'a@b', 'rendez-vous @ 14h', '@@@', 'x@-bad.com'])('ignores %s', (text) => {
    expect(ofType(text, 'email')).toEqual([]);
  });
});

describe('phone', () => {
  it.each([
    ['Tél. 06 12 34 56 78.', '06 12 34 56 78', '+33612345678'],
    ['Tél: 06.12.34.56.78', '06.12.34.56.78', '+33612345678'],
    ['appelez le 06-12-34-56-78 svp', '06-12-34-56-78', '+33612345678'],
    ['tel:0612345678', '0612345678', '+33612345678'],
    ['Standard : 01 42 68 53 00', '01 42 68 53 00', '+33142685300'],
    ['Tél. +33 6 12 34 56 78', '+33 6 12 34 56 78', '+33612345678'],
    ['Tél. +33 (0)6 12 34 56 78', '+33 (0)6 12 34 56 78', '+33612345678'],
    ['Tél. +33612345678', '+33612345678', '+33612345678'],
    ['Tél. 0033 6 12 34 56 78', '0033 6 12 34 56 78', '+33612345678'],
    ['London office +44 20 7946 0958.', '+44 20 7946 0958', '+442079460958'],
    ['Call +1 202-555-0143 now', '+1 202-555-0143', '+12025550143'],
    ['Tél. 06\u00a012\u00a034\u00a056\u00a078', '06\u00a012\u00a034\u00a056\u00a078', '+33612345678'],
  ])('finds %j', (text, surface, value) => {
    expect(ofType(text, 'phone')).toEqual([[surface, value]]);
  });

  it('takes the phone out of a longer international run without the trailing numbers', () => {
    expect(ofType('+33 6 12 34 56 78 12 fois', 'phone')).toEqual([['+33 6 12 34 56 78', '+33612345678']]);
  });

  it('keeps "Tél.0612345678" (a word, not a number, before the dot)', () => {
    expect(ofType('Tél.0612345678', 'phone')).toEqual([['0612345678', '+33612345678']]);
  });

  it.each([
    ['a date', 'le 12/03/2024 à 14h30'],
    ['an ISO date', 'publié le 2024-03-12'],
    ['a price', 'prix 1 234 567,89 €'],
    ['an order number', 'commande n° 2024-000123'],
    ['years', 'entre 2023 et 2024'],
    ['a run of two-digit numbers', 'tirage : 01 02 03 04 05 06 07'],
    ['a national number glued to letters', 'ref06 12 34 56 78x'],
    ['national digits without the trunk 0', '6 12 34 56 78'],
    ['a foreign national number (no + and not French)', '020 7946 0958'],
    ['a 9-digit number', 'code 061234567'],
    ['a time', '12:30:45'],
    ['a DOI', 'doi: 10.1073/pnas.0801507105'],
    ['an announced order number', 'Commande n° 0123456789 expédiée'],
    ['an announced reference', 'Réf. dossier : 0612345678'],
    ['the fraction of a decimal', 'ratio 1.0612345678'],
  ])('ignores %s', (_why, text) => {
    expect(ofType(text, 'phone')).toEqual([]);
  });
});

describe('iban', () => {
  it('finds compact and spaced IBANs with their country', () => {
    const text = 'IBAN : FR7630006000011234567890189. Ou FR76 3000 6000 0112 3456 7890 189 pour le reste.';
    expect(extractEntities(text)).toEqual([
      { type: 'iban', value: 'FR7630006000011234567890189', start: 7, end: 34, details: { country: 'FR' } },
      { type: 'iban', value: 'FR7630006000011234567890189', start: 39, end: 72, details: { country: 'FR' } },
    ]);
  });

  it('reports no card or phone inside an IBAN', () => {
    expect(found('DE89 3704 0044 0532 0130 00 et GB82 WEST 1234 5698 7654 32').map(([t]) => t)).toEqual(['iban', 'iban']);
  });

  it.each([
    ['mod-97 broken', 'IBAN FR7630006000011234567890188'],
    ['one digit too many', 'IBAN FR76300060000112345678901890'],
    ['spaced with a digit too many', 'IBAN FR76 3000 6000 0112 3456 7890 1891'],
    ['inside a word', 'XFR7630006000011234567890189'],
  ])('ignores %s', (_why, text) => {
    expect(found(text)).toEqual([]);
  });
});

describe('card', () => {
  it.each([
    ['carte 4111111111111111 exp 12/26', '4111111111111111', 'visa'],
    ['carte 4111 1111 1111 1111 exp 12/26', '4111 1111 1111 1111', 'visa'],
    ['cc: 5555-5555-5555-4444', '5555-5555-5555-4444', 'mastercard'],
    ['amex 3782 822463 10005', '3782 822463 10005', 'amex'],
    ['card 4111 1111 1111 1111 123', '4111 1111 1111 1111', 'visa'],
  ])('finds %j', (text, surface, brand) => {
    const cards = extractEntities(text).filter((e) => e.type === 'card');
    expect(cards.map((e) => [text.slice(e.start, e.end), e.details?.brand])).toEqual([[surface, brand]]);
  });

  it.each([
    ['Luhn broken', 'carte 4111111111111112'],
    ['unknown brand', 'numéro 9111111111111119'],
    ['inside a longer digit run', 'id 94111111111111111 et 41111111111111119999'],
    ['inside a run of equal groups', 'série 4111 1111 1111 1111 1111'],
    ['glued to letters', 'ref4111111111111111'],
    ['slash-separated', '4111/1111/1111/1111'],
    ['the fraction of a decimal', 'valeur 1.2511263318488451 │ 7.41'],
    ['the integer part of a decimal', 'valeur 4111111111111111.5'],
  ])('ignores %s', (_why, text) => {
    expect(ofType(text, 'card')).toEqual([]);
  });
});

describe('crypto addresses', () => {
  it('finds btc, eth and xmr addresses with canonical values', () => {
    const xmr = '42z3MVZMRgE72dPA89MtCD6tYeWke8cV2B3YPYg1pe5x9X7VVqee6MWhjPrjCMiUFwejWkh8KL6MpN8cwX7B5WuZAxw2YbQ';
    const text =
      `BTC: 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2, segwit BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4; ` +
      `ETH 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed. XMR: ${xmr}.`;
    expect(found(text)).toEqual([
      ['btc', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'],
      ['btc', 'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'],
      ['eth', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'],
      ['xmr', xmr, xmr],
    ]);
    const eth = extractEntities(text)[2]!;
    expect(eth.start).toBe(text.indexOf('0x5a'));
  });

  it.each([
    ['broken base58 checksum', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3'],
    ['glued to a word', 'x1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'],
    ['broken EIP-55 case', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD'],
    ['hex of the wrong length', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedAA'],
    ['broken bech32', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5'],
  ])('ignores %s', (_why, text) => {
    expect(found(text)).toEqual([]);
  });
});

describe('onion', () => {
  const onion = 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion';

  it('finds a bare v3 address', () => {
    const text = `Miroir : ${onion}, à jour.`;
    expect(extractEntities(text)).toEqual([{ type: 'onion', value: onion, start: 9, end: 9 + onion.length, details: { version: '3' } }]);
  });

  it('finds the address inside a URL, nested in the url entity', () => {
    const text = `Miroir: http://${onion}/forum?id=3`;
    expect(found(text)).toEqual([
      ['url', `http://${onion}/forum?id=3`, `http://${onion}/forum?id=3`],
      ['onion', onion, onion],
    ]);
  });

  it('reports v2 addresses with details.version 2', () => {
    expect(extractEntities('ancien: expyuzz4wqqyqhjn.onion')).toMatchObject([{ type: 'onion', details: { version: '2' } }]);
  });

  it('ignores a v3-shaped address with a bad checksum, and does not call it a domain', () => {
    expect(found('duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczae.onion')).toEqual([]);
  });
});

describe('telegram', () => {
  it('finds t.me links as one telegram entity (no url)', () => {
    const text = 'Rejoins https://t.me/Vendeur_Officiel ou t.me/joinchat/AbCdEfGhIjK12, et t.me/+XyZ_invite99.';
    expect(found(text)).toEqual([
      ['telegram', 'https://t.me/Vendeur_Officiel', 'vendeur_officiel'],
      ['telegram', 't.me/joinchat/AbCdEfGhIjK12', 'joinchat/AbCdEfGhIjK12'],
      ['telegram', 't.me/+XyZ_invite99', '+XyZ_invite99'],
    ]);
  });

  it('finds @handles near a Telegram cue, before or after', () => {
    expect(ofType('Contact Telegram : @Vendeur_FR ou @backup_shop', 'telegram')).toEqual([
      ['@Vendeur_FR', 'vendeur_fr'],
      ['@backup_shop', 'backup_shop'],
    ]);
    expect(ofType('écris à @dealer_paris sur télégramme', 'telegram')).toEqual([['@dealer_paris', 'dealer_paris']]);
    expect(ofType('tg: @plug_75', 'telegram')).toEqual([['@plug_75', 'plug_75']]);
  });

  it('ignores @mentions without a cue, and e-mail domains', () => {
    expect(ofType('Merci @jean_dupont pour ta réponse', 'telegram')).toEqual([]);
    expect(ofType('Telegram ou mail: contact@shopping.fr', 'telegram')).toEqual([]);
    expect(ofType('Telegram: @abc (trop court)', 'telegram')).toEqual([]);
    expect(ofType('telegram @example.com', 'telegram')).toEqual([]);
  });

  it('ignores a cue too far away', () => {
    expect(ofType(`Telegram. ${'blabla '.repeat(20)} @loin_du_mot`, 'telegram')).toEqual([]);
  });
});

describe('url', () => {
  it('trims trailing punctuation and unbalanced brackets, keeps balanced ones', () => {
    expect(ofType('(voir https://exemple.fr/a?b=1).', 'url')).toEqual([['https://exemple.fr/a?b=1', 'https://exemple.fr/a?b=1']]);
    expect(ofType('Lien: https://fr.wikipedia.org/wiki/Paris_(France), ok', 'url')).toEqual([
      ['https://fr.wikipedia.org/wiki/Paris_(France)', 'https://fr.wikipedia.org/wiki/Paris_(France)'],
    ]);
    expect(ofType('«https://exemple.fr/page»', 'url')).toEqual([['https://exemple.fr/page', 'https://exemple.fr/page']]);
  });

  it('reads bare www. names as http URLs and lowercases scheme and host only', () => {
    expect(ofType('Site: www.Exemple.FR/Page.', 'url')).toEqual([['www.Exemple.FR/Page', 'http://www.exemple.fr/Page']]);
    expect(ofType('HTTPS://Shop.Example.COM/Cart?ID=AbC', 'url')).toEqual([
      ['HTTPS://Shop.Example.COM/Cart?ID=AbC', 'https://shop.example.com/Cart?ID=AbC'],
    ]);
  });

  it('nests the host as a domain (www. dropped) or an ip', () => {
    const text = 'voir https://www.example.com/x et http://192.168.1.10:8080/admin';
    expect(found(text)).toEqual([
      ['url', 'https://www.example.com/x', 'https://www.example.com/x'],
      ['domain', 'www.example.com', 'example.com'],
      ['url', 'http://192.168.1.10:8080/admin', 'http://192.168.1.10:8080/admin'],
      ['ip', '192.168.1.10', '192.168.1.10'],
    ]);
  });

  it('keeps crypto addresses in the path but not digits, and drops other domains in the query', () => {
    const text = 'https://explorer.example.com/address/1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2?ref=0612345678&next=other.com';
    expect(found(text).map(([type, surface]) => [type, surface])).toEqual([
      ['url', text],
      ['domain', 'explorer.example.com'],
      ['btc', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'],
    ]);
  });

  it.each([
    ['no host', 'http:// rien'],
    ['www. without a known TLD', 'www.blabla'],
    ['other schemes', 'ftp://files.example.com'],
  ])('ignores %s', (_why, text) => {
    expect(ofType(text, 'url')).toEqual([]);
  });
});

describe('domain', () => {
  it('finds bare domains, canonical lowercase', () => {
    expect(ofType('Allez sur exemple.fr ou Example.COM, ou encore shop.example.co.uk.', 'domain')).toEqual([
      ['exemple.fr', 'exemple.fr'],
      ['Example.COM', 'example.com'],
      ['shop.example.co.uk', 'shop.example.co.uk'],
    ]);
  });

  it.each([
    ['file names', 'voir photo.jpg, index.html et archive.zip'],
    ['version numbers', 'version v1.2 et 2.4.1'],
    ['file-like country codes with two labels', 'lance script.py puis README.md et install.sh'],
    ['a missing space after a full stop', "C'est fini.Merci à tous"],
    ['abbreviations', 'p.ex. etc. M.Dupont'],
    ['property names in quoted code', 'return this.name + user.email; el.style = row.id;'],
  ])('ignores %s', (_why, text) => {
    expect(ofType(text, 'domain')).toEqual([]);
  });

  it('accepts an ambiguous TLD with three labels', () => {
    expect(ofType('voir www2.site.md et tokopedia.co.id', 'domain')).toEqual([
      ['www2.site.md', 'www2.site.md'],
      ['tokopedia.co.id', 'tokopedia.co.id'],
    ]);
  });
});

describe('ip', () => {
  it('finds IPv4 and IPv6 addresses', () => {
    const text = 'serveurs 192.168.1.10, 8.8.8.8 et 2001:db8::1 ou [fe80::1].';
    expect(ofType(text, 'ip')).toEqual([
      ['192.168.1.10', '192.168.1.10'],
      ['8.8.8.8', '8.8.8.8'],
      ['2001:db8::1', '2001:db8::1'],
      ['fe80::1', 'fe80::1'],
    ]);
  });

  it('reads an IPv4-mapped IPv6 address as one entity', () => {
    expect(ofType('from ::ffff:192.0.2.1 today', 'ip')).toEqual([['::ffff:192.0.2.1', '::ffff:c000:201']]);
  });

  it.each([
    ['a longer dotted run', 'oid 1.2.3.4.5'],
    ['a version', 'release v1.2.3.4'],
    ['octets over 255', '999.1.1.1'],
    ['three parts', 'version 1.2.3'],
    ['times', 'à 12:30:45'],
    ['C++ scopes', 'std::vector et Abc::Def'],
    ['MAC addresses', '00:1a:2b:3c:4d:5e'],
  ])('ignores %s', (_why, text) => {
    expect(ofType(text, 'ip')).toEqual([]);
  });
});

describe('a mixed French forum post', () => {
  it('finds every entity with the right type and nothing else', () => {
    const post =
      "Salut à tous ! Je vends des articles, paiement par virement sur FR76 3000 6000 0112 3456 7890 189 ou en BTC " +
      '(bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq). Livraison en 48h, 25,50 € le colis, le 12/03/2024. ' +
      'Pour me joindre : 07 81 23 45 67 ou vendeur.pro@exemple.fr, sinon sur Telegram @vendeur_pro75. ' +
      'Catalogue : https://www.exemple-shop.fr/catalogue?page=2 (miroir duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion). ' +
      'Version 2.4.1 du site, merci @modo pour la modération.';
    expect(found(post).map(([type, surface]) => [type, surface])).toEqual([
      ['iban', 'FR76 3000 6000 0112 3456 7890 189'],
      ['btc', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'],
      ['phone', '07 81 23 45 67'],
      ['email', 'vendeur.pro@exemple.fr'],
      ['telegram', '@vendeur_pro75'],
      ['url', 'https://www.exemple-shop.fr/catalogue?page=2'],
      ['domain', 'www.exemple-shop.fr'],
      ['onion', 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion'],
    ]);
  });
});

// The entities planted by the shared forum generator (shared/fixtures/make-site.mjs), written the
// way it writes them, must all be found with the right type; its filler prose and planted posts
// must yield nothing else. The generator's values are copied here, not read from the file.
import { describe, expect, it } from 'vitest';
import { extractEntities } from '../../extractors/entities/index.ts';
import type { EntityType } from '../../extractors/types.ts';

const IBANS = ['FR7630006000011234567890189', 'DE89370400440532013000', 'GB82WEST12345698765432', 'BE71096123456769'];
const BTC = ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'];
const ETH = ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359'];
const CARDS = ['4111111111111111', '5555555555554444', '378282246310005'];
const PHONES = ['+33 6 12 34 56 78', '06 98 76 54 32', '+44 20 7946 0958'];
const EMAILS = ['contact.vendeur@example.org', 'support-paiement@example.net', 'admin@example.com'];
const ONIONS = ['duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion'];

const PLANTED_POSTS = [
  'Vente de méphédrone et de cocaïne, livraison discrète en 24h, paiement en bitcoin uniquement.',
  'Selling MDMA pills and ketamine, stealth shipping worldwide, escrow accepted.',
  'Dumps track1/track2 avec PIN, CC fraîches validées, fullz disponibles, cashout garanti.',
  'Fresh CVV shop, fullz with SSN, high balance dumps, cashout service.',
  'Gagnez 5000 euros par semaine depuis chez vous, investissement garanti sans risque, envoyez votre virement maintenant.',
  'Your account has been suspended, verify your identity now by entering your card details to avoid closure.',
  'Base de données clients fuitée : 2 millions de comptes email:motdepasse, combo list à vendre.',
  'Database leak: 500k email:password combos, fresh dump from the breach, download link below.',
];

const WORDS = (
  'le la les un une des du de et à en pour sur avec dans par au aux ce cette ces il elle ils nous vous on est sont ' +
  'forum message réponse sujet membre vendeur acheteur livraison colis prix euros paiement virement compte service client ' +
  'discussion question aide merci bonjour salut voiture maison travail vacances musique film match équipe ville quartier ' +
  'the a of and to in for on with this that is are post reply thread member seller buyer shipping price payment account'
).split(' ');

/** Filler prose in the generator's style (same word list, same kind of LCG). */
function filler(seed: number, sentences: number): string {
  let s = seed;
  const rnd = (): number => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) {
    const words = Array.from({ length: 8 + Math.floor(rnd() * 12) }, () => WORDS[Math.floor(rnd() * WORDS.length)] as string);
    words[0] = words[0]!.charAt(0).toUpperCase() + words[0]!.slice(1);
    out.push(`${words.join(' ')}.`);
  }
  return out.join(' ');
}

function typesAndSurfaces(text: string): Array<[EntityType, string]> {
  return extractEntities(text).map((e) => [e.type, text.slice(e.start, e.end)]);
}

describe('make-site planted entities', () => {
  const lines: Array<[string, EntityType, string]> = [
    ...IBANS.map((e): [string, EntityType, string] => [` IBAN : ${e}.`, 'iban', e]),
    ...BTC.map((e): [string, EntityType, string] => [` BTC: ${e}`, 'btc', e]),
    ...ETH.map((e): [string, EntityType, string] => [` ETH ${e}`, 'eth', e]),
    ...CARDS.map((e): [string, EntityType, string] => [` carte ${e}`, 'card', e]),
    ...PHONES.map((e): [string, EntityType, string] => [` Tél. ${e}`, 'phone', e]),
    ...EMAILS.map((e): [string, EntityType, string] => [` Contact: ${e}`, 'email', e]),
  ];

  it.each(lines)('finds %j', (line, type, surface) => {
    const text = filler(3, 4) + line;
    expect(typesAndSurfaces(text)).toEqual([[type, surface]]);
  });

  it('finds the onion mirror link (url with the onion nested)', () => {
    const onion = ONIONS[0]!;
    const text = `${filler(5, 3)} Miroir: http://${onion}/`;
    expect(typesAndSurfaces(text)).toEqual([
      ['url', `http://${onion}/`],
      ['onion', onion],
    ]);
  });

  it('finds everything in a post that carries all of them, in order', () => {
    const parts = [
      filler(11, 2),
      ` IBAN : ${IBANS[2]}.`,
      ` BTC: ${BTC[2]}`,
      ` ETH ${ETH[1]}`,
      ` carte ${CARDS[2]}`,
      ` Tél. ${PHONES[1]}`,
      ` Tél. ${PHONES[2]}`,
      ` Contact: ${EMAILS[1]}`,
      ` Miroir: http://${ONIONS[0]}/`,
    ];
    const types = extractEntities(parts.join('')).map((e) => e.type);
    expect(types).toEqual(['iban', 'btc', 'eth', 'card', 'phone', 'phone', 'email', 'url', 'onion']);
  });

  it('values are canonical (E.164 phones, lowercase bech32 and eth)', () => {
    const values = extractEntities(` Tél. ${PHONES[0]} Tél. ${PHONES[1]} ETH ${ETH[0]}`).map((e) => e.value);
    expect(values).toEqual(['+33612345678', '+33698765432', ETH[0]!.toLowerCase()]);
  });
});

describe('make-site filler and planted posts', () => {
  it('yield no entity at all', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const text = `${filler(seed, 30)} ${PLANTED_POSTS[seed % PLANTED_POSTS.length]} Sujet ${seed} : ${filler(seed + 100, 1)}`;
      expect(extractEntities(text)).toEqual([]);
    }
  });

  it('yield no phone, card or IBAN from dates, member numbers and section numbers', () => {
    const text = 'membre123 membre42 2026-03-14 2026-09-18 Section 12 Section 59 Sujet 4999 : merci.';
    const types = extractEntities(text).map((e) => e.type);
    expect(types.filter((t) => t === 'phone' || t === 'card' || t === 'iban')).toEqual([]);
  });
});

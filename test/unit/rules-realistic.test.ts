// Realistic posts written for this test (not from any corpus or fixture), each with the one
// category it must raise at the default "medium" alert threshold, or none at all. Guards the
// shipped lexicons against both misses and false alarms on everyday look-alikes.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_DIR, SENSITIVITY_THRESHOLDS } from '../../config/index.ts';
import { analyzeText } from '../../extractors/analyze.ts';
import { loadRuleSet } from '../../extractors/rules/index.ts';

const rules = loadRuleSet(DEFAULT_RULES_DIR);
const threshold = SENSITIVITY_THRESHOLDS.medium;

const cases: Array<[expected: string | null, text: string]> = [
  ['drugs', 'Salut, je vends de la beuh et du shit de qualité, livraison en main propre sur Paris ou envoi discret par la poste, paiement en crypto.'],
  ['drugs', 'Got that loud pack, exotic zaza and carts, DM me for the menu. Shipping nationwide, cash app or BTC only.'],
  ['hacking', 'Selling access to corporate networks (RDP, VPN) with domain admin, plus our ransomware-as-a-service affiliate program, 80/20 split, DM for the builder.'],
  ['fraud', 'Cher client, votre compte a été suspendu suite à une activité inhabituelle. Veuillez confirmer vos informations bancaires en cliquant sur le lien ci-dessous sous 24h.'],
  ['weapons', 'Vends Glock 17 sans numéro de série, chargeurs et munitions 9mm inclus, pas de permis nécessaire, remise en main propre.'],
  ['counterfeit', 'Faux billets de 50 euros indétectables, qualité premium, passent au stylo détecteur et aux UV. Livraison discrète.'],
  ['data-leak', 'New breach just dropped: 3.2M users from a French retailer, full SQL dump with emails, hashed passwords and phone numbers. Sample in the thread, full DB for 0.05 BTC.'],
  ['carding', 'Selling fresh CC with CVV, US/EU bins, 90% valid rate, also fullz and bank logs. Replacement if dead within 1 hour.'],
  ['terrorism', 'Gloire aux frères qui ont frappé hier, ils ont vengé la communauté. Que chaque mécréant tremble, rejoignez les rangs des moudjahidines.'],
  ['human-trafficking', "Nouvelles filles de l'Est disponibles 24h/24, très jeunes, passeport gardé par le manager, elles doivent rembourser leur voyage. Tarifs sur demande."],
  [null, 'La police a saisi 200 kg de cocaïne au port du Havre. Trois trafiquants présumés ont été interpellés mardi et placés en garde à vue, a annoncé le parquet.'],
  [null, 'Pour la pâte, mélangez la farine, le sucre et une pincée de sel. Ajoutez le beurre fondu puis laissez reposer une heure au frais.'],
  [null, 'Our security team patched the vulnerability within 24 hours. We recommend all users reset their password and enable two-factor authentication on their account.'],
  [null, 'Ransomware groups increasingly rely on initial access brokers. In this report we analyse how defenders can detect RDP brute forcing and respond to incidents.'],
  [null, "L'attentat a fait douze morts. Le président a condamné une attaque terroriste abjecte et rendu hommage aux victimes."],
  [null, 'Le tramadol est un antalgique opioïde délivré uniquement sur ordonnance. Parlez-en à votre médecin ou à votre pharmacien.'],
  [null, 'This killer deal on laptops ends tonight! Shoot us a message and we will ship your order today.'],
  [null, 'Calling refugees vermin is dehumanising language and we must challenge it whenever we hear it.'],
  [null, 'I killed the boss with my sniper rifle and got a headshot, then we bought new ammo in the shop. Best game ever.'],
  [null, 'Le PSG a battu Marseille 3-1 hier soir au Parc des Princes. Mbappé a inscrit un doublé et les supporters ont chanté.'],
];

describe('shipped lexicons on realistic posts', () => {
  it.each(cases)('%s: %s', (expected, text) => {
    const alerting = analyzeText(text, rules).flags.filter((f) => f.score >= threshold).map((f) => f.category);
    expect(alerting).toEqual(expected ? [expected] : []);
  });
});

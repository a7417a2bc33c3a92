import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { editDistance, findLookalikes, loadBrandList, officialBrandOf, readLabel, splitHost } from '../../extractors/phishing/index.ts';

const brands = loadBrandList(fileURLToPath(new URL('../../config/brands.yaml', import.meta.url)));
const best = (host: string) => findLookalikes(host, brands)[0];

describe('splitHost: registrable domains without the full public suffix list', () => {
  it('splits single- and multi-label suffixes, hosting platforms and IDNs', () => {
    expect(splitHost('www.impots.gouv.fr')).toMatchObject({ suffix: 'gouv.fr', registrable: 'impots.gouv.fr', name: 'impots', subdomains: ['www'] });
    expect(splitHost('login.paypal.co.uk')).toMatchObject({ suffix: 'co.uk', registrable: 'paypal.co.uk', subdomains: ['login'] });
    expect(splitHost('paypal-login.github.io')).toMatchObject({ suffix: 'github.io', registrable: 'paypal-login.github.io', name: 'paypal-login' });
    expect(splitHost('a.b.example.com.')).toMatchObject({ registrable: 'example.com', subdomains: ['a', 'b'] });
    expect(splitHost('pаypal.com')).toMatchObject({ host: 'xn--pypal-4ve.com', unicodeHost: 'pаypal.com' });
  });

  it('refuses IP addresses, bare labels and junk', () => {
    for (const junk of ['127.0.0.1', '[::1]', 'localhost', '', '.', 'a..b', 'x'.repeat(300)]) expect(splitHost(junk)).toBeNull();
  });
});

describe('editDistance (optimal string alignment)', () => {
  it('counts insertions, deletions, substitutions and adjacent transpositions', () => {
    expect(editDistance('paypal', 'paypal')).toBe(0);
    expect(editDistance('paypal', 'paypall')).toBe(1);
    expect(editDistance('paypal', 'payapl')).toBe(1);
    expect(editDistance('amazon', 'amazom')).toBe(1);
    expect(editDistance('chronopost', 'chronpost')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('stops early past the bound', () => {
    expect(editDistance('paypal', 'completelydifferent', 2)).toBe(3);
    expect(editDistance('abcdef', 'ghijkl', 1)).toBe(2);
  });
});

describe('readLabel: skeletons of look-alike labels', () => {
  it('maps Cyrillic and Greek lookalikes, punycode and ASCII look-alike sequences to one skeleton', () => {
    const paypal = readLabel('paypal').skeleton;
    expect(readLabel('pаypal').skeleton).toBe(paypal); // Cyrillic а
    expect(readLabel('xn--pypal-4ve').skeleton).toBe(paypal);
    expect(readLabel('paypa1').skeleton).toBe(paypal);
    expect(readLabel('paypaI').skeleton).toBe(paypal);
    expect(readLabel('rnicrosoft').skeleton).toBe(readLabel('microsoft').skeleton);
    expect(readLabel('vvhatsapp').skeleton).toBe(readLabel('whatsapp').skeleton);
    expect(readLabel('g00gle').skeleton).toBe(readLabel('google').skeleton);
    expect(readLabel('xn--pypal-4ve').nonAscii).toBe(true);
  });
});

describe('findLookalikes', () => {
  it.each([
    ['paypal-secure-login.com', 'paypal', 'embedded'],
    ['ameli-remboursement.fr', 'ameli', 'embedded'],
    ['bnpparibas.verification-client.net', 'bnp-paribas', 'brand-subdomain'],
    ['paypal.com.secure-update.xyz', 'paypal', 'brand-subdomain'],
    ['paypal.co', 'paypal', 'tld-swap'],
    ['ameli.com', 'ameli', 'tld-swap'],
    ['impots.fr', 'impots-gouv', 'tld-swap'],
    ['netflix.xyz', 'netflix', 'tld-swap'],
    ['xn--pypal-4ve.com', 'paypal', 'idn-homograph'],
    ['аmazon.fr', 'amazon', 'idn-homograph'],
    ['paypa1.com', 'paypal', 'homograph'],
    ['rnicrosoft.com', 'microsoft', 'homograph'],
    ['faceb00k.com', 'facebook', 'homograph'],
    ['lnstagram.com', 'instagram', 'homograph'],
    ['vvhatsapp.com', 'whatsapp', 'homograph'],
    ['pay-pal.com', 'paypal', 'embedded'],
    ['paypall.com', 'paypal', 'typo'],
    ['amazom.fr', 'amazon', 'typo'],
    ['chronopots.fr', 'chronopost', 'typo'],
    ['credit-agricole-securite.com', 'credit-agricole', 'embedded'],
    ['creditagricolesecure.com', 'credit-agricole', 'embedded'],
    ['labanquepostale-verif.info', 'la-banque-postale', 'embedded'],
    ['orange-facture.com', 'orange', 'embedded'],
    ['ups-delivery.net', 'ups', 'embedded'],
    ['dhl-suivi-colis.com', 'dhl', 'embedded'],
    ['chronopost-reexpedition.com', 'chronopost', 'embedded'],
    ['laposte-colis.fr', 'la-poste', 'embedded'],
    ['antai-amende.com', 'antai', 'embedded'],
    ['impots-gouv-remboursement.fr', 'impots-gouv', 'embedded'],
    ['paypal-login.github.io', 'paypal', 'embedded'],
    ['secure.ameli.remboursement-assure.com', 'ameli', 'brand-subdomain'],
    ['netflix-billing-update.com', 'netflix', 'embedded'],
    ['www.leboncoin-paiement-securise.com', 'leboncoin', 'embedded'],
    ['vinted-remboursement.fr', 'vinted', 'embedded'],
    ['ѕfr.fr', 'sfr', 'idn-homograph'],
    ['sfr.com.secure-client.net', 'sfr', 'brand-subdomain'],
  ])('%s imitates %s (%s)', (host, brandId, kind) => {
    const match = best(host);
    expect(match, host).toBeDefined();
    expect(match).toMatchObject({ brandId, kind });
    expect(match!.weight).toBeGreaterThan(0);
    expect(match!.weight).toBeLessThanOrEqual(1);
  });

  it('never matches the brands\' own domains and their subdomains', () => {
    for (const host of ['paypal.com', 'www.paypal.fr', 'impots.gouv.fr', 'www.impots.gouv.fr', 'mabanque.bnpparibas', 'particuliers.sg.fr',
      'www.credit-agricole.fr', 'login.microsoftonline.com', 'accounts.google.com', 'www.amazon.co.uk', 'm.facebook.com', 'espace-client.orange.fr',
      'www.laposte.fr', 'www.ameli.fr', 'assure.ameli.fr', 'mobile.free.fr']) {
      expect(findLookalikes(host, brands), host).toEqual([]);
      expect(officialBrandOf(host, brands), host).not.toBeNull();
    }
  });

  it('leaves unrelated domains alone, including short common words and names close to brands', () => {
    for (const host of ['example.org', 'groups.com', 'freedom.com', 'orangeade.com', 'orange-county.org', 'fantaisie.fr', 'camelia.fr',
      'minted.com', 'appel.fr', 'pineapple.com', 'lemonde.fr', 'ups-and-downs.blog', 'my-blog.github.io', 'cafe-des-sports.fr',
      'google.de', 'paypal.de', 'amazon.com.br', 'meteo-france.com', 'free-software.org', 'ledger-comptable.fr',
      // Short names read through look-alike letters would hit ordinary words ("ici" reads as "lcl").
      'ici.fr', 'c1c.fr', 'meta-analysis.org']) {
      expect(findLookalikes(host, brands), host).toEqual([]);
    }
  });

  it('weighs deliberate deception above a mere resemblance', () => {
    expect(best('xn--pypal-4ve.com')!.weight).toBeGreaterThan(best('paypal-secure-login.com')!.weight);
    expect(best('paypal-secure-login.com')!.weight).toBeGreaterThan(best('paypall.com')!.weight);
    // Without a lure word, a brand embedded in a name is weaker evidence.
    expect(best('paypal-shopping.com')!.weight).toBeLessThan(best('paypal-secure-login.com')!.weight);
  });

  it('reports lure words and the decoded form of an IDN host', () => {
    expect(best('paypal-secure-login.com')!.lureWords).toEqual(expect.arrayContaining(['secure', 'login']));
    expect(best('xn--pypal-4ve.com')).toMatchObject({ host: 'xn--pypal-4ve.com', unicodeHost: 'pаypal.com' });
  });
});

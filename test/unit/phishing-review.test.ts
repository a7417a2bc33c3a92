// Review of the phishing detector: false positives on ordinary and official domains and on
// ordinary words, hosting platforms that belong to a brand but host anyone, and hostile forms.
// Each case below failed before the fix that came with it.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifyField } from '../../crawler/parse-forms.ts';
import { parsePage } from '../../crawler/parse-page.ts';
import { analyzePhishing, findBrandMentions, findLookalikes, loadBrandList, officialBrandOf, pageContextOf } from '../../extractors/phishing/index.ts';
import type { Flag } from '../../extractors/types.ts';

const brands = loadBrandList(fileURLToPath(new URL('../../config/brands.yaml', import.meta.url)));

function phishing(html: string, url: string): Flag | null {
  const parsed = parsePage(html, url);
  return analyzePhishing({ text: parsed.text, entities: [], page: pageContextOf(url, parsed) }, brands);
}
const ruleIds = (flag: Flag | null) => (flag?.rules ?? []).map((r) => r.ruleId);
const mentioned = (text: string, title = '') => findBrandMentions({ text, title, formTexts: [] }, brands).map((m) => m.brandId);

// An ordinary members' login page that names no brand.
const plainLogin = (name: string) => `<title>Connexion – ${name}</title><h1>${name}</h1>
  <form method="post" action="/session"><label>E-mail <input type="email" name="email"></label>
  <label>Mot de passe <input type="password" name="password"></label><button>Se connecter</button></form>`;

describe('lookalikes: a mere resemblance is no evidence on a page that does not name the brand', () => {
  // Dictionary words one edit (or one i/l swap) away from a brand: Fortune magazine is not Fortuneo.
  it.each([
    ['https://fortune.com/login', 'fortuneo'], ['https://www.eagle.com/account', 'engie'], ['https://engine.fr/connexion', 'engie'],
    ['https://imports.fr/espace', 'impots-gouv'], ['https://revolt.com/login', 'revolut'], ['https://factbook.com/login', 'facebook'],
    ['https://vented.fr/login', 'vinted'], ['https://grail.com/login', 'google'], ['https://engle.com/login', 'engie'],
    ['https://amelie.fr/connexion', 'ameli'], ['https://www.offices.com/login', 'microsoft'], ['https://anti.fr/login', 'antai'],
  ])('%s does not get a lookalike hit (%s)', (url, brandId) => {
    expect(findLookalikes(new URL(url).hostname, brands).map((l) => l.brandId)).toContain(brandId);
    expect(ruleIds(phishing(plainLogin('Espace membres'), url))).not.toContain('phishing.lookalike-domain');
  });

  it('still reports a typo domain when the page presents itself as the brand', () => {
    const flag = phishing(plainLogin('PayPal'), 'https://paypall.com/signin');
    expect(flag!.rules.find((r) => r.ruleId === 'phishing.lookalike-domain')!.details).toMatchObject({ brand: 'paypal', kind: 'typo' });
  });

  it('reports deliberate look-alike characters and lure words from the host alone', () => {
    expect(ruleIds(phishing(plainLogin('Espace membres'), 'https://paypa1.com/'))).toContain('phishing.lookalike-domain');
    expect(ruleIds(phishing(plainLogin('Espace membres'), 'https://ameli-remboursement.fr/'))).toContain('phishing.lookalike-domain');
  });

  it('weighs an i/l swap (ordinary words have them: engle, gmall) below deliberate digits', () => {
    const il = findLookalikes('engle.com', brands)[0]!;
    const digit = findLookalikes('g00gle.com', brands)[0]!;
    expect(il.needsBrandOnPage).toBe(true);
    expect(digit.needsBrandOnPage).toBe(false);
    expect(il.weight).toBeLessThan(digit.weight);
  });

  it('does not read 3-letter brands into ordinary tokens through look-alike letters', () => {
    for (const host of ['needing-ici.fr', 'ici-paris.fr', 'secure.ici.example.com']) expect(findLookalikes(host, brands), host).toEqual([]);
    expect(findLookalikes('lcl-banque.com', brands)[0]).toMatchObject({ brandId: 'lcl', kind: 'embedded' });
  });

  it('calls a brand written with hyphens embedded, not a homograph, and lets ordinary-word brands pass without a lure', () => {
    expect(findLookalikes('free-mobile.fr', brands)).toEqual([]);
    expect(findLookalikes('ameli-fr.com', brands)[0]).toMatchObject({ brandId: 'ameli', kind: 'embedded' });
    expect(findLookalikes('impots-gouv.fr', brands)[0]).toMatchObject({ brandId: 'impots-gouv', kind: 'embedded' });
  });

  it('never calls a government-reserved domain a lookalike', () => {
    for (const host of ['service-public.gouv.fr', 'www.ameli.gouv.fr', 'caf.gouv.fr', 'paypal.gov.uk']) expect(findLookalikes(host, brands), host).toEqual([]);
  });
});

describe('hosting platforms on a brand\'s domain', () => {
  it('a SharePoint tenant is its customer\'s site, not Microsoft\'s', () => {
    expect(officialBrandOf('paypal-verify.sharepoint.com', brands)).toBeNull();
    expect(officialBrandOf('microsoft.sharepoint.com', brands)?.id).toBe('microsoft');
    expect(officialBrandOf('www.sharepoint.com', brands)?.id).toBe('microsoft');
    const flag = phishing(plainLogin('PayPal'), 'https://paypal-verify.sharepoint.com/sites/x');
    expect(ruleIds(flag)).toEqual(expect.arrayContaining(['phishing.brand-credential-form', 'phishing.lookalike-domain']));
  });

  it('a page in a public cloud bucket is not Google\'s', () => {
    expect(officialBrandOf('storage.googleapis.com', brands)).toBeNull();
    expect(ruleIds(phishing(plainLogin('PayPal'), 'https://storage.googleapis.com/verify-7731/index.html'))).toContain('phishing.brand-credential-form');
  });

  it('knows the brands\' own script and analytics hosts', () => {
    for (const host of ['connect.facebook.net', 'www.google-analytics.com', 'c.amazon-adsystem.com', 'fonts.googleapis.com']) {
      expect(findLookalikes(host, brands), host).toEqual([]);
    }
  });
});

describe('brand names in a URL', () => {
  it('still reads the host and path of a URL with a malformed escape', () => {
    const ids = findBrandMentions({ text: '', title: '', url: 'https://login.example.net/%ZZ/paypal/signin', formTexts: [] }, brands).map((m) => m.brandId);
    expect(ids).toEqual(['paypal']);
  });
});

describe('brand names that are ordinary words', () => {
  it('reads "ça en ligne" as French, not as Crédit Agricole\'s "CA en ligne"', () => {
    expect(mentioned('On peut faire ça en ligne. Ça en ligne, c\'est simple.')).toEqual([]);
    expect(mentioned('Accédez à CA en ligne')).toEqual(['credit-agricole']);
  });

  it('takes a capitalised ordinary word for a brand only where it stands alone', () => {
    expect(mentioned('Free shipping on all orders', 'Start your Free Trial | Acme')).toEqual([]);
    expect(mentioned('', 'General Ledger – Login')).toEqual([]);
    expect(mentioned('', 'Orange County Library – Sign in')).toEqual([]);
    expect(mentioned('', 'Free - Espace abonné')).toEqual(['free']);
    expect(mentioned('', 'Connexion | Orange')).toEqual(['orange']);
    expect(mentioned('', 'Connexion à votre compte Orange')).toEqual(['orange']);
    expect(mentioned('Accès abonné Free : identifiez-vous')).toEqual(['free']);
  });

  it('keeps a SaaS sign-up page ("Start your Free trial") quiet, and still sees a logo naming Orange in the login box', () => {
    const saas = `<title>Start your Free trial – Acme Analytics</title><div class="card"><h2>Free trial</h2><form method="post" action="/signup">
      <input type="email" name="email" placeholder="Work e-mail"><input type="password" name="password"></form></div>`;
    expect(phishing(saas, 'https://acme-analytics.io/signup')).toBeNull();
    const kit = `<title>Identifiez-vous</title><div class="box"><img src="/img/o.png" alt="Orange"><h1>Identifiez-vous</h1>
      <form method="post" action="/next.php"><input name="login" placeholder="Adresse mail"><input type="password" name="pass"></form></div>`;
    expect(phishing(kit, 'https://messagerie-secure.top/')!.rules.find((r) => r.ruleId === 'phishing.brand-credential-form')!.details)
      .toMatchObject({ brand: 'orange', mentionedIn: 'form' });
  });
});

describe('fake shops', () => {
  it('does not call a shop domain one edit away from a brand a brand in the domain', () => {
    const items = Array.from({ length: 6 }, (_, i) => `<li>Robe ${i} <s>120,00 €</s> 19,90 € -80 %</li>`).join('');
    const html = `<title>Vented – boutique</title><a href="/panier">Mon panier</a><ul>${items}</ul><p>Ajouter au panier. Paiement par virement bancaire uniquement.</p>`;
    const ids = ruleIds(phishing(html, 'https://vented.fr/'));
    expect(ids).toContain('fake-shop.deep-discounts');
    expect(ids).not.toContain('fake-shop.brand-in-domain');
  });
});

describe('a real flash sale', () => {
  it('stays under 0.6: branded goods at -70 %, a countdown and WhatsApp customer service, but a legal notice and card payment', () => {
    const items = ['Nike Air Max 90', 'Adidas Samba OG', 'Lacoste polo L.12.12', 'Ralph Lauren chemise Oxford', 'The North Face doudoune Nuptse']
      .map((n, i) => `<article><h3>${n}</h3><p>Prix de référence <s>${150 + i * 10},00 €</s> <strong>${45 + i},00 €</strong> -70 %</p></article>`).join('');
    const html = `<title>Vente privée Marques de sport – jusqu'à -70 %</title><header><a href="/panier">Mon panier</a></header>
      <main><h1>Marques de sport : jusqu'à -70 %</h1><p>La vente se termine dans 2 jours. Stock limité.</p>${items}
      <p>Paiement sécurisé par carte bancaire, PayPal ou Apple Pay. Livraison en 5 à 7 jours.</p>
      <p>Une question ? Notre service client répond sur WhatsApp du lundi au vendredi.</p></main>
      <footer><a href="/mentions-legales">Mentions légales</a><a href="https://wa.me/33612345678">WhatsApp</a></footer>`;
    const flag = phishing(html, 'https://www.ventes-flash-sport.fr/ventes/marques-de-sport');
    expect(ruleIds(flag)).toEqual(expect.arrayContaining(['fake-shop.deep-discounts', 'fake-shop.branded-goods', 'fake-shop.pressure']));
    expect(ruleIds(flag)).not.toContain('fake-shop.messaging-contact');
    expect(flag!.score).toBeLessThan(0.6);
  });

  it('does not read the word "signal" as a messaging app', () => {
    const items = Array.from({ length: 5 }, (_, i) => `<li>Répéteur Wi-Fi ${i} : un signal fort dans toute la maison, 39,90 €</li>`).join('');
    const html = `<title>Répéteurs – Boutique Réseau</title><a href="/panier">Panier</a><ul>${items}</ul>`;
    expect(ruleIds(phishing(html, 'https://www.boutique-reseau.fr/'))).not.toContain('fake-shop.messaging-contact');
  });
});

describe('forms of hostile pages', () => {
  it('finds the common box of fields outside any form at any depth', () => {
    const deep = '<div>'.repeat(300);
    const html = `<body><div class="kit"><img alt="PayPal">${deep}<input name="email">${'</div>'.repeat(300)}${deep}<input type="password">${'</div>'.repeat(300)}</div>`;
    const forms = parsePage(html, 'https://x.example/').forms;
    expect(forms).toHaveLength(1);
    expect(forms[0]!.text).toContain('PayPal');
    expect(forms[0]!.asks).toEqual(expect.arrayContaining(['password']));
  });
});

describe('brands every shop or town hall names', () => {
  it('keeps a checkout (account password + card form) quiet though it offers Colissimo and Chronopost delivery', () => {
    const html = `<title>Commande – Maison Dufour</title><h1>Finaliser ma commande</h1>
      <p>Livraison Colissimo en 48 h ou Chronopost en 24 h. Suivi Colissimo envoyé par e-mail.</p>
      <form method="post" action="/commande/valider"><input type="email" name="email" placeholder="E-mail">
      <label>Créer un compte (facultatif) <input type="password" name="password"></label>
      <label>Livraison <select name="carrier"><option>Colissimo</option><option>Chronopost</option></select></label>
      <input autocomplete="cc-number" name="card"><input autocomplete="cc-exp" name="exp"><input autocomplete="cc-csc" name="cvc"></form>`;
    const flag = phishing(html, 'https://www.maison-dufour.fr/commande');
    expect(ruleIds(flag)).not.toContain('phishing.card-form-off-brand');
    expect(ruleIds(flag)).not.toContain('phishing.brand-credential-form');
    expect(flag?.score ?? 0).toBeLessThan(0.4);
  });

  it('keeps a town hall\'s citizen login quiet: "service public" and "finances publiques" are ordinary words', () => {
    const html = `<title>Espace citoyen – Le service public de la Ville de Brest</title><h1>Espace citoyen</h1>
      <p>Démarches, finances publiques locales, état civil.</p><form method="post" action="/connexion">
      <input name="login" placeholder="Identifiant"><input type="password" name="pw"></form>`;
    expect(phishing(html, 'https://www.brest.fr/espace-citoyen')).toBeNull();
    // Named by its own name, the site is still recognised.
    expect(mentioned('Connectez-vous sur Service-Public.fr')).toEqual(['service-public']);
    expect(mentioned('DGFiP – Direction générale des Finances publiques')).toContain('impots-gouv');
  });
});

describe('field kinds read in context', () => {
  const kind = (label: string) => classifyField({ tag: 'input', type: 'text', name: null, autocomplete: null, placeholder: null, label });
  it.each([
    ['Téléphone portable (alertes par SMS)', 'phone'],
    ['Numéro de mobile pour recevoir le code SMS', 'phone'],
    ['Code reçu par SMS', 'otp'],
    ['Entrez le code envoyé sur votre téléphone', 'otp'],
    ['Code de sécurité SMS', 'otp'],
    ['Cryptogramme (code de sécurité)', 'card-cvv'],
    ['Date de validité du passeport', 'national-id'],
    ['Date d\'expiration', 'card-expiry'],
    ['Numéro de compte client', 'login'],
    ['Numéro de compte (IBAN)', 'iban'],
    ['Numéro de Pass Navigo', 'other'],
    ['Pass', 'password'],
  ])('%s is %s', (label, expected) => expect(kind(label)).toBe(expected));

  it('does not take a sign-up page asking a phone number for SMS alerts for a password + OTP kit', () => {
    const html = `<form method="post" action="/inscription"><input type="email" name="email"><input type="password" name="pw">
      <label>Téléphone portable (alertes par SMS) <input name="tel"></label></form>`;
    expect(ruleIds(phishing(html, 'https://www.club-rando.fr/inscription'))).not.toContain('phishing.password-and-otp');
  });
});

describe('lure words and abbreviations of French campaigns', () => {
  it.each([
    ['lbc-paiement.fr', 'leboncoin'], ['lbp-securite.fr', 'la-banque-postale'], ['free-mobile-abonne.fr', 'free'],
    ['chronopost-frais.com', 'chronopost'], ['critair-certificat.fr', 'crit-air'], ['cyberplus-securite.com', 'banque-populaire'],
  ])('%s imitates %s from the host alone', (host, brandId) => {
    expect(findLookalikes(host, brands)[0]).toMatchObject({ brandId, kind: 'embedded', needsBrandOnPage: false });
  });
});

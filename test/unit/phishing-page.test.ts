// Page-level phishing: the same login page flags off the brand's domains and not on them; card
// forms naming a carrier; where forms send what they collect; negatives that must stay quiet (a
// news article about phishing, a site with "sign in with Google", a bank's own page).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeLine } from '../../cli/commands/analyze.ts';
import { parsePage } from '../../crawler/parse-page.ts';
import { analyzeText } from '../../extractors/analyze.ts';
import { analyzePhishing, loadBrandList, pageContextOf } from '../../extractors/phishing/index.ts';
import { loadRuleSet } from '../../extractors/rules/index.ts';
import type { Flag } from '../../extractors/types.ts';

const brands = loadBrandList(fileURLToPath(new URL('../../config/brands.yaml', import.meta.url)));
const rules = loadRuleSet(fileURLToPath(new URL('../../config/rules/', import.meta.url)));
const fixture = (name: string) => readFileSync(new URL(`../fixtures/phishing/${name}`, import.meta.url), 'utf8');

function analyse(name: string, url: string): { fraud: Flag | undefined; phishing: Flag | null; text: string } {
  const html = fixture(name);
  const parsed = parsePage(html, url);
  const page = pageContextOf(url, parsed);
  const { flags } = analyzeText(parsed.text, rules, { page, brands });
  return { fraud: flags.find((f) => f.category === 'fraud'), phishing: analyzePhishing({ text: parsed.text, entities: [], page }, brands), text: parsed.text };
}
const ruleIds = (flag: Flag | null | undefined) => (flag?.rules ?? []).map((r) => r.ruleId);

describe('page-level phishing', () => {
  it('flags a bank login page on a lookalike domain, with the brand, the domain and the form explained', () => {
    const { fraud } = analyse('bank-login.html', 'https://bnp-paribas-mescomptes.com/connexion/');
    expect(fraud!.score).toBeGreaterThanOrEqual(0.8);
    expect(fraud!.tags).toContain('content-classification:cybercrime="phishing"');
    const form = fraud!.rules.find((r) => r.ruleId === 'phishing.brand-credential-form')!;
    expect(form.details).toMatchObject({ brand: 'bnp-paribas', domain: 'bnp-paribas-mescomptes.com', formAction: 'https://bnp-paribas-mescomptes.com/connexion/next.php' });
    expect(form.details!.mentionedIn).toContain('title');
    expect(form.details!.officialDomains).toContain('bnpparibas.fr');
    const lookalike = fraud!.rules.find((r) => r.ruleId === 'phishing.lookalike-domain')!;
    expect(lookalike.details).toMatchObject({ brand: 'bnp-paribas', kind: 'embedded', where: 'page' });
    expect(ruleIds(fraud)).toContain('phishing.php-mailer');
  });

  it('does not flag the very same page on the brand\'s own domains', () => {
    for (const url of ['https://mabanque.bnpparibas/fr/connexion', 'https://www.bnpparibas.net/connexion', 'https://connexion.bnpparibas.fr/']) {
      const { phishing, fraud } = analyse('bank-login.html', url);
      expect(phishing, url).toBeNull();
      expect(fraud?.score ?? 0, url).toBeLessThan(0.3);
    }
  });

  it('flags it on an unrelated host too (no lookalike needed), less strongly', () => {
    const { fraud } = analyse('bank-login.html', 'https://compte-secure-acces.top/auth/');
    expect(ruleIds(fraud)).toContain('phishing.brand-credential-form');
    expect(ruleIds(fraud)).not.toContain('phishing.lookalike-domain');
    expect(fraud!.score).toBeGreaterThanOrEqual(0.6);
  });

  it('flags a carrier card-payment page: card form off brand, lookalike domain, lure terms merged with the rule engine', () => {
    const { fraud, text } = analyse('delivery-card.html', 'https://colissimo-suivi-livraison.com/');
    expect(ruleIds(fraud)).toEqual(expect.arrayContaining(['phishing.card-form-off-brand', 'phishing.lookalike-domain', 'fraud.phishing-lure']));
    expect(fraud!.score).toBeGreaterThan(0.85);
    const card = fraud!.rules.find((r) => r.ruleId === 'phishing.card-form-off-brand')!;
    expect(card.details).toMatchObject({ brand: 'colissimo', formAction: 'https://colissimo-suivi-livraison.com/pay/send.php' });
    expect(card.details!.asks).toContain('card-number');
    // Rule-engine terms keep their offsets into the analysed text.
    for (const rule of fraud!.rules) for (const t of rule.terms) expect(text.slice(t.start, t.end).length).toBe(t.end - t.start);
  });

  it('flags a webmail kit that mails passwords and SMS codes', () => {
    const { fraud } = analyse('webmail-mailto.html', 'http://owa-update.weebly.com/');
    expect(ruleIds(fraud)).toEqual(expect.arrayContaining(['phishing.brand-credential-form', 'phishing.form-to-mailto', 'phishing.password-and-otp']));
    expect(fraud!.rules.find((r) => r.ruleId === 'phishing.brand-credential-form')!.details).toMatchObject({ brand: 'microsoft', formAction: 'mailto:boxverify2024@gmail.com' });
    expect(fraud!.score).toBeGreaterThan(0.7);
  });

  it('keeps a news article about phishing quiet, though it names brands and has a subscriber login form', () => {
    const { phishing, fraud } = analyse('news-article.html', 'https://www.quotidien-numerique.fr/securite/faux-sms-ameli');
    expect(phishing).toBeNull();
    expect(fraud?.score ?? 0).toBeLessThan(0.4);
  });

  it('keeps a login page with "sign in with Google / Facebook" buttons quiet', () => {
    const { phishing } = analyse('sso-login.html', 'https://atelier-poterie-lyon.fr/connexion');
    expect(phishing).toBeNull();
  });

  it('keeps partner sites with FranceConnect or "pay with PayPal" buttons quiet', () => {
    const html = `<title>Connexion – Mutuelle Solidaire</title><div class="box"><h1>Mon espace adhérent</h1>
      <form action="/login" method="post"><input name="id" placeholder="Identifiant"><input type="password" name="pw"></form>
      <button class="franceconnect">S’identifier avec FranceConnect</button><p>Payer avec PayPal ou par carte.</p></div>`;
    const url = 'https://www.mutuelle-solidaire.fr/connexion';
    const parsed = parsePage(html, url);
    expect(analyzePhishing({ text: parsed.text, entities: [], page: pageContextOf(url, parsed) }, brands)).toBeNull();
  });

  it('finds brand names written with lookalike letters and invisible characters', () => {
    const html = '<title>Connexion</title><div><img src="logo.png" alt="Ρay\u200bРal"><form action="/s"><input placeholder="E-mail"><input type="password"></form></div>';
    const url = 'https://account-review-center.net/';
    const parsed = parsePage(html, url);
    const flag = analyzePhishing({ text: parsed.text, entities: [], page: pageContextOf(url, parsed) }, brands);
    expect(flag!.rules.find((r) => r.ruleId === 'phishing.brand-credential-form')!.details).toMatchObject({ brand: 'paypal', mentionedIn: 'form' });
  });

  it('explains a form posting credentials to another site, and a lookalike form action', () => {
    const html = '<title>Espace client</title><p>Votre espace client Amazon</p><form method="post" action="https://amaz0n-verify.net/collect"><input name="email" type="email"><input name="pw" type="password"></form>';
    const url = 'https://hacked-blog.example.org/wp-content/x/';
    const parsed = parsePage(html, url);
    const flag = analyzePhishing({ text: parsed.text, entities: [], page: pageContextOf(url, parsed) }, brands)!;
    expect(ruleIds(flag)).toEqual(expect.arrayContaining(['phishing.form-to-other-site', 'phishing.lookalike-domain']));
    expect(flag.rules.find((r) => r.ruleId === 'phishing.lookalike-domain')!.details).toMatchObject({ where: 'form-action', brand: 'amazon', domain: 'amaz0n-verify.net' });
  });

  it('asks nothing of pages without forms, and never flags a payment brand beside an ordinary checkout card form', () => {
    const checkout = `<title>Paiement – Librairie du Centre</title><h1>Paiement</h1><form action="/pay" method="post">
      <input autocomplete="cc-number" name="n"><input autocomplete="cc-exp" name="e"><input autocomplete="cc-csc" name="c"></form>
      <p>Vous pouvez aussi payer avec PayPal. PayPal vous redirige vers son site.</p>`;
    const url = 'https://www.librairie-du-centre.fr/commande/paiement';
    const parsed = parsePage(checkout, url);
    expect(analyzePhishing({ text: parsed.text, entities: [], page: pageContextOf(url, parsed) }, brands)).toBeNull();
    const plain = parsePage('<title>PayPal : comment ça marche</title><p>PayPal est un service de paiement.</p>', 'https://blog.example.fr/paypal');
    expect(analyzePhishing({ text: plain.text, entities: [], page: pageContextOf('https://blog.example.fr/paypal', plain) }, brands)).toBeNull();
  });
});

describe('vigie analyze: phishing flags from html + url lines', () => {
  it('reports the phishing rules and their details; without a url the domain is unknown and nothing page-level is claimed', () => {
    const html = fixture('bank-login.html');
    const withUrl = analyzeLine(JSON.stringify({ id: 1, url: 'https://bnp-paribas-mescomptes.com/', html }), rules, 0.5, brands);
    expect('flags' in withUrl && withUrl.flags[0]).toMatchObject({ category: 'fraud', rules: expect.arrayContaining(['phishing.brand-credential-form']) });
    const details = 'flags' in withUrl ? withUrl.flags[0]!.details : undefined;
    expect(details).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'phishing.lookalike-domain', brand: 'bnp-paribas' })]));
    const withoutUrl = analyzeLine(JSON.stringify({ id: 2, html }), rules, 0.5, brands);
    expect('flags' in withoutUrl && withoutUrl.flags).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyField, isCardForm, isCredentialForm } from '../../crawler/parse-forms.ts';
import { parsePage } from '../../crawler/parse-page.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/phishing/${name}`, import.meta.url), 'utf8');
const field = (over: Partial<Parameters<typeof classifyField>[0]>) =>
  classifyField({ tag: 'input', type: 'text', name: null, autocomplete: null, placeholder: null, label: null, ...over });

describe('parse-forms: forms of a page', () => {
  it('resolves the action against the base URL, reads the method and what the form asks for', () => {
    const page = parsePage(fixture('bank-login.html'), 'http://bnp-paribas-mescomptes.com/connexion/index.html');
    expect(page.forms).toHaveLength(1);
    const [form] = page.forms;
    expect(form).toMatchObject({ action: 'http://bnp-paribas-mescomptes.com/connexion/next.php', actionScheme: 'http', method: 'post', isFormElement: true });
    expect(form!.asks).toEqual(['password', 'login']);
    // The visible label wins over a misleading generated name.
    expect(form!.fields.map((f) => [f.name, f.kind])).toEqual([
      ['userGridPasswordCredential.username', 'login'],
      ['userGridPasswordCredential.gridPosition', 'password'],
      ['token', 'hidden'],
    ]);
    expect(form!.fields[0]!.label).toBe('Numéro client (10 chiffres)');
    // The login box around the form (heading, logo alt outside the form) is its context.
    expect(form!.text).toContain('Accédez à vos comptes');
    expect(isCredentialForm(form!)).toBe(true);
    expect(isCardForm(form!)).toBe(false);
  });

  it('recognises card number, expiry and CVV from placeholders and autocomplete, and a mailto action', () => {
    const card = parsePage(fixture('delivery-card.html'), 'https://colissimo-suivi-livraison.com/').forms[0]!;
    expect(card.asks).toEqual(expect.arrayContaining(['card-number', 'card-expiry', 'card-cvv']));
    expect(card.text).toContain('Colissimo');
    expect(isCardForm(card)).toBe(true);
    const mail = parsePage(fixture('webmail-mailto.html'), 'http://owa-update.weebly.com/').forms[0]!;
    expect(mail).toMatchObject({ action: 'mailto:boxverify2024@gmail.com', actionScheme: 'mailto' });
    expect(mail.asks).toEqual(['password', 'email', 'otp']);
  });

  it('reads inputs outside any form as one action-less form, and the form attribute', () => {
    const page = parsePage(
      `<div class="box"><h2>Vérification</h2><input id="u" placeholder="Identifiant"><input type="password" id="p"></div>
       <form id="f1" action="/a"></form><input name="otp" form="f1" placeholder="Code reçu par SMS">`,
      'https://x.example/start',
    );
    expect(page.forms).toHaveLength(2);
    expect(page.forms[0]).toMatchObject({ action: 'https://x.example/a', asks: ['otp'] });
    expect(page.forms[1]).toMatchObject({ action: null, actionScheme: null, isFormElement: false, asks: ['password', 'login'] });
    expect(page.forms[1]!.text).toContain('Vérification');
  });

  it('treats javascript: actions and missing actions as the page itself or a script', () => {
    const page = parsePage('<form action="javascript:void(0)"><input type=password></form><form><input type=email name=mail></form>', 'https://x.example/p?q=1#top');
    expect(page.forms[0]).toMatchObject({ action: null, actionScheme: 'javascript' });
    expect(page.forms[1]).toMatchObject({ action: 'https://x.example/p?q=1', method: 'get', asks: ['email'] });
  });

  it('classifies fields in French and English', () => {
    expect(field({ type: 'password' })).toBe('password');
    expect(field({ autocomplete: 'one-time-code' })).toBe('otp');
    expect(field({ autocomplete: 'cc-number' })).toBe('card-number');
    expect(field({ name: 'cardNumber' })).toBe('card-number');
    expect(field({ label: 'Numéro de carte' })).toBe('card-number');
    expect(field({ label: 'Date d’expiration' })).toBe('card-expiry');
    expect(field({ placeholder: 'MM/AA' })).toBe('card-expiry');
    expect(field({ label: 'Cryptogramme visuel' })).toBe('card-cvv');
    expect(field({ name: 'cvc' })).toBe('card-cvv');
    expect(field({ label: 'Code reçu par SMS' })).toBe('otp');
    expect(field({ label: 'Verification code' })).toBe('otp');
    expect(field({ name: 'iban' })).toBe('iban');
    expect(field({ label: 'Identifiant' })).toBe('login');
    expect(field({ label: 'Username' })).toBe('login');
    expect(field({ type: 'email' })).toBe('email');
    expect(field({ label: 'Date de naissance' })).toBe('birthdate');
    expect(field({ label: 'Numéro de sécurité sociale' })).toBe('national-id');
    expect(field({ type: 'search', name: 'q' })).toBe('search');
    expect(field({ type: 'hidden', name: 'password' })).toBe('hidden');
    expect(field({ name: 'comment' })).toBe('other');
  });

  it('never throws on junk and caps what it reads', () => {
    const many = `<form>${'<input type=password>'.repeat(500)}</form>`.repeat(80);
    const page = parsePage(many, 'https://x.example/');
    expect(page.forms.length).toBeLessThanOrEqual(50);
    expect(page.forms[0]!.fields.length).toBeLessThanOrEqual(100);
    expect(parsePage('<form action="http://[bad"><input type=password></form>', 'https://x.example/').forms[0]).toMatchObject({ action: null, actionScheme: 'other' });
    expect(parsePage('\u0000\u0001<form', 'https://x.example/').forms).toEqual([]);
    // Thousands of nested empty forms and fields pointing at one of them: bounded, and read once.
    const trap = parsePage(`<div>${'<input type=password>'.repeat(5000)}</div>${'<form id=f>'.repeat(2000)}${'<input form=f name=x>'.repeat(5000)}`, 'https://x.example/');
    expect(trap.forms.length).toBeLessThanOrEqual(2);
    for (const form of trap.forms) expect(form.fields.length).toBeLessThanOrEqual(100);
  });
});

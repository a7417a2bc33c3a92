// Fake-shop signals: a fake luxury outlet shows several and passes 0.6; an ordinary shop with a
// sale shows one or two and stays well below; pages that are not shops show none.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePage } from '../../crawler/parse-page.ts';
import { analyzeText } from '../../extractors/analyze.ts';
import { extractEntities } from '../../extractors/entities/index.ts';
import { FAKE_SHOP_WEIGHTS, analyzePhishing, fakeShopHits, loadBrandList, pageContextOf } from '../../extractors/phishing/index.ts';
import { foldSameLength } from '../../extractors/phishing/fake-shop.ts';
import { loadRuleSet } from '../../extractors/rules/index.ts';

const brands = loadBrandList(fileURLToPath(new URL('../../config/brands.yaml', import.meta.url)));
const rules = loadRuleSet(fileURLToPath(new URL('../../config/rules/', import.meta.url)));
const fixture = (name: string) => readFileSync(new URL(`../fixtures/phishing/${name}`, import.meta.url), 'utf8');

function shop(html: string, url: string) {
  const parsed = parsePage(html, url);
  const page = pageContextOf(url, parsed);
  const entities = extractEntities(parsed.text);
  return { parsed, hits: fakeShopHits({ url, text: parsed.text, title: parsed.title, links: parsed.links, forms: parsed.forms, entities }, brands), flag: analyzePhishing({ text: parsed.text, entities, page }, brands) };
}

describe('fake-shop signals', () => {
  it('scores a fake luxury outlet above 0.6 with every signal explained', () => {
    const { hits, flag, parsed } = shop(fixture('fake-shop.html'), 'https://outlet-luxe-paris.shop/');
    const ids = hits.map((h) => h.ruleId);
    expect(ids).toEqual(expect.arrayContaining(['fake-shop.deep-discounts', 'fake-shop.branded-goods', 'fake-shop.untraceable-payment',
      'fake-shop.no-legal-notice', 'fake-shop.messaging-contact', 'fake-shop.pressure']));
    expect(flag!.score).toBeGreaterThan(0.6);
    const goods = hits.find((h) => h.ruleId === 'fake-shop.branded-goods')!;
    expect(goods.details!.brands).toContain('Louis Vuitton');
    for (const term of goods.terms) expect(parsed.text.slice(term.start, term.end).toLowerCase()).toContain(term.term.toLowerCase().split(' ')[0]!);
    const payment = hits.find((h) => h.ruleId === 'fake-shop.untraceable-payment')!;
    expect(payment.details!.methods).toMatch(/virement/);
    expect(hits.find((h) => h.ruleId === 'fake-shop.messaging-contact')!.details!.freeMail).toBe('gmail.com');
    // Merged with the rule engine's fraud flag, still one fraud flag.
    const { flags } = analyzeText(parsed.text, rules, { page: pageContextOf('https://outlet-luxe-paris.shop/', parsed), brands });
    expect(flags.filter((f) => f.category === 'fraud')).toHaveLength(1);
  });

  it('keeps an ordinary shop with a sale below 0.6', () => {
    const { hits, flag } = shop(fixture('legit-shop.html'), 'https://www.lafabriqueachaussures.fr/soldes');
    expect(hits.map((h) => h.ruleId)).not.toContain('fake-shop.untraceable-payment');
    expect(hits.map((h) => h.ruleId)).not.toContain('fake-shop.no-legal-notice');
    expect(flag?.score ?? 0).toBeLessThan(0.4);
  });

  it('needs several signals: two of them stay under 0.6', () => {
    const strongestTwo = [...Object.values(FAKE_SHOP_WEIGHTS)].sort((a, b) => b - a).slice(0, 2);
    expect(1 - strongestTwo.reduce((p, w) => p * (1 - w), 1)).toBeLessThan(0.6);
  });

  it('ignores pages that are not shops, even when they talk about discounts and transfers', () => {
    const article = `<title>Faux sites de luxe : la DGCCRF alerte</title><article><p>Des sites proposent des sacs Louis Vuitton et des
      montres Rolex à -80 % ou -90 %, payables uniquement par virement ou en cartes cadeaux. Un sac affiché 1 450 € est vendu 189 €.</p>
      <p>Les enquêteurs rappellent de vérifier les mentions légales.</p></article>`;
    expect(shop(article, 'https://www.journal.example.fr/conso/faux-sites').hits).toEqual([]);
  });

  it('spots a branded-goods name in the shop domain', () => {
    const html = fixture('fake-shop.html');
    const hits = shop(html, 'https://nike-outlet-soldes.com/').hits;
    expect(hits.find((h) => h.ruleId === 'fake-shop.brand-in-domain')!.details).toMatchObject({ domain: 'nike-outlet-soldes.com', brand: 'Nike' });
    expect(shop(html, 'https://www.monique-boutique.fr/').hits.map((h) => h.ruleId)).not.toContain('fake-shop.brand-in-domain');
  });

  it('reads hostile listings (endless digit groups, prices without end) in linear time', () => {
    const digits = `<title>Boutique</title><a href="/panier">Panier</a><p>${'9,99 € '.repeat(5_000)}</p><p>${'111 '.repeat(60_000)}</p>`;
    const { hits } = shop(digits, 'https://shop.example.fr/');
    expect(hits.map((h) => h.ruleId)).toContain('fake-shop.no-legal-notice');
  });

  it('folds text without changing its length, so offsets carry over', () => {
    const text = 'Élégance -80 % PAYÉ\u00a0par VIREMENT l’été 🎁';
    const folded = foldSameLength(text);
    expect(folded.length).toBe(text.length);
    expect(folded).toBe("elegance -80 % paye par virement l'ete 🎁");
  });
});

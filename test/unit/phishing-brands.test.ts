import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../config/errors.ts';
import { loadSettings } from '../../config/index.ts';
import { loadBrandList, parseBrandList } from '../../extractors/phishing/index.ts';

const shipped = fileURLToPath(new URL('../../config/brands.yaml', import.meta.url));

function issuesOf(text: string): string[] {
  try {
    parseBrandList(text, 'brands.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map((i) => `${i.file}: ${i.path}: ${i.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('brand list', () => {
  it('loads the shipped list: French banks, administrations, carriers and international brands', () => {
    const list = loadBrandList(shipped);
    const ids = list.brands.map((b) => b.id);
    for (const id of ['bnp-paribas', 'societe-generale', 'credit-agricole', 'lcl', 'la-banque-postale', 'caisse-epargne', 'banque-populaire',
      'credit-mutuel', 'boursobank', 'ameli', 'impots-gouv', 'antai', 'france-travail', 'caf', 'la-poste', 'colissimo', 'chronopost', 'dhl', 'ups',
      'amazon', 'paypal', 'apple', 'microsoft', 'google', 'netflix', 'orange', 'sfr', 'free', 'bouygues-telecom', 'edf', 'leboncoin', 'vinted',
      'facebook', 'instagram', 'whatsapp', 'crit-air']) expect(ids).toContain(id);
    expect(list.brands.find((b) => b.id === 'impots-gouv')!.keywords.map((k) => k.skeleton)).toContain('lmpots');
    expect(list.lureWords.has('remboursement')).toBe(true);
    expect(list.shopBrands.length).toBeGreaterThan(20);
  });

  it('is the default of settings, overridden by VIGIE_BRANDS_FILE', () => {
    expect(loadSettings({}).brandsFile).toBe(shipped);
    expect(loadSettings({ VIGIE_BRANDS_FILE: '/etc/vigie/brands.yaml' }).brandsFile).toBe('/etc/vigie/brands.yaml');
  });

  it('reports every problem with its path', () => {
    const issues = issuesOf(`
lureWords: [secure, "Sécurité"]
brands:
  - id: Bad_Id
    name: X
    domains: []
  - id: ok
    name: Okay
    names: [Okay]
    category: bakery
    domains: ["https://okay.com/login"]
    extra: 1
`);
    expect(issues).toEqual(expect.arrayContaining([
      expect.stringMatching(/^brands\.yaml: lureWords\.1: /),
      expect.stringMatching(/^brands\.yaml: brands\.0\.id: use lower-case/),
      expect.stringMatching(/^brands\.yaml: brands\.0\.name: /),
      expect.stringMatching(/^brands\.yaml: brands\.0\.domains: a brand needs at least one official domain/),
      expect.stringMatching(/^brands\.yaml: brands\.1\.category: /),
      expect.stringMatching(/^brands\.yaml: brands\.1\.domains\.0: must be a bare domain name/),
      expect.stringMatching(/^brands\.yaml: brands\.1: .*extra/),
    ]));
  });

  it('refuses duplicate ids, a domain listed for two brands, and a brand without a name', () => {
    const issues = issuesOf(`
lureWords: [login]
brands:
  - { id: a, name: Alpha, names: [Alpha], domains: [alpha.com] }
  - { id: b, name: Beta, names: [Beta], domains: [beta.com], otherDomains: [alpha.com] }
  - { id: a, name: Delta, names: [Delta], domains: [delta.com] }
  - { id: c, name: Gamma, domains: [gamma.com] }
`);
    expect(issues).toEqual([
      'brands.yaml: brands.1.otherDomains.0: domain alpha.com is already listed for brand "a"',
      'brands.yaml: brands.2.id: brand id "a" is already used by brands.0',
      'brands.yaml: brands.3.names: a brand needs at least one name or exact name',
    ]);
  });

  it('reports YAML syntax errors with their line, and a missing file', () => {
    expect(issuesOf('lureWords: [a\nbrands: x: y')[0]).toMatch(/^brands\.yaml: : line \d+/);
    expect(() => loadBrandList('/nonexistent/brands.yaml')).toThrow(ConfigError);
  });
});

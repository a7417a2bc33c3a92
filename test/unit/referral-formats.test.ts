// The formats of a referral package as other tools read them: the MISP event (core format:
// required members, attribute types and categories MISP accepts, tags from the MISP taxonomies),
// the STIX 2.1 bundle (ids, spec_version, timestamps, required properties per type, patterns),
// the report (everything escaped, no script, no external resource), and the services file.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'cheerio';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/errors.ts';
import { loadSettings } from '../../config/settings.ts';
import { CATEGORY_INFO } from '../../extractors/categories.ts';
import { CATEGORIES } from '../../extractors/types.ts';
import type { Alert, PageDocument } from '../../indexer/types.ts';
import { buildMispEvent, MISP_ATTRIBUTE_MAPPING } from '../../review/referrals/misp-event.ts';
import { collectObservables } from '../../review/referrals/observables.ts';
import type { ReferralFacts } from '../../review/referrals/referral-facts.ts';
import { isSafeZipPath, readZip, writeZip } from '../../review/referrals/package-zip.ts';
import { renderReportHtml } from '../../review/referrals/report-html.ts';
import { loadReferralServices, parseReferralServices } from '../../review/referrals/services.ts';
import { UUID_V4 } from '../../review/referrals/stable-uuid.ts';
import { buildStixBundle, STIX_TLP_AMBER, stixString } from '../../review/referrals/stix-bundle.ts';

const TAXONOMY_DIR = join(import.meta.dirname, '../../../shared/reference/misp-taxonomies');

// MISP's describeTypes (app/Model/Attribute.php): the categories each type used here may take.
const MISP_TYPE_CATEGORIES: Record<string, string[]> = {
  url: ['Payload delivery', 'Payload installation', 'Network activity', 'External analysis'],
  domain: ['Network activity', 'External analysis'],
  hostname: ['Network activity', 'External analysis'],
  'ip-dst': ['Network activity', 'External analysis'],
  email: ['Payload delivery', 'Network activity', 'Social network', 'Person', 'Other'],
  'phone-number': ['Person', 'Other', 'Financial fraud'],
  iban: ['Financial fraud'],
  'cc-number': ['Financial fraud'],
  btc: ['Financial fraud'],
  xmr: ['Financial fraud'],
  text: ['Financial fraud', 'Social network', 'Other', 'Network activity', 'Person'],
  sha256: ['Payload delivery', 'Artifacts dropped', 'Payload installation', 'External analysis'],
  md5: ['Payload delivery', 'Artifacts dropped', 'Payload installation', 'External analysis'],
};

const HOSTILE = `<script>alert(1)</script><img src=x onerror=alert(2)>"' & é`;

function facts(category: Alert['category'] = 'carding'): ReferralFacts {
  const services = loadReferralServices();
  const url = "https://shop.example.test/p?a=1&b='2'\\x";
  const page: PageDocument = {
    id: 'p1',
    url,
    finalUrl: 'https://www.shop.example.test/final',
    targetId: 't',
    runId: 'r',
    fetchedAt: '2026-11-30T10:00:00.000Z',
    httpStatus: 200,
    contentType: 'text/html',
    title: HOSTILE,
    text: `texte ${HOSTILE}`,
    language: 'fr',
    contentHash: 'c'.repeat(64),
    entities: [
      { type: 'btc', value: '1BoatSLRHtKNngkdXEeobR76b53LETtpyT', start: 0, end: 1 },
      { type: 'eth', value: '0x52908400098527886e0f7030069857d2e4169ee7', start: 0, end: 1 },
      { type: 'xmr', value: '4' + 'A'.repeat(94), start: 0, end: 1 },
      { type: 'iban', value: 'FR7630006000011234567890189', start: 0, end: 1 },
      { type: 'card', value: '4111111111111111', start: 0, end: 1 },
      { type: 'phone', value: '+33612345678', start: 0, end: 1 },
      { type: 'email', value: 'a@example.test', start: 0, end: 1 },
      { type: 'telegram', value: 'vendeur', start: 0, end: 1 },
      { type: 'onion', value: 'x'.repeat(56) + '.onion', start: 0, end: 1 },
      { type: 'ip', value: '198.51.100.9', start: 0, end: 1 },
      { type: 'domain', value: 'example.test', start: 0, end: 1 },
      { type: 'url', value: 'http://[2001:db8::1]/x', start: 0, end: 1 },
      { type: 'ip', value: '2001:db8::1', start: 0, end: 1 },
    ],
    flags: [],
    depth: 0,
    remoteAddress: '203.0.113.7',
    media: [{ url: 'https://img.example.test/a.png', kind: 'image', sha256: 'a'.repeat(64), md5: 'b'.repeat(32), bytes: 1, mediaType: 'image/png' }],
  };
  const alert: Alert = {
    id: 'alert-1', status: 'confirmed', category, score: 0.9, calibratedScore: 0.8, tags: [], ruleIds: ['r1'], ruleWeights: {},
    contentHash: page.contentHash, targetId: 't', pageId: 'p1', urls: [url], pageCount: 1, firstSeen: page.fetchedAt, lastSeen: page.fetchedAt,
  };
  return {
    referralId: 'ref-1',
    alert,
    pages: [page],
    evidence: [{ page, manifest: null, files: [], omitted: [] }],
    history: [{ alertId: 'alert-1', previousStatus: 'new', status: 'confirmed', actor: HOSTILE, at: '2026-11-30T11:00:00.000Z', comment: HOSTILE }],
    comments: [{ id: 1, alertId: 'alert-1', author: 'bob', at: '2026-11-30T12:00:00.000Z', text: HOSTILE }],
    service: services.suggestedFor(category) ?? services.services[0]!,
    qualification: `Escroquerie ${HOSTILE}`,
    comment: HOSTILE,
    analyst: 'alice',
    createdAt: '2026-12-01T09:30:00.000Z',
    instance: { keyId: '0123456789abcdef', vigieVersion: '0.1.0' },
  };
}

function knownTags(): Set<string> {
  const tags = new Set<string>();
  for (const file of readdirSync(TAXONOMY_DIR).filter((f) => f.endsWith('.json'))) {
    const taxonomy = JSON.parse(readFileSync(join(TAXONOMY_DIR, file), 'utf8')) as { namespace: string; predicates: { value: string }[]; values?: { predicate: string; entry?: { value: string }[] }[] };
    for (const { value: predicate } of taxonomy.predicates) {
      const entries = taxonomy.values?.find((v) => v.predicate === predicate)?.entry ?? [];
      if (entries.length === 0) tags.add(`${taxonomy.namespace}:${predicate}`);
      for (const entry of entries) tags.add(`${taxonomy.namespace}:${predicate}="${entry.value}"`);
    }
  }
  return tags;
}

describe('MISP event', () => {
  const f = facts();
  const observables = collectObservables(f);
  const { Event: event } = buildMispEvent(f, observables);

  it('has the core format members with their value sets', () => {
    expect(event.uuid).toMatch(UUID_V4);
    expect(event.info).toContain('Fraude aux moyens de paiement');
    expect(event.date).toBe('2026-12-01');
    expect(['1', '2', '3', '4']).toContain(event.threat_level_id);
    expect(['0', '1', '2']).toContain(event.analysis);
    expect(event.distribution).toBe('0');
    expect(event.published).toBe(false);
    expect(event.timestamp).toBe(String(Date.parse('2026-12-01T09:30:00.000Z') / 1000));
  });

  it('tags the event with the category tags and TLP', () => {
    const names = event.Tag.map((t) => t.name);
    for (const tag of CATEGORY_INFO.carding.tags) expect(names).toContain(tag);
    expect(names).toContain('tlp:amber');
  });

  it.skipIf(!existsSync(TAXONOMY_DIR))('uses only tags that exist in the MISP taxonomies (skipped: ../shared absent)', () => {
    const known = knownTags();
    for (const category of CATEGORIES) {
      for (const tag of buildMispEvent(facts(category), []).Event.Tag) expect(known, `${category}: ${tag.name}`).toContain(tag.name);
    }
  });

  it('has one valid attribute per observable, with a type and category MISP accepts', () => {
    const byType = (type: string) => event.Attribute.filter((a) => a.type === type).map((a) => a.value);
    expect(byType('url')).toContain(f.alert.urls[0]);
    expect(byType('domain')).toEqual(expect.arrayContaining(['shop.example.test', 'www.shop.example.test', 'example.test']));
    expect(byType('ip-dst')).toEqual(expect.arrayContaining(['203.0.113.7', '198.51.100.9', '2001:db8::1']));
    expect(byType('btc')).toEqual(['1BoatSLRHtKNngkdXEeobR76b53LETtpyT']);
    expect(byType('iban')).toEqual(['FR7630006000011234567890189']);
    expect(byType('email')).toEqual(['a@example.test']);
    expect(byType('sha256')).toEqual(['a'.repeat(64)]);
    expect(byType('hostname')).toEqual(['x'.repeat(56) + '.onion']);
    expect(event.Attribute.find((a) => a.value === 'vendeur')).toMatchObject({ type: 'text', category: 'Social network' });
    for (const attribute of event.Attribute) {
      expect(attribute.uuid).toMatch(UUID_V4);
      expect(MISP_TYPE_CATEGORIES[attribute.type], attribute.type).toContain(attribute.category);
      expect(typeof attribute.to_ids).toBe('boolean');
      expect(attribute.value).not.toBe('');
    }
    expect(new Set(event.Attribute.map((a) => a.uuid)).size).toBe(event.Attribute.length);
    // Only where the flagged content is goes to IDS/blocking.
    expect(event.Attribute.filter((a) => a.to_ids).map((a) => a.value)).toEqual([f.alert.urls[0]]);
  });

  it('maps every entity type', () => {
    for (const kind of Object.keys(MISP_ATTRIBUTE_MAPPING)) expect(MISP_TYPE_CATEGORIES[MISP_ATTRIBUTE_MAPPING[kind as keyof typeof MISP_ATTRIBUTE_MAPPING].type], kind).toBeDefined();
  });

  it('rates child abuse and terrorism high', () => {
    expect(buildMispEvent(facts('child-abuse'), []).Event.threat_level_id).toBe('1');
    expect(buildMispEvent(facts('terrorism'), []).Event.threat_level_id).toBe('1');
  });
});

describe('STIX 2.1 bundle', () => {
  const f = facts();
  const bundle = buildStixBundle(f, collectObservables(f));
  const ofType = (type: string) => bundle.objects.filter((o) => o.type === type);
  const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

  it('is a bundle of objects with valid ids and spec_version 2.1', () => {
    expect(bundle.type).toBe('bundle');
    expect(bundle.id).toMatch(new RegExp(`^bundle--${UUID_V4.source.slice(1, -1)}$`));
    for (const object of bundle.objects) {
      const [type, uuid] = object.id.split('--');
      expect(type).toBe(object.type);
      expect(uuid).toMatch(UUID_V4);
      expect(object.spec_version).toBe('2.1');
    }
    expect(new Set(bundle.objects.map((o) => o.id)).size).toBe(bundle.objects.length);
  });

  it('gives every domain object created/modified timestamps, its author and TLP:AMBER', () => {
    const identityId = ofType('identity')[0]!.id;
    for (const object of bundle.objects.filter((o) => ['identity', 'report', 'indicator', 'note'].includes(o.type))) {
      expect(object.created).toMatch(TIMESTAMP);
      expect(object.modified).toMatch(TIMESTAMP);
      if (object.type !== 'identity') {
        expect(object.created_by_ref).toBe(identityId);
        expect(object.object_marking_refs).toEqual([STIX_TLP_AMBER]);
      }
    }
  });

  it('has the identity, report, observables, indicator and note with their required properties', () => {
    expect(ofType('identity')[0]).toMatchObject({ identity_class: 'system', name: expect.stringContaining('0123456789abcdef') });
    const report = ofType('report')[0]!;
    expect(report.published).toMatch(TIMESTAMP);
    expect(report.name).toEqual(expect.any(String));
    const ids = new Set(bundle.objects.map((o) => o.id));
    for (const ref of report.object_refs as string[]) expect(ids).toContain(ref);
    expect(ofType('url').map((o) => o.value)).toContain(f.alert.urls[0]);
    expect(ofType('domain-name').map((o) => o.value)).toEqual(expect.arrayContaining(['shop.example.test', 'example.test', 'x'.repeat(56) + '.onion']));
    expect(ofType('ipv4-addr').map((o) => o.value)).toEqual(expect.arrayContaining(['203.0.113.7']));
    expect(ofType('ipv6-addr').map((o) => o.value)).toEqual(['2001:db8::1']);
    for (const sco of [...ofType('url'), ...ofType('domain-name'), ...ofType('ipv4-addr')]) expect(sco).not.toHaveProperty('created');
    const [indicator] = ofType('indicator');
    expect(indicator).toMatchObject({ pattern_type: 'stix', valid_from: expect.stringMatching(TIMESTAMP) });
    expect(indicator!.pattern).toBe(`[url:value = '${stixString(f.alert.urls[0]!)}']`);
    expect(indicator!.pattern).toContain("b=\\'2\\'\\\\x");
    const note = ofType('note')[0]!;
    expect(note.content).toContain(f.qualification);
    expect(note.object_refs).toEqual([report.id]);
  });

  it('gives the instance one identity id across referrals', () => {
    const other = buildStixBundle({ ...f, referralId: 'ref-2' }, []);
    expect(other.objects.find((o) => o.type === 'identity')!.id).toBe(ofType('identity')[0]!.id);
    expect(other.objects.find((o) => o.type === 'report')!.id).not.toBe(ofType('report')[0]!.id);
  });
});

describe('report.html', () => {
  it('escapes every value and carries no script or external resource', () => {
    const html = renderReportHtml(facts());
    const $ = load(html);
    expect($('script, img, iframe, object, embed, link, base, form').length).toBe(0);
    const attributes = $('*').toArray().flatMap((element) => Object.keys((element as { attribs?: Record<string, string> }).attribs ?? {}));
    expect(attributes.filter((name) => /^on|^(src|href|srcset|action|style)$/i.test(name))).toEqual([]);
    // The hostile title comes back as text, character for character.
    expect($('h3').first().text()).toBe(HOSTILE);
    expect($('pre').first().text()).toBe(`texte ${HOSTILE}`);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Qualification retenue');
    expect(html).toContain('01/12/2026 à 09:30:00 UTC');
  });

  it('says so when images are withheld (child abuse)', () => {
    expect(renderReportHtml(facts('child-abuse'))).toContain('aucune capture d\'écran ni aucune image');
    expect(renderReportHtml(facts('carding'))).not.toContain('aucune capture');
  });
});

describe('package ZIP container', () => {
  it('writes the entries in the order given, and refuses a name twice', () => {
    const zip = writeZip([{ path: 'b.txt', content: Buffer.from('b') }, { path: 'a/c.json', content: Buffer.from('{}') }], '2026-12-01T09:30:00.000Z');
    expect(readZip(zip).names).toEqual(['b.txt', 'a/c.json']);
    expect(() => writeZip([{ path: 'x', content: Buffer.from('1') }, { path: 'x', content: Buffer.from('2') }], '2026-12-01T09:30:00.000Z')).toThrow(/twice/);
  });

  it('stops reading an archive that would unpack beyond the cap', () => {
    const zip = writeZip([{ path: 'big.txt', content: Buffer.alloc(100_000) }], '2026-12-01T09:30:00.000Z');
    expect(() => readZip(zip, 10_000)).toThrow(/more than 10000 bytes/);
    expect(readZip(zip).files.get('big.txt')?.length).toBe(100_000);
  });

  it('tells safe entry names from climbing, absolute or odd ones', () => {
    for (const ok of ['manifest.json', 'evidence/abc/response-body.html.txt']) expect(isSafeZipPath(ok), ok).toBe(true);
    for (const bad of ['', '/etc/passwd', '../x', 'a/../../x', 'a//b', './a', 'a\\b', 'a\u0000b', 'dir/']) expect(isSafeZipPath(bad), JSON.stringify(bad)).toBe(false);
  });
});

describe('referral services', () => {
  it('loads the default file, with the services the brief names and a suggestion per category it covers', () => {
    const services = loadReferralServices();
    for (const id of ['ofmin', 'pnat-dgsi-sdat', 'pnlh', 'ofac', 'europol-siena', 'interpol', 'hosting-notice', 'pharos-blocking']) expect(services.get(id), id).toBeDefined();
    expect(services.suggestedFor('child-abuse')?.id).toBe('ofmin');
    expect(services.suggestedFor('terrorism')?.id).toBe('pnat-dgsi-sdat');
    expect(services.suggestedFor('hate')?.id).toBe('pnlh');
    expect(services.suggestedFor('carding')?.id).toBe('ofac');
    for (const category of CATEGORIES) expect(services.suggestedFor(category), category).toBeDefined();
  });

  it('is chosen by VIGIE_REFERRAL_SERVICES', () => {
    expect(loadSettings({ VIGIE_REFERRAL_SERVICES: '/etc/vigie/services.yaml' }).referralServicesFile).toBe('/etc/vigie/services.yaml');
    expect(loadSettings({}).referralServicesFile).toMatch(/config\/referral-services\.yaml$/);
  });

  it('reports every problem of a bad file', () => {
    const text = [
      'services:',
      '  - { id: Bad Id, label: { fr: A, en: Bb }, kind: police, contact: x }',
      '  - { id: dup, label: { fr: Aa, en: Bb }, kind: nope, contact: x, suggestedFor: [hate] }',
    ].join('\n');
    const err = captureConfigError(() => parseReferralServices(text, 'svc.yaml'));
    const paths = err.issues.map((i) => `${i.file}: ${i.path}`);
    expect(paths).toEqual(expect.arrayContaining(['svc.yaml: services.0.id', 'svc.yaml: services.0.label.fr', 'svc.yaml: services.1.kind']));

    const twice = ['services:', '  - { id: a, label: { fr: Aa, en: Aa }, kind: police, contact: x, suggestedFor: [hate] }', '  - { id: a, label: { fr: Bb, en: Bb }, kind: police, contact: y, suggestedFor: [hate] }'].join('\n');
    const messages = captureConfigError(() => parseReferralServices(twice, 'svc.yaml')).issues.map((i) => i.message);
    expect(messages).toEqual(expect.arrayContaining([expect.stringContaining('"a" is used twice'), expect.stringContaining('"hate" is already suggested')]));

    expect(captureConfigError(() => parseReferralServices('services: [', 'svc.yaml')).issues[0]!.message).toMatch(/^YAML/);
    expect(captureConfigError(() => loadReferralServices('/nonexistent/services.yaml')).message).toContain('cannot be read');
  });
});

function captureConfigError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

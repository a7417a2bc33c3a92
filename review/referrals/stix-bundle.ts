// The referral as a STIX 2.1 bundle: the instance as the identity that produced it, a report
// referring to the observables (url, domain-name, ipv4/ipv6-addr, email-addr) and one indicator
// per URL of the flagged content, and a note carrying the analyst's legal qualification. Every
// object is marked TLP:AMBER; ids are `type--<uuid v4 layout>` (stable-uuid.ts).
import { isIP } from 'node:net';
import { CATEGORY_INFO, legalQualification } from '../../extractors/categories.ts';
import type { Observable } from './observables.ts';
import type { ReferralFacts } from './referral-facts.ts';
import { stableUuid } from './stable-uuid.ts';

/** The TLP:AMBER marking definition STIX 2.1 predefines (section 7.2.1.4). */
export const STIX_TLP_AMBER = 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82';

export type StixObject = { type: string; id: string; spec_version: '2.1' } & Record<string, unknown>;

export interface StixBundle {
  type: 'bundle';
  id: string;
  objects: StixObject[];
}

export function buildStixBundle(facts: ReferralFacts, observables: readonly Observable[]): StixBundle {
  const seed = facts.referralId;
  const id = (type: string, name: string) => `${type}--${stableUuid(seed, `stix:${type}:${name}`)}`;
  // STIX timestamps are RFC 3339 UTC with a Z; the referral time is already one.
  const at = new Date(facts.createdAt).toISOString();
  const identityId = `identity--${stableUuid('vigie-instance', facts.instance.keyId)}`;
  const common = { spec_version: '2.1' as const, created: at, modified: at, created_by_ref: identityId, object_marking_refs: [STIX_TLP_AMBER] };
  const info = CATEGORY_INFO[facts.alert.category];

  const identity: StixObject = {
    type: 'identity',
    spec_version: '2.1',
    id: identityId,
    created: at,
    modified: at,
    name: `Vigie (instance ${facts.instance.keyId})`,
    description: `Instance Vigie ${facts.instance.vigieVersion} ; clé de signature Ed25519 ${facts.instance.keyId}`,
    identity_class: 'system',
  };

  const cyber: StixObject[] = [];
  for (const observable of observables) {
    const sco = scoOf(observable);
    if (sco) cyber.push({ type: sco.type, spec_version: '2.1', id: id(sco.type, observable.value), value: sco.value });
  }
  const urls = [...new Set(observables.filter((o) => o.kind === 'url' && o.flagged).map((o) => o.value))];
  const indicators: StixObject[] = urls.map((url) => ({
    type: 'indicator',
    id: id('indicator', url),
    ...common,
    name: `Contenu signalé : ${url}`,
    description: `${info.labelFr} (alerte ${facts.alert.id})`,
    indicator_types: ['malicious-activity'],
    pattern: `[url:value = '${stixString(url)}']`,
    pattern_type: 'stix',
    valid_from: at,
    labels: [facts.alert.category],
  }));
  const report: StixObject = {
    type: 'report',
    id: id('report', 'report'),
    ...common,
    name: `Signalement ${facts.referralId} : ${info.labelFr}`,
    description: `Alerte ${facts.alert.id} signalée à ${facts.service.label.fr} par ${facts.analyst}.`,
    report_types: ['threat-report'],
    published: at,
    labels: [facts.alert.category, ...info.tags],
    object_refs: [...indicators.map((o) => o.id), ...cyber.map((o) => o.id)],
  };
  const note: StixObject = {
    type: 'note',
    id: id('note', 'qualification'),
    ...common,
    abstract: 'Qualification juridique',
    content: noteContent(facts),
    authors: [facts.analyst],
    object_refs: [report.id],
  };
  // A report must refer to something: with no observable at all it refers to its own note.
  if ((report.object_refs as string[]).length === 0) report.object_refs = [note.id];
  return { type: 'bundle', id: id('bundle', 'bundle'), objects: [identity, report, ...indicators, ...cyber, note] };
}

function scoOf(observable: Observable): { type: string; value: string } | null {
  switch (observable.kind) {
    case 'url':
      return { type: 'url', value: observable.value };
    case 'domain':
    case 'hostname':
    case 'onion':
      return { type: 'domain-name', value: observable.value };
    case 'ip':
      return { type: isIP(observable.value) === 6 ? 'ipv6-addr' : 'ipv4-addr', value: observable.value };
    case 'email':
      return { type: 'email-addr', value: observable.value };
    default:
      return null; // wallets, IBANs, phones, hashes: in the MISP event and the report
  }
}

/** A STIX pattern string literal's content: backslash and quote escaped. */
export function stixString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

function noteContent(facts: ReferralFacts): string {
  const lines = [`Qualification retenue par l'analyste : ${facts.qualification}`];
  if (facts.comment) lines.push(`Commentaire : ${facts.comment}`);
  lines.push('Qualifications usuelles pour cette catégorie :', ...legalQualification(facts.alert.category).map((line) => `- ${line}`));
  return lines.join('\n');
}

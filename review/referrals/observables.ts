// The observables a referral names, gathered once for the MISP event and the STIX bundle: the
// URLs the alert was seen on and their hosts, the servers' addresses, the entities extracted from
// the pages, and the hashes of the pages' media. Deduplicated, in a stable order.
import { isIP } from 'node:net';
import type { EntityType } from '../../extractors/types.ts';
import type { ReferralFacts } from './referral-facts.ts';

export type ObservableKind = EntityType | 'hostname' | 'sha256' | 'md5';

export interface Observable {
  kind: ObservableKind;
  value: string;
  /** What it is to this referral, in French (MISP comment, STIX description). */
  comment: string;
  /** Where the flagged content itself is (the alert's URLs): the indicator of the referral. */
  flagged: boolean;
}

export function collectObservables(facts: Pick<ReferralFacts, 'alert' | 'pages'>): Observable[] {
  const found = new Map<string, Observable>();
  const add = (observable: Observable) => {
    const key = `${observable.kind}\u0000${observable.value}`;
    const existing = found.get(key);
    if (!existing) found.set(key, observable);
    else if (observable.flagged && !existing.flagged) found.set(key, { ...existing, flagged: true, comment: observable.comment });
  };
  const addUrl = (url: string, flagged: boolean, comment: string) => {
    add({ kind: 'url', value: url, comment, flagged });
    const host = hostOf(url);
    if (host) add(host);
  };

  for (const url of facts.alert.urls) addUrl(url, true, 'URL du contenu signalé');
  for (const page of facts.pages) {
    addUrl(page.url, true, 'URL du contenu signalé');
    if (page.finalUrl !== page.url) addUrl(page.finalUrl, false, `URL finale après redirection de ${page.url}`);
    if (page.remoteAddress) add({ kind: 'ip', value: page.remoteAddress, comment: `Adresse du serveur ayant répondu pour ${page.url}`, flagged: false });
  }
  for (const page of facts.pages) {
    for (const entity of page.entities) add({ kind: entity.type, value: entity.value, comment: `Mentionné dans la page ${page.url}`, flagged: false });
  }
  for (const page of facts.pages) {
    for (const media of page.media ?? []) {
      const what = media.kind === 'image' ? 'Image' : 'Fichier';
      add({ kind: 'sha256', value: media.sha256, comment: `${what} de la page ${page.url} (${media.url})`, flagged: false });
      if (media.md5) add({ kind: 'md5', value: media.md5, comment: `${what} de la page ${page.url} (${media.url})`, flagged: false });
    }
  }
  return [...found.values()];
}

function hostOf(url: string): Observable | null {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return null;
  }
  if (host === '') return null;
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  if (isIP(bare) !== 0) return { kind: 'ip', value: bare, comment: `Hôte de ${url}`, flagged: false };
  if (bare.endsWith('.onion')) return { kind: 'hostname', value: bare, comment: `Service onion de ${url}`, flagged: false };
  return { kind: 'domain', value: bare, comment: `Domaine de ${url}`, flagged: false };
}

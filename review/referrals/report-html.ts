// report.html: the referral as a reader sees it, in French, self-contained (inline style, no
// script, no external resource, a CSP that forbids both) and escaping every value it shows, since
// page titles, text and URLs come from the sites under watch. Chromium prints it as report.pdf.
import { CATEGORY_INFO } from '../../extractors/categories.ts';
import type { PageDocument } from '../../indexer/types.ts';
import { withholdsImages, type PageEvidenceBundle } from './collect-evidence.ts';
import type { ReferralFacts } from './referral-facts.ts';

const TEXT_EXCERPT_CHARS = 3000;

const STATUS_FR: Record<string, string> = {
  new: 'nouvelle', assigned: 'attribuée', confirmed: 'confirmée', dismissed: 'écartée', escalated: 'remontée', referred: 'signalée',
};

const STYLE = `
body { font: 11pt/1.45 "DejaVu Sans", Arial, sans-serif; color: #111; margin: 2em; }
h1 { font-size: 16pt; margin: 0 0 .2em; } h2 { font-size: 13pt; border-bottom: 1px solid #999; margin-top: 1.6em; }
h3 { font-size: 11.5pt; margin-bottom: .3em; }
table { border-collapse: collapse; width: 100%; margin: .4em 0; } th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eee; width: 28%; } code, .mono { font-family: "DejaVu Sans Mono", monospace; font-size: 9pt; word-break: break-all; }
.notice { border: 2px solid #a00; padding: .5em .8em; background: #fee; } pre { white-space: pre-wrap; word-break: break-word; font-size: 9.5pt; background: #f6f6f6; padding: .5em; }
`;

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function renderReportHtml(facts: ReferralFacts): string {
  const info = CATEGORY_INFO[facts.alert.category];
  const withheld = withholdsImages(facts.alert.category, { flags: facts.pages.flatMap((page) => page.flags) });
  const parts: string[] = [
    '<!DOCTYPE html>',
    '<html lang="fr"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(`Signalement ${facts.referralId}`)}</title><style>${STYLE}</style></head><body>`,
    `<h1>Signalement : ${escapeHtml(info.labelFr)}</h1>`,
    `<p>Destinataire : <strong>${escapeHtml(facts.service.label.fr)}</strong></p>`,
  ];
  if (withheld) {
    parts.push(
      '<p class="notice" role="note">Atteintes aux mineurs : conformément à la politique de l\'instance, ce paquet ne contient ' +
        'aucune capture d\'écran ni aucune image. Les fichiers écartés sont listés avec leur empreinte SHA-256, ce qui permet ' +
        'leur comparaison avec les bases d\'empreintes sans les transmettre.</p>',
    );
  }
  parts.push(
    '<h2>Référence</h2>',
    table([
      ['Signalement', code(facts.referralId)],
      ['Date', escapeHtml(dateFr(facts.createdAt))],
      ['Analyste', escapeHtml(facts.analyst)],
      ['Service', `${escapeHtml(facts.service.label.fr)} (${code(facts.service.id)})`],
      ['Acheminement', escapeHtml(facts.service.contact)],
      ['Instance', `Vigie ${escapeHtml(facts.instance.vigieVersion)}, clé de signature ${code(facts.instance.keyId)}`],
    ]),
    '<h2>Qualification</h2>',
    `<p><strong>Qualification retenue :</strong> ${escapeHtml(facts.qualification)}</p>`,
    facts.comment ? `<p><strong>Commentaire :</strong> ${escapeHtml(facts.comment)}</p>` : '',
    '<p>Qualifications usuelles pour cette catégorie (indicatives) :</p>',
    `<ul>${info.legal.map((l) => `<li>${escapeHtml(l.offence)} (${escapeHtml(l.reference)})</li>`).join('')}</ul>`,
    '<h2>Alerte</h2>',
    table([
      ['Alerte', code(facts.alert.id)],
      ['Catégorie', escapeHtml(info.labelFr)],
      ['Score', `${escapeHtml(facts.alert.score.toFixed(2))} (calibré ${escapeHtml(facts.alert.calibratedScore.toFixed(2))})`],
      ['Statut', escapeHtml(STATUS_FR[facts.alert.status] ?? facts.alert.status)],
      ['Règles', escapeHtml(facts.alert.ruleIds.join(', '))],
      ['Étiquettes', escapeHtml(facts.alert.tags.join(', '))],
      ['Vue pour la première fois', escapeHtml(dateFr(facts.alert.firstSeen))],
      ['Vue pour la dernière fois', escapeHtml(dateFr(facts.alert.lastSeen))],
      ['Adresses (URL)', facts.alert.urls.map((url) => code(url)).join('<br>')],
    ]),
  );
  parts.push('<h2>Pages capturées</h2>');
  for (const bundle of facts.evidence) parts.push(pageSection(bundle));
  parts.push('<h2>Historique des décisions</h2>');
  parts.push(
    facts.history.length === 0
      ? '<p>Aucune décision antérieure.</p>'
      : list(facts.history.map((h) => `${escapeHtml(dateFr(h.at))} : ${escapeHtml(h.actor)}, ${escapeHtml(STATUS_FR[h.previousStatus] ?? h.previousStatus)} → ${escapeHtml(STATUS_FR[h.status] ?? h.status)}${h.reason ? ` (${escapeHtml(h.reason)})` : ''}${h.comment ? ` : ${escapeHtml(h.comment)}` : ''}`)),
  );
  parts.push('<h2>Commentaires</h2>');
  parts.push(facts.comments.length === 0 ? '<p>Aucun commentaire.</p>' : list(facts.comments.map((c) => `${escapeHtml(dateFr(c.at))} : ${escapeHtml(c.author)} : ${escapeHtml(c.text)}`)));
  parts.push(
    '<h2>Intégrité du paquet</h2>',
    '<p>Le fichier <code>manifest.json</code> donne l\'empreinte SHA-256 et la taille de chaque autre fichier du paquet ; il est signé ' +
      `(Ed25519, JSON canonique RFC 8785) par la clé de l'instance ${code(facts.instance.keyId)}. Chaque page garde son manifeste de preuve ` +
      'signé au moment de la capture (<code>evidence/&lt;page&gt;/manifest.json</code>). Vérification : ' +
      '<code>vigie referrals verify paquet.zip</code>. Les pages capturées sont enregistrées avec l\'extension .txt pour ne jamais être ' +
      'ouvertes dans un navigateur par mégarde ; leurs octets sont ceux de la capture.</p>',
    '</body></html>',
  );
  return parts.filter(Boolean).join('\n');
}

function pageSection(bundle: PageEvidenceBundle): string {
  const page = bundle.page;
  const rows: [string, string][] = [
    ['Page', code(page.id)],
    ['URL', code(page.url)],
    ['URL finale', code(page.finalUrl)],
    ['Capturée le', escapeHtml(dateFr(page.fetchedAt))],
    ['Statut HTTP', escapeHtml(page.httpStatus)],
    ['Adresse du serveur', page.remoteAddress ? code(page.remoteAddress) : 'inconnue'],
    ['Titre', escapeHtml(page.title)],
    ['Langue', escapeHtml(page.language ?? 'inconnue')],
    ['Rendu par Chromium', page.rendered ? 'oui' : 'non'],
  ];
  const captured = bundle.manifest?.signed.manifest;
  if (captured && captured.redirects.length > 0) rows.push(['Redirections', captured.redirects.map((url) => code(url)).join('<br>')]);
  if (captured?.tls) {
    const tls = captured.tls;
    rows.push(['Certificat TLS', `${escapeHtml(tls.subject)}<br>émis par ${escapeHtml(tls.issuer)}<br>valide du ${escapeHtml(tls.validFrom)} au ${escapeHtml(tls.validTo)}<br>empreinte SHA-256 ${code(tls.fingerprint256)}`]);
  }
  return [
    `<h3>${escapeHtml(page.title || page.url)}</h3>`,
    table(rows),
    flagsOf(page),
    entitiesOf(page),
    `<p>Extrait du texte principal :</p><pre>${escapeHtml(excerpt(page.text))}</pre>`,
    evidenceOf(bundle),
  ].join('\n');
}

function flagsOf(page: PageDocument): string {
  if (page.flags.length === 0) return '';
  return `<p>Motifs de détection :</p>${list(
    page.flags.map((flag) => {
      const rules = flag.rules.map((rule) => `${rule.ruleId} (${rule.terms.map((t) => t.term).join(', ') || 'sans terme'})`).join(' ; ');
      return `${escapeHtml(CATEGORY_INFO[flag.category].labelFr)}, score ${escapeHtml(flag.score.toFixed(2))} : ${escapeHtml(rules)}`;
    }),
  )}`;
}

function entitiesOf(page: PageDocument): string {
  const seen = new Set<string>();
  const rows: [string, string][] = [];
  for (const entity of page.entities) {
    const key = `${entity.type}:${entity.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push([entity.type, code(entity.value)]);
  }
  return rows.length === 0 ? '' : `<p>Entités relevées :</p>${table(rows)}`;
}

function evidenceOf(bundle: PageEvidenceBundle): string {
  if (!bundle.manifest) return '<p>Aucune preuve signée n\'a été enregistrée pour cette page.</p>';
  const rows: [string, string][] = [['Manifeste signé', `${code(bundle.manifest.path)}<br>SHA-256 ${code(bundle.manifest.sha256)}`]];
  for (const file of bundle.files) rows.push([file.role, `${code(file.path)}<br>SHA-256 ${code(file.sha256)}, ${escapeHtml(file.bytes)} octets`]);
  for (const gone of bundle.omitted) rows.push([gone.role, `non joint : ${escapeHtml(gone.reason)}<br>SHA-256 ${code(gone.sha256)}, ${escapeHtml(gone.bytes)} octets`]);
  return `<p>Éléments de preuve :</p>${table(rows)}`;
}

/** "01/12/2026 à 09:30:00 UTC": French reading order, always UTC (the times evidence carries). */
export function dateFr(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getUTCDate())}/${two(date.getUTCMonth() + 1)}/${date.getUTCFullYear()} à ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC`;
}

function excerpt(text: string): string {
  return text.length <= TEXT_EXCERPT_CHARS ? text : `${text.slice(0, TEXT_EXCERPT_CHARS)} […]`;
}

function code(value: string): string {
  return `<code>${escapeHtml(value)}</code>`;
}

/** Row names are plain text (escaped here); cells are HTML already escaped by the caller. */
function table(rows: readonly [string, string][]): string {
  return `<table>${rows.map(([name, value]) => `<tr><th scope="row">${escapeHtml(name)}</th><td>${value}</td></tr>`).join('')}</table>`;
}

/** Items already escaped. */
function list(items: readonly string[]): string {
  return `<ul>${items.map((item) => `<li>${item}</li>`).join('')}</ul>`;
}

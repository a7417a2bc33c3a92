// The evidence panels of an alert's page: the capture (a sandboxed frame: no script, no same
// origin, and the server's sanitised HTML under `default-src 'none'`), the main text with the
// matched terms and entities marked, the screenshot blurred until asked for, the media hashes and
// the evidence manifest with its signature status. Everything is drawn as text nodes.
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';

/** @param {string} pageId */
const pagePath = (pageId) => `/api/v1/pages/${encodeURIComponent(pageId)}`;

/** @param {string} pageId */
export function captureFrame(pageId) {
  // sandbox="" (present and empty): scripts, forms, popups and the desk's origin are all denied.
  return h('iframe', { sandbox: '', class: 'capture', src: `${pagePath(pageId)}/capture`, title: t('alert.capture-frame'), referrerpolicy: 'no-referrer' });
}

/**
 * The text cut by the server's disjoint `marks`; a mark's title says what it matched.
 * @param {string} text
 * @param {{ highlights?: any[], marks?: Array<{ start: number, end: number, highlights: number[] }> } | undefined} found
 */
export function markedText(text, found) {
  const spans = found?.highlights ?? [];
  /** @type {Array<Node | string>} */
  const parts = [];
  let at = 0;
  for (const mark of found?.marks ?? []) {
    if (mark.start < at || mark.end > text.length) continue;
    if (mark.start > at) parts.push(text.slice(at, mark.start));
    const covering = mark.highlights.map((i) => spans[i]).filter(Boolean);
    const entity = covering.every((span) => span.kind === 'entity');
    const title = covering
      .map((span) => (span.kind === 'entity' ? `${span.type}: ${span.value}` : `${t(`category.${span.category}`)} · ${span.ruleId} · « ${span.term} »${span.reading ? ` (${span.reading})` : ''}`))
      .join('\n');
    parts.push(h('mark', { class: entity ? 'entity' : 'term', title }, text.slice(mark.start, mark.end)));
    at = mark.end;
  }
  if (at < text.length) parts.push(text.slice(at));
  return h('div', { class: 'main-text', tabindex: 0, role: 'region', 'aria-label': t('alert.main-text') }, parts);
}

/**
 * The screenshot, blurred until the analyst presses the button; if the server has none or withheld
 * it (a child-abuse hash match), its message says so instead and nothing is requested.
 * @param {string} pageId
 * @param {'stored' | 'withheld' | 'none' | undefined} state from the alert's page summary
 */
export function screenshotPanel(pageId, state) {
  const src = `${pagePath(pageId)}/screenshot`;
  const panel = h('div', { class: 'screenshot' });
  if (state === 'withheld' || state === 'none') {
    const message = state === 'withheld' ? t('alert.screenshot-withheld') : t('alert.no-screenshot');
    mount(panel, h('p', { class: `note ${state}` }, message));
    return panel;
  }
  const image = h('img', { src, alt: t('alert.screenshot-alt'), class: 'blurred' });
  const toggle = h(
    'button',
    {
      type: 'button',
      'aria-pressed': 'false',
      onclick: () => {
        const shown = image.classList.toggle('blurred') === false;
        toggle.setAttribute('aria-pressed', String(shown));
        toggle.textContent = shown ? t('alert.hide-image') : t('alert.show-image');
      },
    },
    t('alert.show-image'),
  );
  image.addEventListener('error', async () => {
    const answer = await fetch(src, { credentials: 'same-origin' }).then((r) => r.json()).catch(() => null);
    mount(panel, h('p', { class: 'note' }, answer?.error?.message ?? t('alert.no-screenshot')));
  });
  mount(panel, h('div', null, toggle), image);
  return panel;
}

/** @param {any[] | undefined} media */
export function mediaList(media) {
  if (!media || media.length === 0) return h('p', { class: 'note' }, t('alert.no-media'));
  return h(
    'table',
    null,
    h('caption', null, t('alert.media-caption', { count: media.length })),
    h('thead', null, h('tr', null, ['kind', 'url', 'type', 'bytes', 'sha256'].map((col) => h('th', { scope: 'col' }, t(`alert.media-${col}`))))),
    h(
      'tbody',
      null,
      media.map((m) =>
        h('tr', null, h('td', null, m.kind), h('td', null, h('span', { class: 'url', title: m.url }, m.url)), h('td', null, m.mediaType), h('td', { class: 'num' }, m.bytes), h('td', { class: 'hashes' }, m.sha256)),
      ),
    ),
  );
}

/**
 * The signed manifest, its artifacts re-hashed and whether the signature checks out
 * (GET /pages/:id/evidence: review/evidence/evidence-status.ts).
 * @param {string} pageId
 */
export async function evidencePanel(pageId) {
  /** @type {any} */
  const evidence = await api.get(`/pages/${encodeURIComponent(pageId)}/evidence`, undefined, { quiet: true }).catch((err) => ({ failed: err.message }));
  if (evidence.failed) return h('p', { class: 'note' }, evidence.failed);
  const signature = evidence.signature?.status ?? 'unchecked';
  return h(
    'div',
    null,
    h(
      'p',
      null,
      h('strong', { class: evidence.verified ? 'verified' : 'unverified' }, evidence.verified ? t('alert.verified') : t('alert.not-verified')),
      ' · ',
      t('alert.signature'),
      ' ',
      h('span', { class: `signature signature-${signature}` }, t(`signature.${signature}`)),
      evidence.signature?.keyId && h('span', { class: 'muted' }, ` (${evidence.signature.keyId})`),
    ),
    h('p', { class: 'hashes' }, t('alert.manifest'), ' ', evidence.manifestSha256 ?? t('common.none'), ' · ', evidence.manifest?.status ?? ''),
    h(
      'ul',
      { class: 'hashes' },
      (evidence.artifacts ?? []).map((/** @type {any} */ a) => h('li', null, `${a.role} · ${a.mediaType} · ${a.bytes} B · ${a.sha256} · ${a.status}`)),
    ),
    evidence.warc && h('p', { class: 'hashes' }, `WARC ${evidence.warc.file} ${evidence.warc.recordId} · ${evidence.warc.status}`),
    (evidence.problems ?? []).length > 0 && h('ul', { class: 'problem' }, evidence.problems.map((/** @type {any} */ p) => h('li', null, `${p.code}: ${p.message}`))),
  );
}

/**
 * Why the alert was raised: the flag of its category on the page (score, each rule with its
 * weight, the terms it matched, the entities it required, and facts such as a hash-list match),
 * and the legal qualifications the category points to.
 * @param {any} flag the page summary's flag (GET /alerts/:id page.flag), or null
 * @param {string[]} qualifications
 */
export function whyList(flag, qualifications) {
  return h(
    'div',
    { class: 'why' },
    flag
      ? [
          h('p', null, t('alert.flag-score'), ' ', h('strong', null, Number(flag.score).toFixed(2))),
          h(
            'ul',
            { class: 'rules' },
            (flag.rules ?? []).map((/** @type {any} */ rule) =>
              h(
                'li',
                null,
                h('code', null, rule.ruleId),
                h('span', { class: 'muted' }, ` × ${Number(rule.weight).toFixed(2)}`),
                rule.terms?.length > 0 && h('div', null, [...new Set(rule.terms.map((/** @type {any} */ m) => m.term))].map((term) => h('mark', { class: 'term' }, String(term))).flatMap((mark) => [mark, ' '])),
                rule.entities?.length > 0 && h('div', { class: 'muted' }, t('alert.rule-entities'), ' ', rule.entities.join(', ')),
                rule.details && h('div', { class: 'muted hashes' }, Object.entries(rule.details).map(([key, value]) => `${key}: ${value}`).join(' · ')),
              ),
            ),
          ),
          flag.tags?.length > 0 && h('p', { class: 'muted hashes' }, flag.tags.join(' ')),
        ]
      : h('p', { class: 'note' }, t('alert.no-flag')),
    qualifications.length > 0 && [h('h3', null, t('alert.qualification')), h('ul', null, qualifications.map((q) => h('li', null, q)))],
  );
}

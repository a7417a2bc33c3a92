// One entity (a wallet, a phone number, an e-mail, an IBAN, a Telegram handle, an onion address...):
// the sites it appears on, the pages and alerts that mention it, and the entities seen beside it,
// each a pivot to its own page.
import { api, ApiError } from '../api.js';
import { formatTime, h, mount } from '../dom.js';
import { lang, t } from '../i18n.js';
import { entityLink } from './search-hits.js';

/** @param {import('../app.js').PageContext} ctx */
export default async function entity(ctx) {
  const { type, value } = ctx.params;
  const title = t('entity.title', { type: type ?? '', value: value ?? '' });
  ctx.setTitle(title);
  let answer;
  try {
    answer = await api.get(`/entities/${encodeURIComponent(type ?? '')}/${encodeURIComponent(value ?? '')}`, { limit: 50 }, { quiet: true });
  } catch (err) {
    // A value that is not a valid entity of its type (a mistyped link): say why, offer the graph.
    if (!(err instanceof ApiError)) throw err;
    return mount(ctx.main, h('h1', null, title), h('p', { class: 'problem', role: 'alert' }, err.message), h('p', null, h('a', { href: '/entities' }, t('entity.graph-link'))));
  }
  const key = `${answer.entity.type}:${answer.entity.value}`;
  const canAlerts = ctx.me.capabilities.includes('alerts:read');
  mount(
    ctx.main,
    h('p', { class: 'breadcrumb' }, h('a', { href: '/entities' }, t('entity.graph-link'))),
    h('h1', null, h('span', { class: 'entity-type' }, answer.entity.type), ' ', h('span', { class: 'entity-value' }, answer.entity.value)),
    h(
      'p',
      { class: 'toolbar' },
      h('span', { class: 'count' }, t('entity.summary', { pages: answer.total, sites: answer.sites.length, alerts: answer.alerts.length })),
      h('a', { class: 'button', href: `/search?entity=${encodeURIComponent(key)}` }, t('entity.search-link')),
    ),
    answer.sampledPages < answer.total && h('p', { class: 'note' }, t('entity.sampled', { sampled: answer.sampledPages, total: answer.total })),
    h(
      'div',
      { class: 'entity-grid' },
      h(
        'section',
        { 'aria-labelledby': 'entity-sites' },
        h('h2', { id: 'entity-sites' }, t('entity.sites')),
        table(
          t('entity.sites-caption', { count: answer.sites.length }),
          ['site', 'host', 'pages'],
          answer.sites.map((/** @type {any} */ s) => [h('a', { href: `/search?domain=${encodeURIComponent(s.site)}&entity=${encodeURIComponent(key)}` }, s.site), s.host, s.pages]),
        ),
      ),
      h(
        'section',
        { 'aria-labelledby': 'entity-cooccurring' },
        h('h2', { id: 'entity-cooccurring' }, t('entity.cooccurring')),
        answer.cooccurring.length === 0
          ? h('p', { class: 'note' }, t('common.none'))
          : h(
              'ul',
              { class: 'entity-list', 'aria-labelledby': 'entity-cooccurring' },
              answer.cooccurring.map((/** @type {any} */ e) => h('li', null, entityLink(e.type, e.value), ' ', h('span', { class: 'muted' }, t('entity.on-pages', { count: e.pages })))),
            ),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'entity-alerts' },
      h('h2', { id: 'entity-alerts' }, t('entity.alerts')),
      table(
        t('entity.alerts-caption', { count: answer.alerts.length }),
        ['alert', 'category', 'status', 'score', 'last-seen'],
        answer.alerts.map((/** @type {any} */ a) => [
          canAlerts ? h('a', { href: `/alerts/${encodeURIComponent(a.id)}` }, t('entity.alert-link', { category: t(`category.${a.category}`), url: a.urls?.[0] ?? a.id })) : a.id,
          t(`category.${a.category}`),
          h('span', { class: `status status-${a.status}` }, t(`status.${a.status}`)),
          Math.round((a.calibratedScore ?? a.score) * 100) / 100,
          formatTime(a.lastSeen, lang()),
        ]),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'entity-pages' },
      h('h2', { id: 'entity-pages' }, t('entity.pages')),
      table(
        t('entity.pages-caption', { shown: answer.pages.length, total: answer.total }),
        ['title', 'url', 'fetched', 'target'],
        answer.pages.map((/** @type {any} */ p) => [p.title || t('search.untitled'), h('span', { class: 'url', title: p.url }, p.url), formatTime(p.fetchedAt, lang()), p.targetId]),
      ),
    ),
  );
}

/**
 * @param {string} caption
 * @param {string[]} columns i18n keys under entity.col-
 * @param {import('../dom.js').Child[][]} rows
 */
function table(caption, columns, rows) {
  return h(
    'table',
    null,
    h('caption', null, caption),
    h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col' }, t(`entity.col-${c}`))))),
    h(
      'tbody',
      null,
      rows.length === 0 && h('tr', null, h('td', { colspan: columns.length }, t('common.none'))),
      rows.map((cells) => h('tr', null, cells.map((cell) => h('td', { class: typeof cell === 'number' ? 'num' : undefined }, cell)))),
    ),
  );
}

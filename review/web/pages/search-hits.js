// One search result: title, address (as text: the desk never links to the live page), when and
// where it was collected, its categories and snippet, and on request the entities the page
// carries, each a pivot to its entity page. Reading a page's entities is an audited evidence view,
// so they are fetched only when asked for.
import { api } from '../api.js';
import { formatTime, h, mount } from '../dom.js';
import { lang, t } from '../i18n.js';

/**
 * A link to an entity's page (its type shown as a tag).
 * @param {string} type
 * @param {string} value
 */
export function entityLink(type, value) {
  return h('a', { class: 'entity', href: `/entities/${encodeURIComponent(type)}/${encodeURIComponent(value)}` }, h('span', { class: 'entity-type' }, type), ' ', value);
}

/**
 * @param {any} hit a hit of GET /api/v1/search
 * @param {{ canReadEvidence: boolean }} options evidence:read: the entities button
 */
export function renderHit(hit, { canReadEvidence }) {
  const entitiesId = `entities-${hit.id}`;
  const entities = h('div', { id: entitiesId, class: 'hit-entities', hidden: true });
  const toggle = h(
    'button',
    {
      type: 'button',
      'aria-expanded': 'false',
      'aria-controls': entitiesId,
      onclick: async () => {
        const open = toggle.getAttribute('aria-expanded') === 'true';
        toggle.setAttribute('aria-expanded', String(!open));
        entities.hidden = open;
        if (!open && entities.childElementCount === 0) await loadEntities(hit.id, entities);
      },
    },
    t('search.show-entities'),
  );
  return h(
    'li',
    { class: 'hit', 'data-id': hit.id },
    h('h3', null, hit.title || t('search.untitled')),
    h('p', { class: 'url' }, hit.url),
    h(
      'p',
      { class: 'muted' },
      formatTime(hit.fetchedAt, lang()),
      ' · ',
      hit.targetId,
      hit.language ? ` · ${hit.language}` : '',
      (hit.categories ?? []).map((/** @type {string} */ c) => [' ', h('span', { class: 'status' }, t(`category.${c}`))]),
    ),
    h('p', { class: 'snippet' }, hit.snippet),
    canReadEvidence && [toggle, entities],
  );
}

/**
 * A page's entities, once each.
 * @param {string} pageId
 * @param {HTMLElement} into
 */
async function loadEntities(pageId, into) {
  const page = await api.get(`/pages/${encodeURIComponent(pageId)}`);
  /** @type {Map<string, { type: string, value: string }>} */
  const seen = new Map();
  for (const entity of page.entities ?? []) seen.set(`${entity.type}:${entity.value}`, entity);
  mount(
    into,
    seen.size === 0
      ? h('p', { class: 'note' }, t('search.no-entities'))
      : h(
          'ul',
          { class: 'entity-list', 'aria-label': t('search.page-entities', { title: page.title || page.url }) },
          [...seen.values()].map((e) => h('li', null, entityLink(e.type, e.value))),
        ),
  );
}

// The audit log (admin): newest first, filtered by actor, action and subject, paged backwards
// with `before` (the last sequence number seen). Read-only: no route edits the log.
import { api } from '../api.js';
import { field, formatTime, h, mount } from '../dom.js';
import { lang, t } from '../i18n.js';

const PAGE_SIZE = 100;
const FILTERS = ['actor', 'action', 'subject'];

/** @param {import('../app.js').PageContext} ctx */
export default async function audit(ctx) {
  ctx.setTitle(t('audit.title'));
  let query = new URLSearchParams(location.search);
  const tbody = h('tbody');
  const caption = h('caption', null, t('audit.caption'));
  const pager = h('nav', { class: 'pager', 'aria-label': t('audit.pager') });
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': t('audit.filter') },
    FILTERS.map((name) => field(t(`audit.${name}`), h('input', { name, value: query.get(name) ?? '', maxlength: 300 }))),
    h('button', { type: 'submit', class: 'primary' }, t('queue.filter')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const next = new URLSearchParams();
    for (const name of FILTERS) {
      const value = String(data.get(name) ?? '').trim();
      if (value) next.set(name, value);
    }
    go(next);
  });
  mount(
    ctx.main,
    h('h1', null, t('audit.title')),
    form,
    h(
      'table',
      null,
      caption,
      h('thead', null, h('tr', null, ['seq', 'at', 'actor', 'action', 'subject', 'outcome', 'ip', 'detail'].map((col) => h('th', { scope: 'col' }, t(`audit.col-${col}`))))),
      tbody,
    ),
    pager,
  );

  /** @param {URLSearchParams} next */
  function go(next) {
    const search = next.toString();
    history.pushState(null, '', `/audit${search ? `?${search}` : ''}`);
    query = next;
    void load();
  }

  async function load() {
    const { entries, next } = await api.get('/audit', {
      actor: query.get('actor'),
      action: query.get('action'),
      subject: query.get('subject'),
      before: query.get('before'),
      limit: PAGE_SIZE,
    });
    mount(
      tbody,
      entries.length === 0 && h('tr', null, h('td', { colspan: 8 }, t('audit.empty'))),
      entries.map((/** @type {any} */ e) =>
        h(
          'tr',
          { class: `outcome-${e.outcome}` },
          h('td', { class: 'num' }, e.seq),
          h('td', null, formatTime(e.at, lang())),
          h('td', null, e.actor),
          h('td', null, e.action),
          h('td', null, h('span', { class: 'url', title: e.subject ?? '' }, e.subject ?? '')),
          h('td', null, e.outcome),
          h('td', null, e.ip ?? ''),
          h('td', { class: 'hashes' }, e.detail ? JSON.stringify(e.detail) : ''),
        ),
      ),
    );
    const newest = () => {
      const copy = new URLSearchParams(query);
      copy.delete('before');
      go(copy);
    };
    const older = () => {
      const copy = new URLSearchParams(query);
      copy.set('before', String(next));
      go(copy);
    };
    mount(
      pager,
      h('button', { type: 'button', disabled: !query.get('before'), onclick: newest }, t('audit.newest')),
      h('button', { type: 'button', disabled: next === null, onclick: older }, t('audit.older')),
    );
  }

  await load();
}

// The team's saved searches (under the search screen): each raises an alert in its category on
// every new page it matches. Pause or resume, delete (after a confirmation), or open it as a search.
import { api } from '../api.js';
import { announce, formatTime, h, mount, runDialog } from '../dom.js';
import { lang, t } from '../i18n.js';

/** The search form tells the list to re-read itself through this document event. */
export const SAVED_SEARCHES_CHANGED = 'vigie:saved-searches-changed';

/**
 * @param {object} options
 * @param {boolean} options.canWrite saved-searches:write
 * @param {(path: string) => void} options.navigate
 * @returns {Promise<{ section: HTMLElement, dispose: () => void }>} dispose: when the screen goes
 */
export async function savedSearches({ canWrite, navigate }) {
  const tbody = h('tbody');
  const caption = h('caption');
  const section = h(
    'section',
    { class: 'saved-searches', 'aria-labelledby': 'saved-searches-title' },
    h('h2', { id: 'saved-searches-title' }, t('saved.title')),
    h(
      'table',
      null,
      caption,
      h('thead', null, h('tr', null, ['name', 'query', 'category', 'owner', 'created', 'state', 'actions'].map((col) => h('th', { scope: 'col' }, t(`saved.col-${col}`))))),
      tbody,
    ),
  );

  async function load() {
    const { savedSearches: list } = await api.get('/saved-searches');
    caption.textContent = t('saved.caption', { count: list.length });
    mount(tbody, list.length === 0 && h('tr', null, h('td', { colspan: 7 }, t('saved.empty'))), list.map(row));
  }

  /** @param {any} saved */
  function row(saved) {
    return h(
      'tr',
      { 'data-id': saved.id },
      h('td', null, saved.name),
      h('td', null, h('code', null, saved.query)),
      h('td', null, t(`category.${saved.category}`)),
      h('td', null, saved.owner),
      h('td', null, formatTime(saved.createdAt, lang())),
      h('td', null, saved.enabled ? t('saved.enabled') : t('saved.paused')),
      h(
        'td',
        { class: 'actions-cell' },
        h('button', { type: 'button', onclick: () => navigate(`/search?q=${encodeURIComponent(saved.query)}`) }, t('saved.open', { name: saved.name })),
        canWrite && [
          ' ',
          h(
            'button',
            {
              type: 'button',
              onclick: async () => {
                await api.patch(`/saved-searches/${encodeURIComponent(saved.id)}`, { enabled: !saved.enabled });
                announce(t(saved.enabled ? 'saved.paused-msg' : 'saved.enabled-msg', { name: saved.name }));
                await load();
              },
            },
            saved.enabled ? t('saved.pause', { name: saved.name }) : t('saved.resume', { name: saved.name }),
          ),
          ' ',
          h('button', { type: 'button', class: 'danger', onclick: () => void remove(saved) }, t('saved.delete', { name: saved.name })),
        ],
      ),
    );
  }

  /** @param {any} saved */
  async function remove(saved) {
    const dialog = h(
      'dialog',
      { 'aria-labelledby': 'confirm-title' },
      h(
        'form',
        null,
        h('h2', { id: 'confirm-title' }, t('saved.confirm-title', { name: saved.name })),
        h('p', null, t('saved.confirm-text')),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'submit', class: 'danger' }, t('saved.confirm-delete')),
          h('button', { type: 'button', onclick: () => dialog.close() }, t('common.cancel')),
        ),
      ),
    );
    if (!(await runDialog(dialog, () => true))) return;
    await api.del(`/saved-searches/${encodeURIComponent(saved.id)}`);
    announce(t('saved.deleted', { name: saved.name }));
    await load();
  }

  const reload = () => void load();
  document.addEventListener(SAVED_SEARCHES_CHANGED, reload);
  await load();
  return { section, dispose: () => document.removeEventListener(SAVED_SEARCHES_CHANGED, reload) };
}

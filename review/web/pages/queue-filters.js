// The queue's view as a URL query (status, category, target, assignee, dates, grouping, page and
// page size), the form that edits it, and its translation into GET /api/v1/alerts parameters.
import { field, h } from '../dom.js';
import { t } from '../i18n.js';
import { ALERT_STATUSES, CATEGORIES } from '../vocab.js';

const PAGE_SIZE = 50;
/** The queue view last shown (filters, page), for the alert page's way back. */
export const LAST_QUEUE_KEY = 'vigie.queue';
const FILTERS = ['status', 'category', 'target', 'assignee', 'from', 'to', 'seen', 'group'];

/**
 * Rows per page: 50, or the URL's `limit` (1 to 200) for a longer or shorter view.
 * @param {URLSearchParams} query
 */
export function pageSize(query) {
  const limit = Number(query.get('limit'));
  return Number.isInteger(limit) && limit >= 1 ? Math.min(200, Math.max(1, limit)) : PAGE_SIZE;
}

/**
 * A day picked in the browser's time zone, as the ISO instant that starts or ends it.
 * @param {string | null} day YYYY-MM-DD
 * @param {string} time
 */
function localDayEdge(day, time) {
  if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const at = new Date(`${day}${time}`);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/**
 * The URL's filters as the API's query (dates are whole days of the analyst's time zone).
 * @param {URLSearchParams} query
 */
export function apiQuery(query) {
  const status = query.get('status') ?? 'open';
  const page = Math.max(1, Number(query.get('page')) || 1);
  // Alerts seen again since their decision are decided ones: with the default (open) status the
  // filter looks at every status, or it would hide the confirmed and referred ones it is for.
  const seen = query.get('seen') === '1';
  return {
    ...(status === 'open' && !seen ? { queue: 'open' } : status === 'all' || status === 'open' ? {} : { status }),
    seenSinceDecision: seen ? '1' : undefined,
    category: query.get('category'),
    target: query.get('target'),
    assignee: query.get('assignee'),
    from: localDayEdge(query.get('from'), 'T00:00:00'),
    to: localDayEdge(query.get('to'), 'T23:59:59.999'),
    group: query.get('group') === 'content' ? 'content' : undefined,
    limit: pageSize(query),
    offset: (page - 1) * pageSize(query),
  };
}

/**
 * The filter form, filled from the URL; on submit, `go` gets the new query (the page size kept).
 * @param {URLSearchParams} query
 * @param {(next: URLSearchParams) => void} go
 */
export function filterForm(query, go) {
  const labelled = (/** @type {string} */ name, /** @type {HTMLInputElement | HTMLSelectElement} */ control) => field(t(`queue.${name}`), control);
  const select = (/** @type {string} */ name, /** @type {Array<[string, string]>} */ options, /** @type {string} */ fallback) =>
    h('select', { name }, options.map(([value, label]) => h('option', { value, selected: (query.get(name) ?? fallback) === value }, label)));
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': t('queue.filter') },
    labelled('status', select('status', [['open', t('status.open')], ['all', t('common.all')], ...ALERT_STATUSES.map((s) => /** @type {[string, string]} */ ([s, t(`status.${s}`)]))], 'open')),
    labelled('category', select('category', [['', t('common.all')], ...CATEGORIES.map((c) => /** @type {[string, string]} */ ([c, t(`category.${c}`)]))], '')),
    labelled('target', h('input', { name: 'target', value: query.get('target') ?? '', size: 14 })),
    labelled('assignee', h('input', { name: 'assignee', value: query.get('assignee') ?? '', size: 12 })),
    labelled('from', h('input', { name: 'from', type: 'date', value: query.get('from') ?? '' })),
    labelled('to', h('input', { name: 'to', type: 'date', value: query.get('to') ?? '' })),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'seen', value: '1', checked: query.get('seen') === '1' }), ' ', t('queue.seen')),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'group', value: 'content', checked: query.get('group') === 'content' }), ' ', t('queue.group')),
    h('button', { type: 'submit', class: 'primary' }, t('queue.filter')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const next = new URLSearchParams();
    if (query.get('limit')) next.set('limit', String(query.get('limit')));
    for (const name of FILTERS) {
      const value = String(data.get(name) ?? '').trim();
      if (value && !(name === 'status' && value === 'open')) next.set(name, value);
    }
    go(next);
  });
  // The group toggle applies at once: it changes what a row is.
  form.querySelector('input[name=group]')?.addEventListener('change', () => form.requestSubmit());
  return form;
}

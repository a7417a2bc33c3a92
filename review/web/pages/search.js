// Investigators' search over every indexed page: the query language (help below the box), filters,
// facets that narrow the search when clicked, a date histogram, results with their snippet and
// paging, CSV/JSON export, and "save this search" (the saved-search list is saved-searches.js).
// The whole search lives in the URL, so a search is a link that can be shared or bookmarked.
import { api, ApiError, apiUrl } from '../api.js';
import { columnChart } from '../charts.js';
import { h, mount } from '../dom.js';
import { lang, t } from '../i18n.js';
import { CATEGORIES } from '../vocab.js';
import { SAVED_SEARCHES_CHANGED, savedSearches } from './saved-searches.js';
import { renderHit } from './search-hits.js';

const PAGE_SIZE = 20;
/** URL parameters, in the form's order; each is also the API's parameter of the same name. */
export const SEARCH_FIELDS = ['q', 'category', 'target', 'language', 'domain', 'entity', 'from', 'to'];
const FACETS = ['category', 'target', 'language', 'domain'];
/** Query-language field names for the filters, so a saved search carries them (dates cannot be). */
const QUERY_FIELDS = { category: 'category', target: 'target', language: 'lang', domain: 'domain', entity: 'entity' };

/**
 * The URL's search as the API's query (dates are whole days, in UTC).
 * @param {URLSearchParams} query
 */
export function searchApiQuery(query) {
  /** @type {Record<string, string | number | undefined>} */
  const out = {};
  for (const name of SEARCH_FIELDS) out[name] = query.get(name) ?? undefined;
  if (out.from) out.from = `${out.from}T00:00:00.000Z`;
  if (out.to) out.to = `${out.to}T23:59:59.999Z`;
  return out;
}

/**
 * One query-language string for the search and its filters (what a saved search stores).
 * @param {URLSearchParams} query
 */
export function composedQuery(query) {
  const parts = [query.get('q')?.trim() ?? ''];
  for (const [name, field] of Object.entries(QUERY_FIELDS)) {
    const value = query.get(name);
    if (value) parts.push(`${field}:${/[\s()"]/.test(value) ? `"${value.replace(/"/g, '')}"` : value}`);
  }
  return parts.filter(Boolean).join(' ');
}

/** Day buckets for a range of a few weeks, weeks otherwise. @param {URLSearchParams} query */
function histogramInterval(query) {
  const from = Date.parse(query.get('from') ?? '');
  const to = Date.parse(query.get('to') ?? '') || Date.now();
  return Number.isFinite(from) && to - from <= 45 * 86_400_000 ? 'day' : 'week';
}

/** @param {string} field @param {string} value */
function facetLabel(field, value) {
  return field === 'category' ? t(`category.${value}`) : value;
}

/** @param {import('../app.js').PageContext} ctx */
export default async function search(ctx) {
  ctx.setTitle(t('search.title'));
  const can = (/** @type {string} */ capability) => ctx.me.capabilities.includes(capability);
  let query = new URLSearchParams(location.search);

  const problem = h('p', { id: 'search-problem', class: 'problem', 'aria-live': 'assertive' });
  const summary = h('p', { class: 'count', 'aria-live': 'polite' });
  const exports = h('span', { class: 'exports' });
  const chips = h('ul', { class: 'chips', 'aria-label': t('search.active-filters') });
  const facets = h('aside', { class: 'facets', 'aria-label': t('search.facets') });
  const histogram = h('div', { class: 'histogram' });
  const results = h('ol', { class: 'hits', 'aria-label': t('search.results') });
  const pager = h('nav', { class: 'pager', 'aria-label': t('search.pager') });
  const form = searchForm();
  const saved = await savedSearches({ canWrite: can('saved-searches:write'), navigate: ctx.navigate });

  mount(
    ctx.main,
    h('h1', null, t('search.title')),
    form,
    problem,
    h('div', { class: 'toolbar' }, summary, exports),
    chips,
    h('div', { class: 'search-grid' }, facets, h('section', { class: 'search-results', 'aria-label': t('search.results') }, histogram, results, pager)),
    can('saved-searches:write') ? saveForm() : null,
    saved.section,
  );

  function searchForm() {
    const field = (/** @type {string} */ name, /** @type {Record<string, unknown>} */ attrs = {}) =>
      h('label', null, t(`search.${name}`), h('input', { name, value: query.get(name) ?? '', ...attrs }));
    const element = h(
      'form',
      { class: 'search-form', role: 'search', 'aria-label': t('search.title') },
      h(
        'div',
        { class: 'search-box' },
        h('label', { for: 'search-q' }, t('search.q')),
        h('input', { id: 'search-q', name: 'q', type: 'search', value: query.get('q') ?? '', maxlength: 1000, 'aria-describedby': 'search-problem search-help', autocomplete: 'off' }),
        h('button', { type: 'submit', class: 'primary' }, t('search.submit')),
      ),
      syntaxHelp(),
      h(
        'div',
        { class: 'filters' },
        h(
          'label',
          null,
          t('search.category'),
          h('select', { name: 'category' }, h('option', { value: '' }, t('common.all')), CATEGORIES.map((c) => h('option', { value: c, selected: query.get('category') === c }, t(`category.${c}`)))),
        ),
        field('target', { maxlength: 200 }),
        field('language', { maxlength: 20, size: 6 }),
        field('domain', { maxlength: 253 }),
        field('entity', { maxlength: 600, placeholder: 'btc:bc1…' }),
        field('from', { type: 'date' }),
        field('to', { type: 'date' }),
        h('button', { type: 'button', onclick: () => go(new URLSearchParams()) }, t('common.reset')),
      ),
    );
    element.addEventListener('submit', (event) => {
      event.preventDefault();
      const data = new FormData(element);
      const next = new URLSearchParams();
      for (const name of SEARCH_FIELDS) {
        const value = String(data.get(name) ?? '').trim();
        if (value) next.set(name, value);
      }
      go(next);
    });
    return element;
  }

  function saveForm() {
    const element = h(
      'form',
      { class: 'filters save-search', 'aria-labelledby': 'save-search-title' },
      h('h2', { id: 'save-search-title' }, t('search.save-title')),
      h('p', { class: 'note' }, t('search.save-note')),
      h('label', null, t('search.save-name'), h('input', { name: 'name', required: true, maxlength: 100 })),
      h('label', null, t('search.save-category'), h('select', { name: 'category', required: true }, CATEGORIES.map((c) => h('option', { value: c }, t(`category.${c}`))))),
      h('button', { type: 'submit' }, t('search.save')),
    );
    element.addEventListener('submit', async (event) => {
      event.preventDefault();
      const data = new FormData(element);
      const text = composedQuery(query);
      if (!text) return void (problem.textContent = t('search.save-empty'));
      await api.post('/saved-searches', { name: String(data.get('name')).trim(), query: text, category: String(data.get('category')) });
      element.reset();
      // The list below re-reads itself when told.
      document.dispatchEvent(new CustomEvent(SAVED_SEARCHES_CHANGED));
    });
    return element;
  }

  /** @param {URLSearchParams} next */
  function go(next) {
    const search = next.toString();
    ctx.navigate(`/search${search ? `?${search}` : ''}`);
  }

  /** @param {string} name @param {string | null} value */
  function withFilter(name, value) {
    const next = new URLSearchParams(query);
    if (value === null) next.delete(name);
    else next.set(name, value);
    next.delete('offset');
    return next;
  }

  async function load() {
    const offset = Math.max(0, Number(query.get('offset')) || 0);
    let answer;
    try {
      answer = await api.get('/search', { ...searchApiQuery(query), limit: PAGE_SIZE, offset, facets: 1, histogram: histogramInterval(query) }, { quiet: true });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      problem.textContent = t('search.failed', { message: err.message });
      form.querySelector('#search-q')?.setAttribute('aria-invalid', 'true');
      summary.textContent = '';
      return;
    }
    problem.textContent = '';
    form.querySelector('#search-q')?.removeAttribute('aria-invalid');
    const from = answer.total === 0 ? 0 : offset + 1;
    const to = offset + answer.hits.length;
    summary.textContent = t('search.summary', { total: answer.total, from, to });
    mount(
      exports,
      can('search:export') && [
        h('a', { class: 'button', href: apiUrl('/search/export', { ...searchApiQuery(query), format: 'csv' }), download: '' }, t('search.export-csv')),
        ' ',
        h('a', { class: 'button', href: apiUrl('/search/export', { ...searchApiQuery(query), format: 'json' }), download: '' }, t('search.export-json')),
      ],
    );
    mount(
      chips,
      SEARCH_FIELDS.filter((name) => name !== 'q' && query.get(name)).map((name) => {
        const value = /** @type {string} */ (query.get(name));
        return h(
          'li',
          null,
          h('button', { type: 'button', class: 'chip', onclick: () => go(withFilter(name, null)), 'aria-label': t('search.remove-filter', { field: t(`search.${name}`), value: facetLabel(name, value) }) }, `${t(`search.${name}`)} : ${facetLabel(name, value)} ×`),
        );
      }),
    );
    renderFacets(answer.facets);
    renderHistogram(answer.histogram ?? []);
    mount(results, answer.hits.length === 0 && h('li', { class: 'note' }, t('search.empty')), answer.hits.map((/** @type {any} */ hit) => renderHit(hit, { canReadEvidence: can('evidence:read') })));
    mount(
      pager,
      h('button', { type: 'button', disabled: offset === 0, onclick: () => go(withOffset(Math.max(0, offset - PAGE_SIZE))) }, t('common.previous')),
      h('button', { type: 'button', disabled: to >= answer.total, onclick: () => go(withOffset(offset + PAGE_SIZE)) }, t('common.next')),
    );
  }

  /** @param {number} offset */
  function withOffset(offset) {
    const next = new URLSearchParams(query);
    if (offset > 0) next.set('offset', String(offset));
    else next.delete('offset');
    return next;
  }

  /** @param {Record<string, { value: string, count: number }[]> | undefined} counts */
  function renderFacets(counts) {
    mount(
      facets,
      FACETS.map((field) => {
        const values = counts?.[field] ?? [];
        const titleId = `facet-${field}`;
        return h(
          'section',
          { class: 'facet', 'aria-labelledby': titleId },
          h('h2', { id: titleId }, t(`search.${field}`)),
          values.length === 0
            ? h('p', { class: 'note' }, t('common.none'))
            : h(
                'ul',
                null,
                values.map(({ value, count }) => {
                  const active = query.get(field) === value;
                  return h(
                    'li',
                    null,
                    h(
                      'button',
                      {
                        type: 'button',
                        class: 'facet-value',
                        'aria-pressed': String(active),
                        'aria-label': t('search.facet-filter', { field: t(`search.${field}`), value: facetLabel(field, value), count }),
                        onclick: () => go(withFilter(field, active ? null : value)),
                      },
                      h('span', null, facetLabel(field, value)),
                      h('span', { class: 'facet-count' }, count),
                    ),
                  );
                }),
              ),
        );
      }),
    );
  }

  /** @param {{ start: string, count: number }[]} buckets */
  function renderHistogram(buckets) {
    if (buckets.length === 0) return mount(histogram);
    const interval = histogramInterval(query);
    const format = new Intl.DateTimeFormat(lang(), { day: 'numeric', month: 'short', year: interval === 'day' ? undefined : '2-digit', timeZone: 'UTC' });
    mount(
      histogram,
      columnChart({
        caption: t(`search.histogram-${interval}`),
        summary: t('search.histogram-summary', { buckets: buckets.length, total: buckets.reduce((sum, b) => sum + b.count, 0) }),
        columnTitle: t(`search.histogram-bucket-${interval}`),
        series: [{ key: 'pages', label: t('search.histogram-pages') }],
        columns: buckets.map((bucket) => ({ label: format.format(new Date(bucket.start)), values: { pages: bucket.count } })),
      }),
    );
  }

  await load();
  return saved.dispose;
}

/** The query language in short (docs/search.md has it in full), with examples to copy. */
function syntaxHelp() {
  const examples = [
    ['"faux billets"', 'search.help-phrase'],
    ['cocaïne OR héroïne', 'search.help-or'],
    ['billets -promo', 'search.help-not'],
    ['(vente OR achat) AND arme*', 'search.help-group'],
    ['title:annonce url:forum', 'search.help-fields'],
    ['domain:example.org lang:fr category:drugs', 'search.help-filters'],
    ['entity:btc:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'search.help-entity'],
  ];
  return h(
    'details',
    { id: 'search-help', class: 'syntax-help' },
    h('summary', null, t('search.help')),
    h('dl', null, examples.map(([example, key]) => [h('dt', null, h('code', null, example)), h('dd', null, t(/** @type {string} */ (key)))])),
  );
}

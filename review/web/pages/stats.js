// Statistics (/stats): alerts per category per week (stacked bars), decisions by status, referrals
// per service and time from alert to decision per category, over a date range kept in the URL;
// every chart is a figure with its numbers as a table, and the weekly counts download as CSV.
import { api, ApiError, apiUrl } from '../api.js';
import { barChart, columnChart, formatNumber } from '../charts.js';
import { h, mount } from '../dom.js';
import { lang, t } from '../i18n.js';

/** The URL's range as the API's (whole days, UTC). @param {URLSearchParams} query */
function range(query) {
  return {
    from: query.get('from') ? `${query.get('from')}T00:00:00.000Z` : undefined,
    to: query.get('to') ? `${query.get('to')}T23:59:59.999Z` : undefined,
  };
}

/** @param {number} hours */
function formatHours(hours) {
  return hours < 48 ? t('stats.hours', { value: formatNumber(hours) }) : t('stats.days', { value: formatNumber(hours / 24) });
}

/** @param {import('../app.js').PageContext} ctx */
export default async function stats(ctx) {
  ctx.setTitle(t('stats.title'));
  const query = new URLSearchParams(location.search);
  const form = h(
    'form',
    { class: 'filters', 'aria-label': t('stats.range') },
    h('label', null, t('stats.from'), h('input', { name: 'from', type: 'date', value: query.get('from') ?? '' })),
    h('label', null, t('stats.to'), h('input', { name: 'to', type: 'date', value: query.get('to') ?? '' })),
    h('button', { type: 'submit', class: 'primary' }, t('common.apply')),
    h('a', { class: 'button', href: apiUrl('/stats', { ...range(query), format: 'csv' }), download: 'vigie-stats.csv' }, t('stats.csv')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (String(value)) next.set(name, String(value));
    ctx.navigate(`/stats${next.size ? `?${next}` : ''}`);
  });
  let answer;
  try {
    answer = await api.get('/stats', range(query), { quiet: true });
  } catch (err) {
    // A range the API refuses (from after to): the form stays, with the reason.
    if (!(err instanceof ApiError)) throw err;
    return mount(ctx.main, h('h1', null, t('stats.title')), form, h('p', { class: 'problem', role: 'alert' }, err.message));
  }
  const label = (/** @type {string} */ category) => t(`category.${category}`);
  const localized = (/** @type {{ fr: string, en: string }} */ text) => (lang() === 'en' ? text.en : text.fr);

  const weeks = [...new Set(answer.perCategoryWeek.map((/** @type {any} */ r) => r.week))].sort();
  const categories = [...new Set(answer.perCategoryWeek.map((/** @type {any} */ r) => r.category))];
  const totalAlerts = answer.perCategoryWeek.reduce((sum, /** @type {any} */ r) => sum + r.alerts, 0);
  const perWeek = columnChart({
    caption: t('stats.per-week'),
    summary: t('stats.per-week-summary', { alerts: totalAlerts, weeks: weeks.length, categories: categories.length }),
    columnTitle: t('stats.week'),
    series: categories.map((category) => ({ key: category, label: label(category) })),
    columns: weeks.map((week) => ({
      label: week,
      values: Object.fromEntries(answer.perCategoryWeek.filter((/** @type {any} */ r) => r.week === week).map((/** @type {any} */ r) => [r.category, r.alerts])),
    })),
  });

  const decisions = barChart({
    caption: t('stats.decisions'),
    summary: t('stats.decisions-summary', { count: answer.decisions.reduce((sum, /** @type {any} */ d) => sum + d.count, 0) }),
    rowTitle: t('stats.status'),
    measures: [{ key: 'count', label: t('stats.alerts') }],
    rows: answer.decisions.map((/** @type {any} */ d) => ({ label: d.reason ? `${t(`status.${d.status}`)} · ${t(`reason.${d.reason}`)}` : t(`status.${d.status}`), values: { count: d.count } })),
  });

  const referrals = barChart({
    caption: t('stats.referrals'),
    summary: t('stats.referrals-summary', { count: answer.referralsByService.reduce((sum, /** @type {any} */ r) => sum + r.count, 0), services: answer.referralsByService.length }),
    rowTitle: t('stats.service'),
    measures: [{ key: 'count', label: t('stats.referral-count') }],
    rows: answer.referralsByService.map((/** @type {any} */ r) => ({ label: localized(r.label), values: { count: r.count } })),
  });

  const timing = barChart({
    caption: t('stats.time'),
    summary: t('stats.time-summary', { categories: answer.timeToDecision.length }),
    rowTitle: t('stats.category'),
    measures: [
      { key: 'median', label: t('stats.median') },
      { key: 'p90', label: t('stats.p90') },
    ],
    format: formatHours,
    rows: answer.timeToDecision.map((/** @type {any} */ r) => ({ label: `${label(r.category)} (${r.decided})`, values: { median: r.medianHours, p90: r.p90Hours } })),
  });

  /** @param {string} id @param {string} title @param {boolean} empty @param {HTMLElement} figure */
  const section = (id, title, empty, figure) =>
    h('section', { class: 'panel', 'aria-labelledby': id }, h('h2', { id }, title), empty ? h('p', { class: 'note' }, t('stats.empty')) : figure);
  mount(
    ctx.main,
    h('h1', null, t('stats.title')),
    form,
    section('stats-weekly', t('stats.per-week'), weeks.length === 0, perWeek),
    h(
      'div',
      { class: 'stats-grid' },
      section('stats-decisions', t('stats.decisions'), answer.decisions.length === 0, decisions),
      section('stats-referrals', t('stats.referrals'), answer.referralsByService.length === 0, referrals),
    ),
    section('stats-time', t('stats.time'), answer.timeToDecision.length === 0, timing),
  );
}

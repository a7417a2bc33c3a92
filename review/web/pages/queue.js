// The analysts' queue: alerts ranked by score and recency, one server page at a time (the queue
// can hold 100,000 alerts; only the visible page is fetched and drawn). Filters live in the URL so
// a view can be linked. Keyboard triage: j/k select, Enter/o open, d/c/r/a decide, x check, ? help.
import { api } from '../api.js';
import { askAssignee, askDismissReason, decide, notAShortcut, showShortcutHelp } from '../decisions.js';
import { announce, formatTime, h, mount } from '../dom.js';
import { lang, t } from '../i18n.js';
import { LAST_QUEUE_KEY, apiQuery, filterForm, pageSize } from './queue-filters.js';
import { openReferralDialog } from './referral-dialog.js';

/** @typedef {{ alert: any, ids: string[], urlCount: number, groupSize: number }} Row */

/** @param {any} answer GET /api/v1/alerts, flat or grouped by content */
function rowsOf(answer) {
  if (Array.isArray(answer.groups)) {
    return answer.groups.map((/** @type {any} */ g) => ({ alert: g.top, ids: g.alertIds, urlCount: g.urlCount, groupSize: g.alertIds.length }));
  }
  return answer.alerts.map((/** @type {any} */ a) => ({ alert: a, ids: [a.id], urlCount: a.urls?.length ?? 0, groupSize: 1 }));
}

/** @param {import('../app.js').PageContext} ctx */
export default async function queue(ctx) {
  ctx.setTitle(t('queue.title'));
  const canDecide = ctx.me.capabilities.includes('alerts:decide');
  const canRefer = ctx.me.capabilities.includes('referrals:write');
  /** @type {Row[]} */
  let rows = [];
  let total = 0;
  let selected = 0;
  /** @type {Set<string>} alert ids of checked rows (a group's row stands for all its ids) */
  const checked = new Set();
  let query = new URLSearchParams(location.search);

  const tbody = h('tbody');
  const caption = h('caption');
  const checkedCount = h('span', { class: 'count', 'aria-live': 'polite' });
  const pager = h('nav', { class: 'pager', 'aria-label': t('queue.pager') });
  const bulk = h(
    'div',
    { class: 'toolbar', role: 'group', 'aria-label': t('queue.bulk') },
    checkedCount,
    canDecide && h('button', { type: 'button', onclick: () => void act(checkedRows(), 'confirm') }, t('decide.confirm')),
    canDecide && h('button', { type: 'button', onclick: () => void act(checkedRows(), 'dismiss') }, t('decide.dismiss')),
    canDecide && h('button', { type: 'button', onclick: () => void act(checkedRows(), 'assign') }, t('decide.assign')),
    h('span', { class: 'spacer' }),
    canDecide && h('a', { href: `/queue?assignee=${encodeURIComponent(ctx.me.user.username)}` }, t('queue.mine')),
    h('button', { type: 'button', onclick: () => void showShortcutHelp() }, t('queue.help')),
  );
  const selectPage = h('input', {
    type: 'checkbox',
    'aria-label': t('queue.select-page'),
    onchange: (/** @type {Event} */ event) => {
      const on = /** @type {HTMLInputElement} */ (event.target).checked;
      for (const row of rows) for (const id of row.ids) setChecked(id, on);
      drawChecks();
    },
  });
  const table = h(
    'table',
    { class: 'queue' },
    caption,
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, selectPage),
        ['score', 'category', 'target', 'url', 'status', 'assignee', 'last-seen'].map((col) => h('th', { scope: 'col' }, t(`queue.col-${col}`))),
      ),
    ),
    tbody,
  );
  mount(ctx.main, h('h1', null, t('queue.title')), filterForm(query, go), bulk, table, pager);


  /** @param {URLSearchParams} next */
  function go(next) {
    const search = next.toString();
    history.pushState(null, '', `/queue${search ? `?${search}` : ''}`);
    query = next;
    checked.clear();
    selected = 0;
    void load();
  }

  async function load() {
    sessionStorage.setItem(LAST_QUEUE_KEY, location.pathname + location.search);
    const answer = await api.get('/alerts', apiQuery(query));
    rows = rowsOf(answer);
    total = answer.total ?? rows.length;
    selected = Math.min(selected, Math.max(0, rows.length - 1));
    draw();
  }

  function draw() {
    caption.textContent = t('queue.caption', { total });
    mount(tbody, rows.length === 0 ? h('tr', null, h('td', { colspan: 8 }, t('queue.empty'))) : rows.map(rowElement));
    drawChecks();
    drawPager();
  }

  /** The checkboxes, the page's box and the count, without redrawing the rows (focus stays put). */
  function drawChecks() {
    tbody.querySelectorAll('tr[data-id]').forEach((tr, i) => {
      const box = tr.querySelector('input[type=checkbox]');
      if (box instanceof HTMLInputElement) box.checked = rows[i]?.ids.every((id) => checked.has(id)) ?? false;
    });
    checkedCount.textContent = t('queue.checked', { count: checked.size });
    selectPage.checked = rows.length > 0 && rows.every((row) => row.ids.every((id) => checked.has(id)));
  }

  /**
   * @param {Row} row
   * @param {number} i
   */
  function rowElement(row, i) {
    const { alert } = row;
    const href = `/alerts/${encodeURIComponent(alert.id)}`;
    const category = alert.categoryLabel?.[lang()] ?? t(`category.${alert.category}`);
    const tr = h(
      'tr',
      { 'aria-selected': String(i === selected), 'aria-current': i === selected ? 'true' : undefined, tabindex: -1, 'data-id': alert.id, onclick: () => select(i, false) },
      h(
        'td',
        null,
        h('input', {
          type: 'checkbox',
          checked: row.ids.every((id) => checked.has(id)),
          'aria-label': t('queue.select-row', { id: `${category} ${alert.urls?.[0] ?? alert.id}` }),
          onchange: () => toggle(i),
        }),
      ),
      h('td', { class: 'num score' }, Number(alert.calibratedScore ?? alert.score).toFixed(2)),
      h('td', null, category, row.groupSize > 1 && h('span', { class: 'muted' }, ' · ', t('queue.alerts-in-group', { count: row.groupSize }))),
      h('td', null, alert.targetId),
      h(
        'td',
        null,
        h('a', { class: 'url', href, title: alert.urls?.[0] ?? '' }, alert.urls?.[0] ?? alert.id),
        row.urlCount > 1 && h('span', { class: 'muted' }, t('queue.urls', { count: row.urlCount })),
      ),
      h(
        'td',
        null,
        h('span', { class: `status status-${alert.status}` }, t(`status.${alert.status}`)),
        alert.seenSinceDecision && h('span', { class: 'status seen-again', title: t('queue.seen-title') }, t('queue.seen-badge')),
      ),
      h('td', null, alert.assignee ?? ''),
      h('td', null, formatTime(alert.lastSeen, lang())),
    );
    return tr;
  }

  function drawPager() {
    const page = Math.max(1, Number(query.get('page')) || 1);
    const size = pageSize(query);
    const pages = Math.max(1, Math.ceil(total / size));
    const from = total === 0 ? 0 : (page - 1) * size + 1;
    const to = Math.min(total, page * size);
    const turn = (/** @type {number} */ n) => {
      const next = new URLSearchParams(query);
      if (n > 1) next.set('page', String(n));
      else next.delete('page');
      go(next);
    };
    mount(
      pager,
      h('button', { type: 'button', disabled: page <= 1, onclick: () => turn(page - 1) }, t('common.previous')),
      h('span', null, t('common.page', { page, pages }), ' · ', t('common.results', { from, to, total })),
      h('button', { type: 'button', disabled: page >= pages, onclick: () => turn(page + 1) }, t('common.next')),
    );
  }

  /**
   * @param {number} i
   * @param {boolean} focus
   */
  function select(i, focus = true) {
    if (rows.length === 0) return;
    selected = Math.max(0, Math.min(rows.length - 1, i));
    tbody.querySelectorAll('tr').forEach((tr, n) => {
      tr.setAttribute('aria-selected', String(n === selected));
      if (n === selected) tr.setAttribute('aria-current', 'true');
      else tr.removeAttribute('aria-current');
    });
    const tr = tbody.querySelectorAll('tr')[selected];
    if (focus && tr) {
      tr.focus({ preventScroll: true });
      tr.scrollIntoView({ block: 'nearest' });
    }
  }

  /** @param {number} i */
  function toggle(i) {
    const row = rows[i];
    if (!row) return;
    const on = !row.ids.every((id) => checked.has(id));
    for (const id of row.ids) setChecked(id, on);
    drawChecks();
    select(i, document.activeElement?.tagName !== 'INPUT');
  }

  /**
   * @param {string} id
   * @param {boolean} on
   */
  function setChecked(id, on) {
    if (on) checked.add(id);
    else checked.delete(id);
  }

  function checkedRows() {
    return rows.filter((row) => row.ids.some((id) => checked.has(id)));
  }

  /**
   * Decides rows (the selected one from the keyboard, the checked ones from the bulk bar),
   * redraws them as they now are and moves the selection on.
   * @param {Row[]} targets
   * @param {'confirm' | 'dismiss' | 'assign' | 'refer'} action
   */
  async function act(targets, action) {
    if (targets.length === 0 || (!canDecide && action !== 'refer')) return;
    const ids = targets.flatMap((row) => row.ids);
    /** @type {any[]} */
    let updated = [];
    if (action === 'refer') {
      if (!canRefer || !targets[0]) return;
      const referral = await openReferralDialog(targets[0].alert);
      if (!referral) return;
      updated = [await api.get(`/alerts/${encodeURIComponent(targets[0].alert.id)}`)];
    } else if (action === 'confirm') {
      updated = await decide(ids, { status: 'confirmed' });
    } else if (action === 'dismiss') {
      const answer = await askDismissReason();
      if (!answer) return;
      updated = await decide(ids, { status: 'dismissed', ...answer });
    } else {
      const assignee = await askAssignee(ctx.me.user.username);
      if (!assignee) return;
      updated = await decide(ids, { status: 'assigned', assignee });
    }
    const byId = new Map(updated.map((alert) => [alert.id, alert]));
    for (const row of rows) {
      const fresh = byId.get(row.alert.id);
      if (fresh) row.alert = { ...row.alert, ...fresh };
    }
    for (const id of ids) checked.delete(id);
    const wasSelected = targets.length === 1 && rows[selected] === targets[0];
    draw();
    select(wasSelected ? selected + 1 : selected);
  }

  /** @param {KeyboardEvent} event */
  function onKey(event) {
    if (notAShortcut(event)) return;
    const row = rows[selected];
    const keys = /** @type {Record<string, () => void>} */ ({
      j: () => select(selected + 1),
      k: () => select(selected - 1),
      o: () => row && ctx.navigate(`/alerts/${encodeURIComponent(row.alert.id)}`),
      Enter: () => row && ctx.navigate(`/alerts/${encodeURIComponent(row.alert.id)}`),
      x: () => toggle(selected),
      c: () => row && void act([row], 'confirm'),
      d: () => row && void act([row], 'dismiss'),
      a: () => row && void act([row], 'assign'),
      r: () => row && void act([row], 'refer'),
      '?': () => void showShortcutHelp(),
    });
    const run = keys[event.key];
    if (!run) return;
    // Enter on a link, button or checkbox keeps its own meaning.
    if (event.key === 'Enter' && event.target instanceof HTMLElement && event.target.closest('a, button, input')) return;
    event.preventDefault();
    run();
  }

  document.addEventListener('keydown', onKey);
  await load().catch(() => announce(t('queue.empty')));
  if (rows.length > 0) select(0, false);
  return () => document.removeEventListener('keydown', onKey);
}

// Watch targets for ops: each target's health (paused, last run and its pages, errors and alerts,
// next run), pause/resume, run now, edit, delete after a confirmation, create, and the whole set
// as YAML (export to a file, import from one). A link to the queues dashboard for who may see it.
import { api, apiUrl, request } from '../api.js';
import { announce, formatTime, h, mount, runDialog } from '../dom.js';
import { lang, t } from '../i18n.js';

/** @param {any} schedule a target's schedule */
export function describeSchedule(schedule) {
  if (!schedule) return t('targets.on-demand');
  if ('cron' in schedule) return `cron ${schedule.cron} (${schedule.timezone ?? 'UTC'})`;
  const secs = schedule.intervalSecs;
  if (secs % 86400 === 0) return t('targets.every-days', { count: secs / 86400 });
  if (secs % 3600 === 0) return t('targets.every-hours', { count: secs / 3600 });
  return t('targets.every-minutes', { count: Math.round(secs / 60) });
}

/** @param {import('../app.js').PageContext} ctx */
export default async function targets(ctx) {
  ctx.setTitle(t('targets.title'));
  const canWrite = ctx.me.capabilities.includes('targets:write');
  const tbody = h('tbody');
  const caption = h('caption');

  mount(
    ctx.main,
    h('h1', null, t('targets.title')),
    h(
      'div',
      { class: 'toolbar' },
      canWrite && createForm(),
      h('a', { class: 'button', href: apiUrl('/targets/export'), download: 'vigie-targets.yaml' }, t('targets.export')),
      canWrite && importForm(),
      ctx.me.capabilities.includes('queues:admin') && h('a', { class: 'button', href: '/ops/queues' }, t('targets.queues')),
    ),
    h(
      'table',
      { class: 'targets' },
      caption,
      h(
        'thead',
        null,
        h('tr', null, ['target', 'state', 'schedule', 'last-run', 'pages', 'errors', 'alerts', 'next-run', 'actions'].map((col) => h('th', { scope: 'col' }, t(`targets.col-${col}`)))),
      ),
      tbody,
    ),
  );

  async function load() {
    const { targets: list } = await api.get('/targets');
    caption.textContent = t('targets.caption', { count: list.length });
    mount(tbody, list.length === 0 && h('tr', null, h('td', { colspan: 9 }, t('targets.empty'))), list.map(row));
  }

  /** @param {any} target */
  function row(target) {
    const health = target.health ?? {};
    const last = health.lastRun;
    const name = target.name || target.id;
    /** @param {string} path @param {string} done */
    const act = (path, done) => async () => {
      await api.post(`/targets/${encodeURIComponent(target.id)}/${path}`);
      announce(t(done, { name }));
      await load();
    };
    return h(
      'tr',
      { 'data-id': target.id, class: health.paused ? 'paused' : undefined },
      h('th', { scope: 'row' }, h('a', { href: `/targets/${encodeURIComponent(target.id)}` }, name), h('div', { class: 'muted' }, target.id)),
      h('td', null, h('span', { class: `status ${health.paused ? 'status-dismissed' : 'status-referred'}` }, health.paused ? t('targets.paused') : t('targets.active'))),
      h('td', null, describeSchedule(target.schedule)),
      h('td', null, last ? [formatTime(last.startedAt, lang()), h('div', { class: 'muted' }, t(`targets.run-${last.status}`))] : h('span', { class: 'muted' }, t('targets.never'))),
      h(
        'td',
        { class: 'num' },
        last ? last.pages : '',
        // Pages found unchanged are not in `pages`; shown when the health says how many.
        last?.unchanged > 0 && h('div', { class: 'muted' }, t('targets.unchanged', { count: last.unchanged })),
      ),
      h('td', { class: `num ${last?.errors ? 'bad' : ''}`, title: last ? Object.entries(last.errorsByCode ?? {}).map(([code, n]) => `${code}: ${n}`).join(', ') : undefined }, last ? last.errors : ''),
      h('td', { class: 'num' }, last ? last.alerts : ''),
      h('td', null, health.nextRunAt ? formatTime(health.nextRunAt, lang()) : h('span', { class: 'muted' }, '—')),
      h(
        'td',
        { class: 'actions-cell' },
        canWrite && [
          health.paused
            ? h('button', { type: 'button', onclick: act('resume', 'targets.resumed') }, t('targets.resume', { name }))
            : h('button', { type: 'button', onclick: act('pause', 'targets.paused-msg') }, t('targets.pause', { name })),
          ' ',
          h('button', { type: 'button', disabled: health.paused, onclick: act('run', 'targets.run-queued') }, t('targets.run', { name })),
          ' ',
          h('a', { class: 'button', href: `/targets/${encodeURIComponent(target.id)}` }, t('targets.edit', { name })),
          ' ',
          h('button', { type: 'button', class: 'danger', onclick: () => void remove(target.id, name) }, t('targets.delete', { name })),
        ],
      ),
    );
  }

  /** @param {string} id @param {string} name */
  async function remove(id, name) {
    const dialog = h(
      'dialog',
      { 'aria-labelledby': 'confirm-title' },
      h(
        'form',
        null,
        h('h2', { id: 'confirm-title' }, t('targets.confirm-title', { name })),
        h('p', null, t('targets.confirm-text')),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'submit', class: 'danger' }, t('targets.confirm-delete')),
          h('button', { type: 'button', onclick: () => dialog.close() }, t('common.cancel')),
        ),
      ),
    );
    if (!(await runDialog(dialog, () => true))) return;
    await api.del(`/targets/${encodeURIComponent(id)}`);
    announce(t('targets.deleted', { name }));
    await load();
  }

  function createForm() {
    const form = h(
      'form',
      { class: 'inline-form', 'aria-label': t('targets.create') },
      h('label', null, t('targets.new-id'), h('input', { name: 'id', required: true, pattern: '[a-z0-9][a-z0-9_\\-]{0,62}', maxlength: 63, autocomplete: 'off' })),
      h('button', { type: 'submit', class: 'primary' }, t('targets.create')),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const id = String(new FormData(form).get('id')).trim();
      ctx.navigate(`/targets/${encodeURIComponent(id)}?create=1`);
    });
    return form;
  }

  function importForm() {
    const result = h('span', { class: 'muted', 'aria-live': 'polite' });
    const form = h(
      'form',
      { class: 'inline-form', 'aria-label': t('targets.import') },
      h('label', null, t('targets.import-file'), h('input', { name: 'file', type: 'file', accept: '.yaml,.yml,text/yaml', required: true })),
      h(
        'label',
        null,
        t('targets.import-mode'),
        h('select', { name: 'mode' }, h('option', { value: 'merge' }, t('targets.mode-merge')), h('option', { value: 'replace' }, t('targets.mode-replace'))),
      ),
      h('button', { type: 'submit' }, t('targets.import')),
      result,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const file = /** @type {File} */ (data.get('file'));
      const summary = await request('POST', '/targets/import', { query: { mode: String(data.get('mode')) }, body: await file.text(), contentType: 'text/yaml' });
      result.textContent = t('targets.imported', { added: summary.added.length, updated: summary.updated.length, removed: summary.removed.length });
      form.reset();
      await load();
    });
    return form;
  }

  await load();
}

// One watch target (/targets/:id, /targets/:id?create=1 for a new one): a form for the fields ops
// change most, and the whole target as JSON for everything else; both edit the same object, so a
// change on either side shows on the other. Saving PUTs the JSON; the API lists every problem as
// "path: message", and each is shown next to the field of that path (or under the JSON).
import { ApiError, api } from '../api.js';
import { announce, h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { CATEGORIES } from '../vocab.js';

/**
 * The API's 400 message for a target ("2 problem(s): seeds.0: must be...; maxDepth: Too big...")
 * as its issues.
 * @param {string} message
 * @returns {{ path: string, message: string }[]}
 */
export function parseIssues(message) {
  const body = message.replace(/^\d+ problem\(s\): /, '').replace(/; and \d+ more$/, '');
  return body.split('; ').map((piece) => {
    const colon = piece.indexOf(': ');
    const path = colon < 0 ? '' : piece.slice(0, colon);
    // A path is dotted names and indexes; anything else means the message had no path.
    return /^[A-Za-z0-9_.-]+$/.test(path) ? { path, message: piece.slice(colon + 2) } : { path: '', message: piece };
  });
}

/** @param {any} object @param {string} path dotted */
function getPath(object, path) {
  return path.split('.').reduce((value, key) => (value === null || value === undefined ? undefined : value[key]), object);
}

/** Sets (or with undefined, deletes) a dotted path, creating objects on the way. @param {any} object @param {string} path @param {unknown} value */
function setPath(object, path, value) {
  const keys = path.split('.');
  const last = /** @type {string} */ (keys.pop());
  let node = object;
  for (const key of keys) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key];
  }
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/**
 * The common fields: path in the target, how the input shows it and reads it back.
 * @typedef {{ path: string, kind: 'text' | 'number' | 'lines' | 'list' | 'checkbox' | 'select' | 'categories', options?: string[] }} FieldSpec
 * @type {FieldSpec[]}
 */
const FIELDS = [
  { path: 'name', kind: 'text' },
  { path: 'enabled', kind: 'checkbox' },
  { path: 'seeds', kind: 'lines' },
  { path: 'maxDepth', kind: 'number' },
  { path: 'maxPagesPerRun', kind: 'number' },
  { path: 'schedule.intervalSecs', kind: 'number' },
  { path: 'schedule.cron', kind: 'text' },
  { path: 'schedule.timezone', kind: 'text' },
  { path: 'render', kind: 'select', options: ['never', 'auto', 'always'] },
  { path: 'sensitivity', kind: 'select', options: ['low', 'medium', 'high'] },
  { path: 'politeness.minDelayMs', kind: 'number' },
  { path: 'robots', kind: 'select', options: ['respect', 'ignore'] },
  { path: 'robotsIgnoreReason', kind: 'text' },
  { path: 'proxy', kind: 'text' },
  { path: 'categories', kind: 'categories' },
  { path: 'tags', kind: 'list' },
];

/** A target as the API answers it, without what is not edited (its health, its id: the URL's). @param {any} answer */
function editable(answer) {
  const copy = { ...answer };
  delete copy.health;
  delete copy.id;
  return copy;
}

/** @param {string} path */
const fieldId = (path) => `field-${path.replace(/\./g, '-')}`;

/** @param {import('../app.js').PageContext} ctx */
export default async function targetEdit(ctx) {
  const id = ctx.params.id ?? '';
  const canWrite = ctx.me.capabilities.includes('targets:write');
  /** @type {any} */
  let target;
  let exists = true;
  try {
    const answer = await api.get(`/targets/${encodeURIComponent(id)}`, undefined, { quiet: true });
    target = editable(answer.target);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status !== 404 || ctx.query.get('create') !== '1') {
      ctx.setTitle(t('target.title', { id }));
      return mount(ctx.main, h('h1', null, t('target.title', { id })), h('p', { class: 'problem', role: 'alert' }, err.message), h('p', null, h('a', { href: '/targets' }, t('target.back'))));
    }
    exists = false;
    target = { name: id, enabled: true, seeds: [], maxDepth: 3, schedule: { intervalSecs: 86400 }, sensitivity: 'medium' };
  }
  ctx.setTitle(t(exists ? 'target.title' : 'target.title-new', { id }));

  const summary = h('div', { class: 'problem', role: 'alert' });
  const json = h('textarea', { id: 'target-json', name: 'json', class: 'code', rows: 24, spellcheck: 'false', 'aria-describedby': 'target-json-error' });
  const jsonError = h('p', { id: 'target-json-error', class: 'field-error' });
  /** @type {Map<string, { input: HTMLElement, read: () => unknown, write: (value: any) => void, error: HTMLElement }>} */
  const inputs = new Map();

  const form = h(
    'form',
    { class: 'target-form', novalidate: true, 'aria-labelledby': 'target-title' },
    summary,
    h('div', { class: 'target-fields' }, FIELDS.map(fieldRow)),
    h('label', { for: 'target-json' }, t('target.json')),
    h('p', { class: 'note', id: 'target-json-note' }, t('target.json-note')),
    json,
    jsonError,
    canWrite && h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t(exists ? 'common.save' : 'target.create')), h('a', { class: 'button', href: '/targets' }, t('target.back'))),
  );
  mount(ctx.main, h('p', { class: 'breadcrumb' }, h('a', { href: '/targets' }, t('targets.title'))), h('h1', { id: 'target-title' }, t(exists ? 'target.title' : 'target.title-new', { id })), form);
  fill();

  /** @param {FieldSpec} spec */
  function fieldRow(spec) {
    const idAttr = fieldId(spec.path);
    const error = h('p', { id: `${idAttr}-error`, class: 'field-error' });
    const label = t(`target.field.${spec.path}`);
    /** @type {HTMLElement} */
    let input;
    /** @type {() => unknown} */
    let read;
    /** @type {(value: any) => void} */
    let write;
    if (spec.kind === 'checkbox') {
      const box = h('input', { id: idAttr, type: 'checkbox', 'aria-describedby': error.id });
      input = box;
      read = () => box.checked;
      write = (value) => (box.checked = value !== false);
    } else if (spec.kind === 'select') {
      const select = h('select', { id: idAttr, 'aria-describedby': error.id }, h('option', { value: '' }, t('target.default')), (spec.options ?? []).map((o) => h('option', { value: o }, o)));
      input = select;
      read = () => select.value || undefined;
      write = (value) => (select.value = value ?? '');
    } else if (spec.kind === 'categories') {
      const boxes = CATEGORIES.map((c) => h('input', { type: 'checkbox', value: c, 'aria-label': t(`category.${c}`) }));
      input = h('fieldset', { id: idAttr, class: 'checks', 'aria-describedby': error.id }, h('legend', null, label), boxes.map((box, i) => h('label', null, box, t(`category.${CATEGORIES[i]}`))));
      read = () => boxes.filter((b) => b.checked).map((b) => b.value);
      write = (value) => boxes.forEach((b) => (b.checked = Array.isArray(value) && value.includes(b.value)));
    } else if (spec.kind === 'lines') {
      const area = h('textarea', { id: idAttr, rows: 3, 'aria-describedby': error.id, spellcheck: 'false' });
      input = area;
      read = () => area.value.split('\n').map((s) => s.trim()).filter(Boolean);
      write = (value) => (area.value = Array.isArray(value) ? value.join('\n') : '');
    } else {
      const text = h('input', { id: idAttr, type: spec.kind === 'number' ? 'number' : 'text', 'aria-describedby': error.id, spellcheck: 'false' });
      input = text;
      read = () => {
        const value = text.value.trim();
        if (value === '') return undefined;
        if (spec.kind === 'number') return Number(value);
        if (spec.kind === 'list') return value.split(',').map((s) => s.trim()).filter(Boolean);
        return value;
      };
      write = (value) => (text.value = value === undefined || value === null ? '' : Array.isArray(value) ? value.join(', ') : String(value));
    }
    if (!canWrite) input.setAttribute('disabled', '');
    input.addEventListener('input', () => {
      setPath(target, spec.path, read());
      // The two schedule forms exclude each other: choosing one drops the other.
      if (spec.path === 'schedule.intervalSecs' && target.schedule?.intervalSecs !== undefined) {
        delete target.schedule.cron;
        delete target.schedule.timezone;
      }
      if (spec.path.startsWith('schedule.') && spec.path !== 'schedule.intervalSecs' && target.schedule?.cron !== undefined) delete target.schedule.intervalSecs;
      if (target.schedule && Object.keys(target.schedule).length === 0) delete target.schedule;
      showJson();
    });
    inputs.set(spec.path, { input, read, write, error });
    return h('div', { class: 'field', 'data-path': spec.path }, spec.kind !== 'categories' && h('label', { for: idAttr }, label), input, error);
  }

  function fill() {
    for (const [path, field] of inputs) field.write(getPath(target, path));
    showJson();
  }

  function showJson() {
    json.value = JSON.stringify(target, null, 2);
  }

  json.addEventListener('change', () => {
    try {
      const parsed = JSON.parse(json.value);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(t('target.json-object'));
      target = parsed;
      jsonError.textContent = '';
      json.removeAttribute('aria-invalid');
      for (const [path, field] of inputs) field.write(getPath(target, path));
    } catch (err) {
      jsonError.textContent = t('target.json-invalid', { message: /** @type {Error} */ (err).message });
      json.setAttribute('aria-invalid', 'true');
    }
  });

  function clearErrors() {
    summary.replaceChildren();
    jsonError.textContent = '';
    json.removeAttribute('aria-invalid');
    for (const field of inputs.values()) {
      field.error.textContent = '';
      field.input.removeAttribute('aria-invalid');
    }
  }

  /** The common field an issue belongs to: its path or the longest one it is under. @param {string} path */
  function fieldOf(path) {
    let best = null;
    for (const candidate of inputs.keys()) {
      if ((path === candidate || path.startsWith(`${candidate}.`)) && (best === null || candidate.length > best.length)) best = candidate;
    }
    return best === null ? null : inputs.get(best);
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    json.dispatchEvent(new Event('change'));
    if (json.getAttribute('aria-invalid') === 'true') return json.focus();
    try {
      const answer = await api.put(`/targets/${encodeURIComponent(id)}`, target, { quiet: true });
      target = editable(answer.target);
      fill();
      announce(t('target.saved', { id }));
      summary.replaceChildren(h('p', { class: 'ok' }, t('target.saved', { id })));
      if (!exists) ctx.navigate(`/targets/${encodeURIComponent(id)}`, { replace: true });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const issues = err.status === 400 ? parseIssues(err.message) : [{ path: '', message: err.message }];
      /** @type {HTMLElement | null} */
      let first = null;
      for (const issue of issues) {
        const field = issue.path ? fieldOf(issue.path) : null;
        const where = field?.error ?? jsonError;
        where.textContent = [where.textContent, issue.path && !field ? `${issue.path}: ${issue.message}` : issue.message].filter(Boolean).join(' ; ');
        (field?.input ?? json).setAttribute('aria-invalid', 'true');
        first ??= field?.input ?? json;
      }
      mount(summary, h('p', null, t('target.problems', { count: issues.length })), h('ul', null, issues.map((i) => h('li', null, i.path ? `${i.path}: ${i.message}` : i.message))));
      const focusable = first?.matches('fieldset') ? first.querySelector('input') : first;
      focusable?.focus();
    }
  });
}

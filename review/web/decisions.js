// Deciding alerts from the queue and from an alert's page: the API calls and the two small
// dialogs they need (the dismiss reason, the assignee), and the keyboard shortcut help.
import { api } from './api.js';
import { announce, h, runDialog } from './dom.js';
import { t } from './i18n.js';
import { DISMISS_REASONS } from './vocab.js';

/**
 * @typedef {{ status: string, reason?: string, comment?: string, assignee?: string }} Decision
 */

/**
 * Applies one decision to one or more alerts; resolves with the alerts as they now are.
 * @param {string[]} ids
 * @param {Decision} decision
 * @returns {Promise<any[]>}
 */
export async function decide(ids, decision) {
  const answer =
    ids.length === 1
      ? await api.post(`/alerts/${encodeURIComponent(/** @type {string} */ (ids[0]))}/decisions`, decision)
      : await api.post('/alerts/decisions', { ids, ...decision });
  announce(t('decide.done', { count: ids.length, status: t(`status.${decision.status}`) }));
  if (Array.isArray(answer?.alerts)) return answer.alerts;
  if (answer?.alert) return [answer.alert];
  return [];
}

/**
 * The six reasons as radio buttons (arrow keys move, 1-6 pick, Enter submits) and a comment.
 * @returns {Promise<{ reason: string, comment?: string } | null>}
 */
export function askDismissReason() {
  const radios = DISMISS_REASONS.map((reason, i) =>
    h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'reason', value: reason, checked: i === 0, required: true }), ` ${i + 1}. `, t(`reason.${reason}`)),
  );
  const dialog = h(
    'dialog',
    { 'aria-labelledby': 'dismiss-title' },
    h(
      'form',
      null,
      h('h2', { id: 'dismiss-title' }, t('decide.dismiss-title')),
      h('fieldset', null, h('legend', { class: 'visually-hidden' }, t('decide.reason')), radios),
      h('label', { for: 'dismiss-comment' }, t('decide.comment')),
      h('textarea', { id: 'dismiss-comment', name: 'comment', maxlength: 5000 }),
      h('div', { class: 'actions' }, cancelButton(), h('button', { type: 'submit', class: 'primary' }, t('decide.dismiss-submit'))),
    ),
  );
  dialog.addEventListener('keydown', (event) => {
    const n = Number(event.key);
    if (event.target instanceof HTMLTextAreaElement || !Number.isInteger(n) || n < 1 || n > radios.length) return;
    const radio = /** @type {HTMLInputElement} */ (radios[n - 1]?.querySelector('input'));
    radio.checked = true;
    radio.focus();
    event.preventDefault();
  });
  const pending = runDialog(dialog, (form) => {
    const data = new FormData(form);
    const comment = String(data.get('comment') ?? '').trim();
    return { reason: String(data.get('reason')), ...(comment ? { comment } : {}) };
  });
  /** @type {HTMLInputElement} */ (dialog.querySelector('input[name=reason]')).focus();
  return pending;
}

/**
 * Me, or another user by name.
 * @param {string} me
 * @returns {Promise<string | null>}
 */
export function askAssignee(me) {
  const other = h('input', { id: 'assign-user', name: 'user', autocomplete: 'off', maxlength: 63, pattern: '[a-z0-9][a-z0-9._\\-]{1,62}' });
  const dialog = h(
    'dialog',
    { 'aria-labelledby': 'assign-title' },
    h(
      'form',
      null,
      h('h2', { id: 'assign-title' }, t('decide.assign-title')),
      h(
        'fieldset',
        null,
        h('legend', { class: 'visually-hidden' }, t('decide.assign-title')),
        h('label', null, h('input', { type: 'radio', name: 'who', value: 'me', checked: true }), ' ', t('decide.assign-me', { name: me })),
        h('label', null, h('input', { type: 'radio', name: 'who', value: 'other' }), ' ', t('decide.assign-other')),
      ),
      h('label', { for: 'assign-user' }, t('decide.assign-user')),
      other,
      h('div', { class: 'actions' }, cancelButton(), h('button', { type: 'submit', class: 'primary' }, t('decide.assign-submit'))),
    ),
  );
  // Typing a name means "another user".
  other.addEventListener('input', () => {
    /** @type {HTMLInputElement} */ (dialog.querySelector('input[value=other]')).checked = true;
  });
  const pending = runDialog(dialog, (form) => {
    const data = new FormData(form);
    const name = String(data.get('user') ?? '').trim().toLowerCase();
    return data.get('who') === 'other' && name ? name : me;
  });
  /** @type {HTMLInputElement} */ (dialog.querySelector('input[value=me]')).focus();
  return pending;
}

export function cancelButton() {
  return h(
    'button',
    { type: 'button', onclick: (/** @type {Event} */ event) => /** @type {Element} */ (event.target).closest('dialog')?.close() },
    t('common.cancel'),
  );
}

/** @returns {Promise<null>} */
export function showShortcutHelp() {
  /** @type {Array<[string, string]>} */
  const keys = [
    ['j / k', 'help.jk'],
    ['Enter / o', 'help.open'],
    ['d', 'help.d'],
    ['c', 'help.c'],
    ['r', 'help.r'],
    ['a', 'help.a'],
    ['x', 'help.x'],
    ['?', 'help.help'],
  ];
  const dialog = h(
    'dialog',
    { 'aria-labelledby': 'help-title' },
    h(
      'form',
      null,
      h('h2', { id: 'help-title' }, t('help.title')),
      h('dl', { class: 'shortcuts' }, keys.map(([key, text]) => [h('dt', null, h('kbd', null, key)), h('dd', null, t(text))])),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('common.close'))),
    ),
  );
  return runDialog(dialog, () => null);
}

/**
 * Whether a key press belongs to a form field or a dialog rather than to the page's shortcuts.
 * @param {KeyboardEvent} event
 */
export function notAShortcut(event) {
  if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return true;
  if (document.querySelector('dialog[open]')) return true;
  const target = event.target;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit'].includes(target.type);
  return target instanceof HTMLElement && (target.isContentEditable || /^(TEXTAREA|SELECT)$/.test(target.tagName));
}

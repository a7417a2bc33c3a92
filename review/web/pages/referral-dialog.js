// Referring an alert to a service: the service (the category's suggested one first), the legal
// qualification (prefilled from the alert, editable) and a comment. The server builds and signs the
// evidence package; the dialog then offers its download and the referral's status.
import { ApiError, api } from '../api.js';
import { announce, formatTime, h, mount } from '../dom.js';
import { lang, t } from '../i18n.js';
import { REFERRAL_STATUSES } from '../vocab.js';
import { cancelButton } from '../decisions.js';

/** @type {Promise<any[]> | null} */
let servicesOnce = null;

/** The configured services, fetched once per page load (they change only with the server's config). */
function services() {
  servicesOnce ??= api.get('/referral-services').then((answer) => answer.services ?? answer);
  servicesOnce.catch(() => (servicesOnce = null));
  return servicesOnce;
}

/** Service id -> its label in the interface's language, for referral records (which keep the id). */
export async function serviceLabels() {
  const list = await services();
  return new Map(list.map((s) => [s.id, serviceLabel(s)]));
}

/** @param {any} service */
function serviceLabel(service) {
  return service.label?.[lang()] ?? service.label?.fr ?? service.id;
}

/**
 * The referral's package link and its status (changeable), for the dialog and the alert's page.
 * @param {any} referral
 */
export function referralSummary(referral) {
  const id = `referral-status-${referral.id}`;
  const status = h(
    'select',
    {
      id,
      onchange: async () => {
        try {
          const answer = await api.post(`/referrals/${encodeURIComponent(referral.id)}/status`, { status: status.value });
          referral.status = answer.referral?.status ?? answer.status ?? status.value;
          announce(t('referral.status-changed', { status: t(`referral-status.${referral.status}`) }));
        } catch {
          status.value = referral.status;
        }
      },
    },
    REFERRAL_STATUSES.map((s) => h('option', { value: s, selected: s === referral.status }, t(`referral-status.${s}`))),
  );
  return h(
    'div',
    { class: 'referral' },
    h('p', null, h('strong', null, referral.serviceLabel ?? referral.service), ' · ', formatTime(referral.createdAt, lang()), referral.createdBy ? ` · ${referral.createdBy}` : ''),
    h('p', null, h('a', { href: `/api/v1/referrals/${encodeURIComponent(referral.id)}/package`, download: `referral-${referral.id}.zip` }, t('referral.download'))),
    referral.packageSha256 && h('p', { class: 'hashes' }, `SHA-256 ${referral.packageSha256}`),
    h('label', { for: id }, t('referral.status')),
    status,
  );
}

/**
 * Opens the dialog for an alert (an AlertView: category, legalQualification); resolves with the
 * referral created, or null if the analyst cancelled.
 * @param {any} alert
 * @returns {Promise<any | null>}
 */
export async function openReferralDialog(alert) {
  const list = await services();
  const suggested = list.find((s) => (s.suggestedFor ?? []).includes(alert.category)) ?? list[0];
  const problem = h('p', { class: 'problem', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('referral.submit'));
  const form = h(
    'form',
    null,
    h('h2', { id: 'referral-title' }, t('referral.title')),
    h('label', { for: 'referral-service' }, t('referral.service')),
    h('select', { id: 'referral-service', name: 'service', required: true }, list.map((s) => h('option', { value: s.id, selected: s === suggested }, serviceLabel(s)))),
    h('label', { for: 'referral-qualification' }, t('referral.qualification')),
    h('textarea', { id: 'referral-qualification', name: 'qualification', required: true, rows: 5, maxlength: 5000, value: (alert.legalQualification ?? []).join('\n') }),
    h('label', { for: 'referral-comment' }, t('referral.comment')),
    h('textarea', { id: 'referral-comment', name: 'comment', rows: 3, maxlength: 5000 }),
    problem,
    h('div', { class: 'actions' }, cancelButton(), submit),
  );
  const dialog = h('dialog', { 'aria-labelledby': 'referral-title', class: 'referral-dialog' }, form);
  document.body.appendChild(dialog);
  /** @type {any} */
  let created = null;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(created);
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (created) return dialog.close();
      const data = new FormData(form);
      submit.disabled = true;
      problem.textContent = '';
      mount(submit, t('referral.building'));
      try {
        const answer = await api.post(
          `/alerts/${encodeURIComponent(alert.id)}/referrals`,
          { service: String(data.get('service')), qualification: String(data.get('qualification')).trim(), comment: String(data.get('comment') ?? '').trim() },
          { quiet: true },
        );
        created = answer.referral ?? answer;
        created.serviceLabel = serviceLabel(list.find((s) => s.id === created.service) ?? { id: created.service });
        announce(t('referral.created'));
        mount(form, h('h2', { id: 'referral-title' }, t('referral.created')), referralSummary(created), h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('common.close'))));
        /** @type {HTMLElement} */ (form.querySelector('a[download]')).focus();
      } catch (err) {
        problem.textContent = err instanceof ApiError ? err.message : String(err);
        submit.disabled = false;
        mount(submit, t('referral.submit'));
      }
    });
    dialog.showModal();
    /** @type {HTMLElement} */ (form.querySelector('select')).focus();
  });
}

// One alert: why it was raised, the page as captured (never live), the evidence, its history,
// comments and referrals, and the decisions (buttons and the queue's shortcuts: c, d, a, r, ?).
import { api } from '../api.js';
import { askAssignee, askDismissReason, decide, notAShortcut, showShortcutHelp } from '../decisions.js';
import { formatTime, h, mount } from '../dom.js';
import { lang, t } from '../i18n.js';
import { captureFrame, evidencePanel, markedText, mediaList, screenshotPanel, whyList } from './alert-evidence.js';
import { LAST_QUEUE_KEY } from './queue-filters.js';
import { openReferralDialog, referralSummary, serviceLabels } from './referral-dialog.js';

/** @param {import('../app.js').PageContext} ctx */
export default async function alertPage(ctx) {
  const id = ctx.params.id ?? '';
  const canDecide = ctx.me.capabilities.includes('alerts:decide');
  const canRefer = ctx.me.capabilities.includes('referrals:write');
  const canSeeEvidence = ctx.me.capabilities.includes('evidence:read');
  const head = h('div');
  const side = h('div');
  const mainColumn = h('div');
  mount(ctx.main, head, h('div', { class: 'alert-grid' }, mainColumn, side));

  /** @type {any} */
  let view = null;

  async function load() {
    const answer = await api.get(`/alerts/${encodeURIComponent(id)}`);
    const labels = answer.referrals?.length ? await serviceLabels().catch(() => new Map()) : new Map();
    const referrals = (answer.referrals ?? []).map((/** @type {any} */ r) => ({ ...r, serviceLabel: labels.get(r.service) }));
    view = { alert: answer, page: answer.page, history: answer.history ?? [], comments: answer.comments ?? [], referrals };
    drawHead();
    drawSide();
  }

  function drawHead() {
    const { alert } = view;
    const category = alert.categoryLabel?.[lang()] ?? t(`category.${alert.category}`);
    ctx.setTitle(`${category} · ${t('alert.title')}`);
    mount(
      head,
      h('p', null, h('a', { href: sessionStorage.getItem(LAST_QUEUE_KEY) ?? '/queue' }, `← ${t('nav.queue')}`)),
      h('h1', null, category),
      h(
        'div',
        { class: 'alert-head' },
        h('span', null, t('queue.col-score'), ' ', h('strong', { class: 'score' }, Number(alert.calibratedScore ?? alert.score).toFixed(2))),
        h('span', { class: `status status-${alert.status}` }, t(`status.${alert.status}`)),
        alert.seenSinceDecision && h('span', { class: 'status seen-again', title: t('queue.seen-title') }, t('queue.seen-badge')),
        h('span', null, t('queue.col-assignee'), ' : ', alert.assignee ?? t('common.none')),
        h('span', null, t('queue.col-target'), ' : ', alert.targetId),
        h('span', { class: 'muted' }, t('alert.seen', { first: formatTime(alert.firstSeen, lang()), last: formatTime(alert.lastSeen, lang()) })),
      ),
      h('details', null, h('summary', null, t('alert.urls', { count: alert.urls?.length ?? 0 })), h('ul', { class: 'url-list' }, (alert.urls ?? []).map((/** @type {string} */ url) => h('li', null, url)))),
      (canDecide || canRefer) &&
        h(
          'div',
          { class: 'decisions', role: 'group', 'aria-label': t('alert.decide') },
          canDecide && h('button', { type: 'button', onclick: () => void act('confirm') }, t('decide.confirm'), ' ', h('kbd', null, 'c')),
          canDecide && h('button', { type: 'button', onclick: () => void act('dismiss') }, t('decide.dismiss'), ' ', h('kbd', null, 'd')),
          canDecide && h('button', { type: 'button', onclick: () => void act('escalate') }, t('decide.escalate')),
          canDecide && h('button', { type: 'button', onclick: () => void act('assign') }, t('decide.assign'), ' ', h('kbd', null, 'a')),
          canRefer && h('button', { type: 'button', onclick: () => void act('refer') }, t('decide.refer'), ' ', h('kbd', null, 'r')),
          h('button', { type: 'button', 'aria-label': t('help.title'), onclick: () => void showShortcutHelp() }, '?'),
        ),
    );
  }

  function drawSide() {
    const { history, comments, referrals } = view;
    const commentBox = h('textarea', { id: 'new-comment', name: 'text', required: true, maxlength: 5000, rows: 3 });
    const commentForm = h(
      'form',
      { class: 'comment-form' },
      h('label', { for: 'new-comment' }, t('alert.add-comment')),
      commentBox,
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('alert.post-comment'))),
    );
    commentForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const text = commentBox.value.trim();
      if (!text) return;
      await api.post(`/alerts/${encodeURIComponent(id)}/comments`, { text });
      await load();
      /** @type {HTMLElement | null} */ (document.getElementById('new-comment'))?.focus();
    });
    mount(
      side,
      panel('alert.why', whyList(view.page?.flag ?? null, view.alert.legalQualification ?? [])),
      panel('alert.referrals', referrals.length === 0 ? h('p', { class: 'note' }, t('referral.none')) : referrals.map(referralSummary)),
      panel(
        'alert.history',
        history.length === 0 && h('p', { class: 'note' }, t('alert.no-history')),
        h(
          'ol',
          { class: 'history' },
          history.map((/** @type {any} */ line) =>
            h(
              'li',
              null,
              h('strong', null, t(`status.${line.status}`)),
              line.reason && ` · ${t(`reason.${line.reason}`)}`,
              line.assignee && ` → ${line.assignee}`,
              h('div', { class: 'muted' }, `${line.actor} · ${formatTime(line.at, lang())}`),
              line.comment && h('div', null, line.comment),
            ),
          ),
        ),
      ),
      panel(
        'alert.comments',
        comments.length === 0 && h('p', { class: 'note' }, t('alert.no-comments')),
        h('ul', { class: 'comments' }, comments.map((/** @type {any} */ c) => h('li', null, h('div', { class: 'muted' }, `${c.author} · ${formatTime(c.at, lang())}`), h('div', null, c.text)))),
        canDecide && commentForm,
      ),
    );
  }

  /**
   * @param {string} key i18n key of the heading
   * @param {...any} children
   */
  function panel(key, ...children) {
    return h('section', { class: 'panel', 'aria-labelledby': `panel-${key}` }, h('h2', { id: `panel-${key}` }, t(key)), children);
  }

  /** @param {'confirm' | 'dismiss' | 'escalate' | 'assign' | 'refer'} action */
  async function act(action) {
    if (action === 'refer') {
      if (!canRefer || !(await openReferralDialog(view.alert))) return;
    } else if (!canDecide) {
      return;
    } else if (action === 'dismiss') {
      const answer = await askDismissReason();
      if (!answer) return;
      await decide([id], { status: 'dismissed', ...answer });
    } else if (action === 'assign') {
      const assignee = await askAssignee(ctx.me.user.username);
      if (!assignee) return;
      await decide([id], { status: 'assigned', assignee });
    } else {
      await decide([id], { status: action === 'confirm' ? 'confirmed' : 'escalated' });
    }
    await load();
  }

  /** @param {KeyboardEvent} event */
  function onKey(event) {
    if (notAShortcut(event)) return;
    const actions = /** @type {Record<string, () => void>} */ ({
      c: () => void act('confirm'),
      d: () => void act('dismiss'),
      a: () => void act('assign'),
      r: () => void act('refer'),
      '?': () => void showShortcutHelp(),
    });
    const run = actions[event.key];
    if (!run) return;
    event.preventDefault();
    run();
  }

  await load();
  // Shortcuts work as soon as the alert is shown; the evidence panels fill in after.
  document.addEventListener('keydown', onKey);
  const pageId = view.alert.pageId;
  if (canSeeEvidence && pageId) {
    const page = await api.get(`/pages/${encodeURIComponent(pageId)}`, undefined, { quiet: true }).catch(() => null);
    mount(
      mainColumn,
      panel('alert.capture', captureFrame(pageId), page && h('p', { class: 'muted' }, page.title ?? '', ' · ', page.finalUrl ?? page.url ?? '', ' · ', formatTime(page.fetchedAt, lang()))),
      page && panel('alert.main-text', markedText(page.text ?? '', page)),
      panel('alert.screenshot', screenshotPanel(pageId, view.page?.evidence?.screenshot)),
      page && panel('alert.media', mediaList(page.media)),
      panel('alert.evidence', await evidencePanel(pageId)),
    );
  }
  return () => document.removeEventListener('keydown', onKey);
}

// Accounts (admin): list, create, change role, disable or enable, and API tokens (the secret is
// shown once, at creation; the desk keeps only its hash).
import { api } from '../api.js';
import { cancelButton } from '../decisions.js';
import { announce, field, formatTime, h, mount } from '../dom.js';
import { lang, t } from '../i18n.js';
import { ROLES } from '../vocab.js';

/** @param {import('../app.js').PageContext} ctx */
export default async function users(ctx) {
  ctx.setTitle(t('users.title'));
  const tbody = h('tbody');
  const caption = h('caption');
  mount(
    ctx.main,
    h('h1', null, t('users.title')),
    createForm(),
    h(
      'table',
      null,
      caption,
      h('thead', null, h('tr', null, ['username', 'role', 'state', 'source', 'last-sign-in', 'actions'].map((col) => h('th', { scope: 'col' }, t(`users.col-${col}`))))),
      tbody,
    ),
  );

  async function load() {
    const { users: list } = await api.get('/users');
    caption.textContent = t('users.caption', { count: list.length });
    mount(tbody, list.map(row));
  }

  /** @param {any} user */
  function row(user) {
    const roleId = `role-${user.username}`;
    const role = h(
      'select',
      {
        id: roleId,
        'aria-label': t('users.role-of', { name: user.username }),
        onchange: async () => {
          try {
            await api.patch(`/users/${encodeURIComponent(user.username)}`, { role: role.value });
            announce(t('users.role-changed', { name: user.username, role: t(`role.${role.value}`) }));
          } finally {
            await load();
          }
        },
      },
      ROLES.map((r) => h('option', { value: r, selected: r === user.role }, t(`role.${r}`))),
    );
    return h(
      'tr',
      null,
      h('td', null, user.username),
      h('td', null, role),
      h('td', null, user.disabled ? t('users.disabled') : t('users.active')),
      h('td', null, user.source),
      h('td', null, formatTime(user.lastSignInAt, lang())),
      h(
        'td',
        { class: 'actions-cell' },
        h(
          'button',
          {
            type: 'button',
            onclick: async () => {
              await api.patch(`/users/${encodeURIComponent(user.username)}`, { disabled: !user.disabled });
              announce(t(user.disabled ? 'users.enabled-msg' : 'users.disabled-msg', { name: user.username }));
              await load();
            },
          },
          user.disabled ? t('users.enable', { name: user.username }) : t('users.disable', { name: user.username }),
        ),
        ' ',
        !user.disabled && h('button', { type: 'button', onclick: () => void tokensDialog(user.username) }, t('users.tokens', { name: user.username })),
      ),
    );
  }

  function createForm() {
    const form = h(
      'form',
      { class: 'filters', 'aria-labelledby': 'new-user-title' },
      h('h2', { id: 'new-user-title', class: 'visually-hidden' }, t('users.create')),
      field(t('users.username'), h('input', { name: 'username', required: true, autocomplete: 'off', pattern: '[a-z0-9][a-z0-9._\\-]{1,62}' })),
      field(t('users.role'), h('select', { name: 'role' }, ROLES.map((r) => h('option', { value: r }, t(`role.${r}`))))),
      field(t('users.password'), h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true })),
      h('button', { type: 'submit', class: 'primary' }, t('users.create')),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const username = String(data.get('username')).trim().toLowerCase();
      await api.post('/users', { username, role: String(data.get('role')), password: String(data.get('password')) });
      announce(t('users.created', { name: username }));
      form.reset();
      await load();
    });
    return form;
  }

  await load();
}

/**
 * An account's tokens: list, revoke, create (the new secret is shown once, in this dialog).
 * @param {string} username
 */
async function tokensDialog(username) {
  const list = h('ul', { class: 'tokens' });
  const fresh = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    null,
    h('h2', { id: 'tokens-title' }, t('tokens.title', { name: username })),
    list,
    fresh,
    h('label', { for: 'token-name' }, t('tokens.name')),
    h('input', { id: 'token-name', name: 'name', required: true, maxlength: 100 }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('tokens.create')), cancelButton()),
  );
  const dialog = h('dialog', { 'aria-labelledby': 'tokens-title' }, form);
  const path = `/users/${encodeURIComponent(username)}/tokens`;
  const load = async () => {
    const { tokens } = await api.get(path);
    mount(
      list,
      tokens.length === 0 && h('li', { class: 'note' }, t('tokens.none')),
      tokens.map((/** @type {any} */ token) =>
        h(
          'li',
          null,
          `${token.name} · ${token.prefix}… · ${formatTime(token.createdAt, lang())}`,
          token.revokedAt
            ? h('span', { class: 'muted' }, ` · ${t('tokens.revoked')}`)
            : h(
                'button',
                {
                  type: 'button',
                  onclick: async () => {
                    await api.del(`/tokens/${encodeURIComponent(token.id)}`);
                    await load();
                  },
                },
                t('tokens.revoke', { name: token.name }),
              ),
        ),
      ),
    );
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = /** @type {HTMLInputElement} */ (form.elements.namedItem('name'));
    const answer = await api.post(path, { name: input.value.trim() });
    input.value = '';
    const secret = h('input', { class: 'token-once', readonly: true, value: answer.token, size: 60 });
    mount(fresh, h('p', null, t('tokens.once')), field(t('tokens.secret'), secret));
    secret.select();
    await load();
  });
  dialog.addEventListener('close', () => dialog.remove());
  document.body.appendChild(dialog);
  await load();
  dialog.showModal();
}

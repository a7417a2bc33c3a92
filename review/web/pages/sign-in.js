// Sign-in: user name, password and the interface language; on success, back to where the user
// was going (only a path of this site: `next` never sends anyone elsewhere).
import { ApiError, api } from '../api.js';
import { h, mount } from '../dom.js';
import { LANGS, lang, setLang, t } from '../i18n.js';

/** @param {import('../app.js').PageContext} ctx */
export default async function signIn(ctx) {
  ctx.setTitle(t('sign-in.title'));
  const problem = h('p', { class: 'problem', role: 'alert' });
  const form = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, t('sign-in.title')),
    h('p', null, t('sign-in.intro')),
    h('label', { for: 'username' }, t('sign-in.username')),
    h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, autofocus: true, maxlength: 64 }),
    h('label', { for: 'password' }, t('sign-in.password')),
    h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 1024 }),
    h('label', { for: 'sign-in-lang' }, t('app.language')),
    h(
      'select',
      {
        id: 'sign-in-lang',
        onchange: (/** @type {Event} */ event) => {
          setLang(/** @type {'fr' | 'en'} */ (/** @type {HTMLSelectElement} */ (event.target).value));
          ctx.navigate(location.pathname + location.search, { replace: true });
        },
      },
      LANGS.map((code) => h('option', { value: code, selected: code === lang() }, t(`lang.${code}`))),
    ),
    problem,
    h('button', { type: 'submit' }, t('sign-in.submit')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    problem.textContent = '';
    try {
      const answer = await api.post('/session', { username: String(data.get('username')), password: String(data.get('password')) }, { quiet: true });
      ctx.signedIn({ user: answer.user, capabilities: answer.capabilities, csrfToken: answer.csrfToken });
      const next = ctx.query.get('next');
      // Only a path of this site: not //host nor /\host (which browsers read as //host).
      ctx.navigate(next && /^\/(?![/\\])/.test(next) && !next.startsWith('/sign-in') ? next : '/', { replace: true });
    } catch (err) {
      const code = err instanceof ApiError ? err.code : '';
      problem.textContent = code === 'rate-limited' ? t('sign-in.rate-limited') : code === 'unauthenticated' ? t('sign-in.failed') : String(/** @type {Error} */ (err).message);
      /** @type {HTMLInputElement} */ (form.elements.namedItem('password')).value = '';
      /** @type {HTMLInputElement} */ (form.elements.namedItem('password')).focus();
    }
  });
  // A failed OpenID Connect sign-in comes back here with ?error=oidc-<reason>.
  const oidcError = ctx.query.get('error');
  if (oidcError) problem.textContent = t('sign-in.oidc-failed', { reason: oidcError.replace(/^oidc-/, '') });
  mount(ctx.main, form);
  const methods = await api.get('/auth-methods', undefined, { quiet: true }).catch(() => null);
  if (methods?.oidc) {
    // A full navigation (not the app's router): the provider's page takes over.
    form.append(h('p', { class: 'or' }, t('sign-in.or')), h('a', { class: 'button', href: methods.oidc.loginUrl }, t('sign-in.oidc', { label: methods.oidc.label })));
  }
  /** @type {HTMLInputElement} */ (form.elements.namedItem('username')).focus();
}

// The top bar: the menu (only the screens the user's role may open), who is signed in, the
// language switch and sign-out.
import { h, mount } from './dom.js';
import { LANGS, lang, setLang, t } from './i18n.js';

/**
 * @param {object} options
 * @param {import('./app.js').Me | null} options.me
 * @param {import('./app.js').Route[]} options.routes the menu's entries
 * @param {() => Promise<void>} options.signOut
 * @param {() => void} options.rerender after a language change
 */
export function renderHeader({ me, routes, signOut, rerender }) {
  const header = /** @type {HTMLElement} */ (document.getElementById('top'));
  const here = location.pathname;
  const languageSwitch = h(
    'label',
    { class: 'lang' },
    h('span', { class: 'visually-hidden' }, t('app.language')),
    h(
      'select',
      {
        onchange: (/** @type {Event} */ event) => {
          setLang(/** @type {'fr' | 'en'} */ (/** @type {HTMLSelectElement} */ (event.target).value));
          rerender();
        },
      },
      LANGS.map((code) => h('option', { value: code, selected: code === lang() }, t(`lang.${code}`))),
    ),
  );
  mount(
    header,
    h('a', { class: 'brand', href: '/' }, 'Vigie'),
    me &&
      h(
        'nav',
        { 'aria-label': t('nav.label') },
        h(
          'ul',
          null,
          routes.map((route) =>
            h('li', null, h('a', { href: route.path, 'aria-current': here.startsWith(route.path) ? 'page' : undefined }, t(/** @type {string} */ (route.nav)))),
          ),
        ),
      ),
    h('span', { class: 'spacer' }),
    me && h('span', { class: 'who' }, h('span', { class: 'user' }, me.user.username), ' ', h('span', { class: 'role' }, t(`role.${me.user.role}`))),
    me && languageSwitch,
    me && h('button', { type: 'button', onclick: () => void signOut() }, t('app.sign-out')),
  );
}

// The desk's entry: loads the language, asks who is signed in, and routes paths to page modules
// without reloading the page. The ROUTES table is the one place that says which screen answers
// which path, who may see it (a capability from GET /api/v1/me) and whether it is in the menu.
import { ApiError, api, onUnauthenticated, setCsrfToken } from './api.js';
import { announce, mount } from './dom.js';
import { renderHeader } from './header.js';
import { loadI18n, t } from './i18n.js';

/**
 * @typedef {{ user: { username: string, role: string }, capabilities: string[], csrfToken: string | null }} Me
 * @typedef {object} PageContext
 * @property {HTMLElement} main where the page renders
 * @property {Record<string, string>} params the path's :parameters, decoded
 * @property {URLSearchParams} query
 * @property {Me} me null only on public pages
 * @property {(path: string, options?: { replace?: boolean }) => void} navigate
 * @property {(title: string) => void} setTitle
 * @property {(me: Me) => void} signedIn for the sign-in page
 * @typedef {{ default: (ctx: PageContext) => Promise<(() => void) | void> }} PageModule
 * @typedef {object} Route
 * @property {string} path pattern, :name for a segment
 * @property {() => Promise<PageModule>} page
 * @property {string} access a capability, 'signed-in' or 'public'
 * @property {string} [nav] i18n key of its menu entry (menu order = table order)
 */

/** @type {Route[]} */
export const ROUTES = [
  { path: '/sign-in', page: () => import('./pages/sign-in.js'), access: 'public' },
  { path: '/queue', page: () => import('./pages/queue.js'), access: 'alerts:read', nav: 'nav.queue' },
  { path: '/alerts/:id', page: () => import('./pages/alert.js'), access: 'alerts:read' },
  { path: '/search', page: () => import('./pages/search.js'), access: 'search:read', nav: 'nav.search' },
  { path: '/entities', page: () => import('./pages/entity-graph.js'), access: 'search:read', nav: 'nav.entities' },
  { path: '/entities/:type/:value', page: () => import('./pages/entity.js'), access: 'search:read' },
  { path: '/targets', page: () => import('./pages/targets.js'), access: 'targets:read', nav: 'nav.targets' },
  { path: '/targets/:id', page: () => import('./pages/target-edit.js'), access: 'targets:read' },
  { path: '/stats', page: () => import('./pages/stats.js'), access: 'stats:read', nav: 'nav.stats' },
  { path: '/users', page: () => import('./pages/users.js'), access: 'users:admin', nav: 'nav.users' },
  { path: '/audit', page: () => import('./pages/audit.js'), access: 'audit:read', nav: 'nav.audit' },
  { path: '/api/docs', page: () => import('./pages/api-docs.js'), access: 'signed-in', nav: 'nav.api-docs' },
];

/** @type {Me | null} */
let me = null;
/** @type {(() => void) | void} */
let cleanup;
let renderCount = 0;

/**
 * @param {string} pattern
 * @param {string} path
 * @returns {Record<string, string> | null}
 */
export function matchPath(pattern, path) {
  if (pattern === '/') return path === '/' ? {} : null;
  const want = pattern.split('/');
  const got = path.replace(/\/+$/, '').split('/');
  if (want.length !== got.length) return null;
  /** @type {Record<string, string>} */
  const params = {};
  for (let i = 0; i < want.length; i++) {
    const segment = /** @type {string} */ (want[i]);
    const value = /** @type {string} */ (got[i]);
    if (segment.startsWith(':')) {
      if (value === '') return null;
      try {
        params[segment.slice(1)] = decodeURIComponent(value);
      } catch {
        return null;
      }
    } else if (segment !== value) return null;
  }
  return params;
}

/** @param {Route} route */
function allowed(route) {
  if (route.access === 'public') return true;
  if (me === null) return false;
  return route.access === 'signed-in' || me.capabilities.includes(route.access);
}

/** The first screen of the menu this user may open. */
function home() {
  return ROUTES.find((route) => route.nav && allowed(route))?.path ?? '/sign-in';
}

/**
 * @param {string} path
 * @param {{ replace?: boolean }} [options]
 */
export function navigate(path, options = {}) {
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  void render();
}

async function render() {
  const ticket = ++renderCount;
  const { pathname, search } = location;
  if (me === null && pathname !== '/sign-in') {
    return navigate(`/sign-in?next=${encodeURIComponent(pathname + search)}`, { replace: true });
  }
  if (pathname === '/' || (me !== null && pathname === '/sign-in')) {
    // (A role with no screen at all would otherwise bounce between / and /sign-in.)
    const target = home();
    if (target !== pathname) return navigate(target, { replace: true });
  }
  const main = /** @type {HTMLElement} */ (document.getElementById('main'));
  if (typeof cleanup === 'function') cleanup();
  cleanup = undefined;
  renderHeader({ me, routes: ROUTES.filter((route) => route.nav && allowed(route)), signOut, rerender: () => void render() });
  const found = ROUTES.map((route) => ({ route, params: matchPath(route.path, pathname) })).find((m) => m.params !== null);
  if (!found) return showProblem(main, t('app.not-found'));
  if (!allowed(found.route)) return showProblem(main, t('app.forbidden'));
  mount(main, t('app.loading'));
  const module = await found.route.page();
  if (ticket !== renderCount) return; // the user went elsewhere meanwhile
  mount(main);
  const done = await module.default({
    main,
    params: /** @type {Record<string, string>} */ (found.params),
    query: new URLSearchParams(search),
    me: /** @type {Me} */ (me),
    navigate,
    setTitle: (title) => {
      document.title = `${title} · Vigie`;
      announce(title);
    },
    signedIn: (next) => {
      me = next;
      setCsrfToken(next.csrfToken);
    },
  });
  // A page left while it was still loading is cleaned up at once (its key listeners go with it).
  if (ticket !== renderCount) {
    if (typeof done === 'function') done();
  } else {
    cleanup = done;
  }
}

/**
 * @param {HTMLElement} main
 * @param {string} message
 */
function showProblem(main, message) {
  document.title = `${message} · Vigie`;
  mount(main, Object.assign(document.createElement('h1'), { textContent: message }));
}

async function signOut() {
  await api.del('/session').catch(() => undefined);
  me = null;
  setCsrfToken(null);
  navigate('/sign-in');
}

/** In-app links move without a reload; downloads, new tabs and the API go to the browser. */
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!(link instanceof HTMLAnchorElement) || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || link.target || link.hasAttribute('download')) return;
  if (link.origin !== location.origin || (/^\/(api|app|ops|metrics)\b/.test(link.pathname) && link.pathname !== '/api/docs')) return;
  event.preventDefault();
  navigate(link.pathname + link.search);
});
window.addEventListener('popstate', () => void render());

// Actions run from clicks and keys without awaiting them. An API error has already been shown to
// the user (api.js) and is not a bug of the page; anything else is shown too, and still logged.
window.addEventListener('unhandledrejection', (event) => {
  if (event.reason instanceof ApiError) {
    event.preventDefault();
    return;
  }
  announce(String(event.reason?.message ?? event.reason), 'error');
});

onUnauthenticated(() => {
  me = null;
  setCsrfToken(null);
  if (location.pathname !== '/sign-in') navigate(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
});

async function start() {
  await loadI18n();
  try {
    me = await api.get('/me', undefined, { quiet: true });
    setCsrfToken(me?.csrfToken ?? null);
  } catch {
    me = null;
  }
  await render();
}
void start();

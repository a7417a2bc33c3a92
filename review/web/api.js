// The desk's JSON API from the browser: same-origin cookie session, the session's CSRF token on
// every state change, {error: {code, message}} answers thrown as ApiError and shown to the user,
// and a 401 (session expired or signed out elsewhere) sends the user to the sign-in screen.
import { announce } from './dom.js';

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code stable code of desk-design.md (bad-request, forbidden, csrf-failed...)
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** @type {string | null} */
let csrfToken = null;
/** @type {() => void} */
let unauthenticated = () => {};

/** @param {string | null} token from POST /api/v1/session or GET /api/v1/me */
export function setCsrfToken(token) {
  csrfToken = token;
}

/** @param {() => void} handler what to do when the server says we are not signed in */
export function onUnauthenticated(handler) {
  unauthenticated = handler;
}

/**
 * /api/v1 path + query (empty values left out, so a URL's filters map straight onto it).
 * @param {string} path
 * @param {Record<string, unknown>} [query]
 */
export function apiUrl(path, query) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const search = params.toString();
  return `/api/v1${path}${search ? `?${search}` : ''}`;
}

/**
 * @typedef {object} RequestOptions
 * @property {Record<string, unknown>} [query]
 * @property {unknown} [body]
 * @property {boolean} [quiet] do not show the error to the user (the caller handles it)
 * @property {string} [contentType] send `body` (a string) as is, with this type (text/yaml for an import)
 */

/**
 * @param {string} method
 * @param {string} path under /api/v1, e.g. /alerts/abc
 * @param {RequestOptions} [options]
 * @returns {Promise<any>}
 */
export async function request(method, path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  let response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : options.contentType ? String(options.body) : JSON.stringify(options.body),
    });
  } catch {
    return fail(new ApiError(0, 'unavailable', 'network error: the desk did not answer'), options);
  }
  const json = (response.headers.get('content-type') ?? '').includes('json') ? await response.json().catch(() => null) : null;
  if (response.ok) return json;
  const error = new ApiError(response.status, json?.error?.code ?? 'internal-error', json?.error?.message ?? `HTTP ${response.status}`);
  // /session (a wrong password) and /me (the app asking at start) handle their own 401.
  if (response.status === 401 && path !== '/session' && path !== '/me') {
    unauthenticated();
    throw error;
  }
  return fail(error, options);
}

/**
 * @param {ApiError} error
 * @param {RequestOptions} options
 * @returns {never}
 */
function fail(error, options) {
  if (!options.quiet) announce(error.message, 'error');
  throw error;
}

export const api = {
  /** @param {string} path @param {Record<string, unknown>} [query] @param {RequestOptions} [options] */
  get: (path, query, options) => request('GET', path, { ...options, query }),
  /** @param {string} path @param {unknown} [body] @param {RequestOptions} [options] */
  post: (path, body, options) => request('POST', path, { ...options, body: body ?? {} }),
  /** @param {string} path @param {unknown} body @param {RequestOptions} [options] */
  put: (path, body, options) => request('PUT', path, { ...options, body }),
  /** @param {string} path @param {unknown} body @param {RequestOptions} [options] */
  patch: (path, body, options) => request('PATCH', path, { ...options, body }),
  /** @param {string} path @param {RequestOptions} [options] */
  del: (path, options) => request('DELETE', path, options),
};

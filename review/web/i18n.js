// Interface language: French by default, English available. The choice is kept in localStorage;
// without one, the browser's language decides. Dictionaries: i18n/fr.js and i18n/en.js here, plus
// any part i18n/fr-<area>.js / en-<area>.js another screen brings: the server lists the parts in
// /app/i18n/parts.json (from the files present), and they are merged at load, so adding a screen
// never means editing this file.

/** @typedef {'fr' | 'en'} Lang */
/** @typedef {Record<string, string>} Dictionary */

export const LANGS = /** @type {const} */ (['fr', 'en']);
const STORAGE_KEY = 'vigie.lang';

/** @type {Lang} */
let current = 'fr';
/** @type {Record<Lang, Dictionary>} */
const dictionaries = { fr: {}, en: {} };

/** @returns {Lang} */
function preferredLang() {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'fr' || stored === 'en') return stored;
  return navigator.language.toLowerCase().startsWith('en') ? 'en' : 'fr';
}

/** Loads both languages (French is every key's fallback) with every part the server lists. */
export async function loadI18n() {
  current = preferredLang();
  /** @type {string[]} */
  let parts = [];
  try {
    const response = await fetch('/app/i18n/parts.json', { credentials: 'same-origin' });
    if (response.ok) parts = await response.json();
  } catch {
    // The base dictionaries still load; a missing part shows its keys, it does not stop the app.
  }
  const names = [...LANGS, ...parts];
  const modules = await Promise.all(names.map((name) => import(`./i18n/${name}.js`).catch(() => ({ default: {} }))));
  names.forEach((name, i) => {
    const lang = /** @type {Lang} */ (name.slice(0, 2));
    if (lang in dictionaries) Object.assign(dictionaries[lang], modules[i].default);
  });
  document.documentElement.lang = current;
}

/** @returns {Lang} */
export function lang() {
  return current;
}

/**
 * Stores the choice; the caller re-renders.
 * @param {Lang} next
 */
export function setLang(next) {
  current = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
}

/**
 * The text of a key in the current language; {name} placeholders take `values`.
 * @param {string} key
 * @param {Record<string, string | number>} [values]
 */
export function t(key, values) {
  const text = dictionaries[current][key] ?? dictionaries.fr[key] ?? key;
  if (!values) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

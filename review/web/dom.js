// Tiny DOM helpers. Every piece of data reaches the page as a text node or an attribute value,
// never as markup: the app never assigns innerHTML, so nothing an alert carries can run here.

/**
 * @typedef {string | number | Node | null | undefined | false | any[]} Child
 * @typedef {Record<string, unknown>} Attrs
 */

/**
 * Builds an element. Attributes: `class`, `for`, aria-* and data-* as attributes; `on<event>`
 * functions as listeners; `true` sets a boolean attribute and `false`/null/undefined omit it;
 * `value`, `checked`, `selected` and `open` are set as properties.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    } else if (name === 'value' || name === 'checked' || name === 'selected') {
      /** @type {any} */ (element)[name] = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

/**
 * @param {Node} parent
 * @param {Child[]} children
 */
function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * Replaces an element's content.
 * @param {Element} element
 * @param {...Child} children
 */
export function mount(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

/**
 * Says something in the page's live regions: `status` politely, `error` assertively (and visibly,
 * as a toast that fades after a while or on click).
 * @param {string} message
 * @param {'status' | 'error'} [kind]
 */
export function announce(message, kind = 'status') {
  if (kind === 'status') {
    const region = document.getElementById('status');
    if (region) region.textContent = message;
    return;
  }
  const region = document.getElementById('toasts');
  if (!region) return;
  const toast = h('p', { class: 'toast', onclick: () => toast.remove() }, message);
  region.appendChild(toast);
  setTimeout(() => toast.remove(), 8000);
}

/**
 * A date and time for people, in the interface's language.
 * @param {string | undefined | null} iso
 * @param {string} lang
 */
export function formatTime(iso, lang) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' }).format(date);
}

/**
 * Opens a modal <dialog> and resolves with what `decide` returns when the dialog's form is
 * submitted, or null when it is cancelled (Escape, the cancel button). The dialog is removed after.
 * @template T
 * @param {HTMLDialogElement} dialog
 * @param {(form: HTMLFormElement) => T} decide
 * @returns {Promise<T | null>}
 */
export function runDialog(dialog, decide) {
  document.body.appendChild(dialog);
  return new Promise((resolve) => {
    const form = dialog.querySelector('form');
    let result = /** @type {T | null} */ (null);
    form?.addEventListener('submit', (event) => {
      event.preventDefault();
      result = decide(form);
      dialog.close();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    dialog.showModal();
  });
}

let fieldCount = 0;

/**
 * A form control with its <label for> (a control nested in its label would take the label's
 * other text, e.g. a select's options, into its accessible name).
 * @param {string} text
 * @param {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} control
 */
export function field(text, control) {
  if (!control.id) control.id = `field-${++fieldCount}`;
  return h('div', { class: 'field' }, h('label', { for: control.id }, text), control);
}

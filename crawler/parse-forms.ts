// Forms of a page, read for what they ask of a visitor: where they send it (action resolved
// against the base URL, or mailto:), how, and which fields (each classified by
// parse-form-fields.ts as a password, a login identifier, a card number, an OTP code...).
// Phishing kits often post with scripts and no <form> at all: inputs outside any form are read as
// one more, action-less form. The text of the small box around a form (logo alt, heading, labels)
// is kept, since that is where a fake login page names the brand it imitates; its blocks and alt
// texts are separated by " | ", so that a logo's "Orange" stands apart from the words around it.
import type { AnyNode, Element } from 'domhandler';
import { textOf } from './parse-collect.ts';
import { FIELD_KINDS, classifyField, type FieldKind, type FormField } from './parse-form-fields.ts';

export { FIELD_KINDS, classifyField } from './parse-form-fields.ts';
export type { FieldKind, FormField } from './parse-form-fields.ts';

export interface PageForm {
  /** Absolute http(s) URL, a mailto: address, or null (no form element, or a javascript: action). */
  action: string | null;
  /** Scheme of the action: 'http', 'https', 'mailto', 'javascript', 'other', or null when there is none. */
  actionScheme: string | null;
  method: 'get' | 'post' | 'dialog';
  /** False for the fields found outside any <form> (grouped as one form). */
  isFormElement: boolean;
  fields: FormField[];
  /** Distinct field kinds asked for, in FIELD_KINDS order (hidden, search and other left out). */
  asks: FieldKind[];
  /** Visible text of the form and of the small box around it, plus image alt texts and logo names. */
  text: string;
}

/** More forms or fields than this on one page is junk or a trap: the rest are ignored. */
export const MAX_FORMS_PER_PAGE = 50;
export const MAX_FIELDS_PER_FORM = 100;
/** The enclosing box of a form counts as its context while its text stays this short. */
const CONTEXT_BOX_CHARS = 800;
const MAX_CONTEXT_CHARS = 2000;
const MAX_ATTR_CHARS = 300;
const CONTEXT_LEVELS = 3;
/** Elements visited when reading a form's context: a box of thousands of empty tags is junk. */
const MAX_CONTEXT_NODES = 5000;

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
const IGNORED_INPUT_TYPES = new Set(['submit', 'button', 'reset', 'image', 'file', 'checkbox', 'radio', 'range', 'color']);

const ASKED_KINDS = FIELD_KINDS.filter((k) => k !== 'hidden' && k !== 'search' && k !== 'other');

/**
 * `forms`: the <form> elements; `fields`: every input/select/textarea; `labels`: every <label>
 * (all in document order, as parse-collect finds them). Never throws.
 */
export function extractForms(forms: Element[], fields: Element[], labels: Element[], baseUrl: string): PageForm[] {
  const labelsByFor = new Map<string, string>();
  for (const label of labels) {
    const target = label.attribs.for?.trim();
    if (target && !labelsByFor.has(target)) labelsByFor.set(target, clean(textOf(label)));
  }
  const formsById = new Map<string, Element>();
  for (const form of forms) {
    const id = form.attribs.id?.trim();
    if (id && !formsById.has(id)) formsById.set(id, form);
  }
  const byForm = new Map<Element | null, Element[]>();
  for (const field of fields) {
    const owner = owningForm(field, formsById);
    const list = byForm.get(owner);
    if (list) list.push(field);
    else byForm.set(owner, [field]);
  }
  const out: PageForm[] = [];
  for (const form of forms) {
    if (out.length >= MAX_FORMS_PER_PAGE) break;
    // Forms without fields (search-engine traps nest thousands) are not read at all.
    const own = byForm.get(form);
    if (!own) continue;
    const read = readForm(form, own, labelsByFor, baseUrl);
    if (read.fields.length > 0) out.push(read);
  }
  const orphans = byForm.get(null);
  if (orphans && out.length < MAX_FORMS_PER_PAGE) {
    const read = readForm(null, orphans, labelsByFor, baseUrl);
    if (read.fields.length > 0) out.push(read);
  }
  return out;
}

/** Whether a form asks for a secret that logs into an account (password, or a one-time code). */
export function isCredentialForm(form: PageForm): boolean {
  return form.asks.includes('password') || form.asks.includes('otp');
}

/** Whether a form asks for a payment card (number with CVV or expiry). */
export function isCardForm(form: PageForm): boolean {
  return form.asks.includes('card-number') && (form.asks.includes('card-cvv') || form.asks.includes('card-expiry'));
}

function readForm(form: Element | null, all: Element[], labelsByFor: Map<string, string>, baseUrl: string): PageForm {
  const elements = all.slice(0, MAX_FIELDS_PER_FORM * 4);
  const fields: FormField[] = [];
  for (const el of elements) {
    if (fields.length >= MAX_FIELDS_PER_FORM) break;
    const field = readField(el, labelsByFor);
    if (field) fields.push(field);
  }
  const kinds = new Set(fields.map((f) => f.kind));
  const { action, actionScheme } = form ? resolveAction(form.attribs.action, baseUrl) : { action: null, actionScheme: null };
  const method = (form?.attribs.method ?? 'get').trim().toLowerCase();
  return {
    action,
    actionScheme,
    method: method === 'post' || method === 'dialog' ? method : 'get',
    isFormElement: form !== null,
    fields,
    asks: ASKED_KINDS.filter((k) => kinds.has(k)),
    text: contextText(form ?? commonBox(elements), fields),
  };
}

function readField(el: Element, labelsByFor: Map<string, string>): FormField | null {
  const tag = el.name as FormField['tag'];
  const attr = (name: string): string | null => {
    const value = el.attribs[name]?.trim();
    return value ? value.slice(0, MAX_ATTR_CHARS) : null;
  };
  const type = tag === 'input' ? (attr('type') ?? 'text').toLowerCase() : tag;
  if (tag === 'input' && IGNORED_INPUT_TYPES.has(type)) return null;
  const id = attr('id');
  const label = (id ? labelsByFor.get(id) : undefined) || enclosingLabel(el) || attr('aria-label') || attr('title');
  const field: FormField = {
    tag,
    type,
    name: attr('name'),
    autocomplete: attr('autocomplete')?.toLowerCase() ?? null,
    placeholder: attr('placeholder'),
    label: label ? label.slice(0, MAX_ATTR_CHARS) : null,
    kind: 'other',
  };
  field.kind = classifyField(field, id);
  return field;
}

/** The action as a browser would send to: empty or absent means the page itself. */
function resolveAction(raw: string | undefined, baseUrl: string): { action: string | null; actionScheme: string | null } {
  const value = raw?.trim() ?? '';
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'javascript') return { action: null, actionScheme: 'javascript' };
  if (scheme === 'mailto') return { action: value.slice(0, MAX_ATTR_CHARS), actionScheme: 'mailto' };
  try {
    const url = new URL(value, baseUrl);
    url.hash = '';
    const s = url.protocol.slice(0, -1);
    return s === 'http' || s === 'https' ? { action: url.href, actionScheme: s } : { action: null, actionScheme: 'other' };
  } catch {
    return { action: null, actionScheme: 'other' };
  }
}

/** The form named by the field's `form` attribute, or its nearest <form> ancestor. */
function owningForm(el: Element, formsById: Map<string, Element>): Element | null {
  const formId = el.attribs.form?.trim();
  if (formId) {
    const named = formsById.get(formId);
    if (named) return named;
  }
  for (let node = el.parent; node; node = node.parent) {
    if (node.type === 'tag' && (node as Element).name === 'form') return node as Element;
  }
  return null;
}

function enclosingLabel(el: Element): string | null {
  for (let node = el.parent, depth = 0; node && depth < 4; node = node.parent, depth++) {
    if (node.type === 'tag' && (node as Element).name === 'label') return clean(textOf(node as Element)) || null;
  }
  return null;
}

/**
 * The smallest common ancestor element of the orphan fields (their "form"), or null. Each field
 * walks up only to the first element on the first field's chain of ancestors: linear in fields x
 * depth (testing every ancestor against every field was depth^2 x fields on deep pages).
 */
function commonBox(elements: Element[]): Element | null {
  const first = elements[0];
  if (!first) return null;
  const chain: Element[] = [];
  for (let node = first.parent; node; node = node.parent) if (node.type === 'tag') chain.push(node as Element);
  const depthOf = new Map(chain.map((el, i) => [el, i]));
  let lowest = 0;
  for (let i = 1; i < elements.length; i++) {
    let found: number | undefined;
    for (let node = elements[i]!.parent; node && found === undefined; node = node.parent) found = depthOf.get(node as Element);
    if (found === undefined) return null;
    if (found > lowest) lowest = found;
  }
  return chain[lowest] ?? null;
}

/**
 * The form's text, widened to enclosing boxes while they stay short (the login "card" with its
 * logo and heading), with image alt texts and logo file names, and the fields' placeholders.
 */
function contextText(form: Element | null, fields: FormField[]): string {
  let box: Element | null = form;
  if (box) {
    for (let level = 0; level < CONTEXT_LEVELS; level++) {
      const parent = box.parent;
      if (!parent || parent.type !== 'tag' || ['body', 'html'].includes((parent as Element).name)) break;
      if (visibleText(parent as Element).length > CONTEXT_BOX_CHARS) break;
      box = parent as Element;
    }
  }
  const parts = box ? [visibleText(box), ...imageWords(box)] : [];
  for (const f of fields) if (f.placeholder) parts.push(f.placeholder);
  return clean(parts.join(BREAK)).slice(0, MAX_CONTEXT_CHARS);
}

const BREAK = ' | ';
/** Elements whose text stands apart from its neighbours' (a heading, a label, a paragraph). */
const BLOCKS = new Set([
  'div', 'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'label', 'li', 'ul', 'ol', 'form', 'section', 'header', 'footer', 'article',
  'aside', 'main', 'nav', 'table', 'tr', 'td', 'th', 'fieldset', 'legend', 'br', 'hr', 'figure', 'figcaption', 'dl', 'dt', 'dd',
  'address', 'blockquote', 'center',
]);

function visibleText(el: Element): string {
  let text = '';
  // `null` marks the end of a block: its text is closed off from what follows.
  const stack: Array<AnyNode | null> = [el];
  let visits = 0;
  while (stack.length > 0 && text.length <= MAX_CONTEXT_CHARS * 2 && visits++ < MAX_CONTEXT_NODES) {
    const node = stack.pop()!;
    if (node === null) text += BREAK;
    else if (node.type === 'text') text += ` ${node.data}`;
    else if (node.type === 'tag' && !['script', 'style', 'template', 'noscript', 'option'].includes((node as Element).name)) {
      if (BLOCKS.has((node as Element).name)) {
        text += BREAK;
        stack.push(null);
      }
      for (let i = Math.min(node.children.length, MAX_CONTEXT_NODES - visits) - 1; i >= 0; i--) stack.push(node.children[i]!);
    }
  }
  return clean(text);
}

/** Alt texts of images in the box, and the file names of images called logo-something. */
function imageWords(box: Element): string[] {
  const words: string[] = [];
  const stack: AnyNode[] = [box];
  let visits = 0;
  while (stack.length > 0 && words.length < 20 && visits++ < MAX_CONTEXT_NODES) {
    const node = stack.pop()!;
    if (node.type !== 'tag') continue;
    const el = node as Element;
    // Icons inside buttons and labelled links are "sign in with Google" or share buttons, not the page's logo.
    if (el.name === 'button' || (el.name === 'a' && isLabelledLink(el))) continue;
    if (el.name === 'img' || el.name === 'svg' || (el.name === 'input' && el.attribs.type === 'image')) {
      const alt = el.attribs.alt?.trim() || el.attribs['aria-label']?.trim() || el.attribs.title?.trim();
      if (alt) words.push(alt.slice(0, MAX_ATTR_CHARS));
      const file = (el.attribs.src ?? '').split(/[?#]/)[0]!.split('/').pop() ?? '';
      if (/logo/i.test(file) || /logo/i.test(el.attribs.class ?? '')) words.push(file.replace(/\.[a-z0-9]{2,5}$/i, '').replace(/[-_.]+/g, ' '));
    }
    for (let i = Math.min(el.children.length, MAX_CONTEXT_NODES - visits) - 1; i >= 0; i--) stack.push(el.children[i]!);
  }
  return words;
}

/** A link with its own words or an sign-in address, as opposed to a bare logo link. */
function isLabelledLink(el: Element): boolean {
  if (/(?:auth|oauth|sso|login|signin|connect)/i.test(el.attribs.href ?? '')) return true;
  return clean(textOf(el)) !== '';
}

/** Spaces collapsed, runs of block breaks made one, none at the ends. */
function clean(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/(?: ?\| ?)+/g, BREAK).replace(/^ ?\| ?| ?\| ?$/g, '').trim();
}

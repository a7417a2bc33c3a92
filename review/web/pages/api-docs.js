// The API reference (/api/docs), read from /api/docs/openapi.json (built from the routes as
// declared, so it cannot drift from them) and shown with the app's own DOM code: no third-party
// script runs in the desk. Operations are grouped by tag, each with its method, path, summary,
// the capability it needs, its parameters and its body.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';

const METHOD_ORDER = ['get', 'post', 'put', 'patch', 'delete'];

/**
 * A schema in a few words: enum values, type (and format), default.
 * @param {any} schema
 * @returns {string}
 */
export function describeSchema(schema) {
  if (!schema || typeof schema !== 'object') return '';
  if (Array.isArray(schema.enum)) return schema.enum.map(String).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  for (const key of ['anyOf', 'oneOf']) if (Array.isArray(schema[key])) return schema[key].map(describeSchema).filter(Boolean).join(' | ');
  let text = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? '');
  if (text === 'array' && schema.items) text = `${describeSchema(schema.items)}[]`;
  if (schema.format) text += ` (${schema.format})`;
  const bounds = [schema.minimum !== undefined && `≥ ${schema.minimum}`, schema.maximum !== undefined && `≤ ${schema.maximum}`, schema.maxLength !== undefined && `≤ ${schema.maxLength} ${t('docs.chars')}`].filter(Boolean);
  if (bounds.length) text += ` ${bounds.join(', ')}`;
  return text;
}

/**
 * Markdown's `code` spans as <code>, the rest as text (the descriptions use nothing else).
 * @param {string} text
 */
function withCode(text) {
  return text.split('`').map((piece, i) => (i % 2 === 1 ? h('code', null, piece) : piece));
}

/** @param {string} tag */
const tagId = (tag) => `tag-${tag.replace(/[^a-z0-9-]/gi, '-')}`;

/** @param {import('../app.js').PageContext} ctx */
export default async function apiDocs(ctx) {
  ctx.setTitle(t('docs.title'));
  const response = await fetch('/api/docs/openapi.json', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET /api/docs/openapi.json: HTTP ${response.status}`);
  const doc = await response.json();
  /** @type {Map<string, { method: string, path: string, op: any }[]>} */
  const byTag = new Map();
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(/** @type {Record<string, any>} */ (operations))) {
      const tag = op.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, op }]);
    }
  }
  const tags = [...byTag.keys()].sort();
  for (const list of byTag.values()) list.sort((a, b) => a.path.localeCompare(b.path) || METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method));

  const toc = h(
    'nav',
    { class: 'docs-toc', 'aria-label': t('docs.toc') },
    h(
      'ul',
      null,
      tags.map((tag) =>
        h(
          'li',
          null,
          h(
            'a',
            {
              href: `#${tagId(tag)}`,
              // In-page: the app's router would otherwise treat it as a new screen.
              onclick: (/** @type {MouseEvent} */ event) => {
                event.preventDefault();
                history.replaceState(null, '', `#${tagId(tag)}`);
                document.getElementById(tagId(tag))?.scrollIntoView();
              },
            },
            tag,
            ' ',
            h('span', { class: 'muted' }, `(${byTag.get(tag)?.length ?? 0})`),
          ),
        ),
      ),
    ),
  );
  mount(
    ctx.main,
    h('h1', null, t('docs.title')),
    h('p', null, `${doc.info?.title ?? ''} · ${t('docs.version', { version: doc.info?.version ?? '' })}`),
    h('p', { class: 'note' }, withCode(doc.info?.description ?? '')),
    h('p', null, h('a', { href: '/api/docs/openapi.json', download: 'vigie-openapi.json' }, t('docs.download'))),
    toc,
    tags.map((tag) =>
      h(
        'section',
        { class: 'docs-tag', id: tagId(tag), 'aria-labelledby': `${tagId(tag)}-title` },
        h('h2', { id: `${tagId(tag)}-title` }, tag),
        (byTag.get(tag) ?? []).map(({ method, path, op }) => operation(method, path, op)),
      ),
    ),
  );
}

/** @param {string} method @param {string} path @param {any} op */
function operation(method, path, op) {
  const params = op.parameters ?? [];
  const body = op.requestBody?.content ?? {};
  const titleId = `op-${method}-${path.replace(/[^a-z0-9]/gi, '-')}`;
  return h(
    'article',
    { class: 'docs-op', 'aria-labelledby': titleId },
    h('h3', { id: titleId }, h('span', { class: `method method-${method}` }, method.toUpperCase()), ' ', h('code', null, path)),
    h('p', null, withCode(op.summary ?? '')),
    h('p', { class: 'muted' }, t('docs.access'), ' ', h('code', null, op['x-vigie-access'] ?? '')),
    params.length > 0 &&
      h(
        'table',
        { class: 'docs-params' },
        h('caption', null, t('docs.params', { method: method.toUpperCase(), path })),
        h('thead', null, h('tr', null, ['name', 'in', 'required', 'type'].map((c) => h('th', { scope: 'col' }, t(`docs.col-${c}`))))),
        h(
          'tbody',
          null,
          params.map((/** @type {any} */ p) =>
            h(
              'tr',
              null,
              h('th', { scope: 'row' }, h('code', null, p.name)),
              h('td', null, p.in),
              h('td', null, p.required ? t('docs.yes') : t('docs.no')),
              h('td', null, describeSchema(p.schema), p.schema?.default !== undefined ? h('span', { class: 'muted' }, ` (${t('docs.default')} ${JSON.stringify(p.schema.default)})`) : null),
            ),
          ),
        ),
      ),
    Object.keys(body).length > 0 &&
      h(
        'details',
        null,
        h('summary', null, t('docs.body', { type: Object.keys(body).join(', ') })),
        Object.values(body).map((/** @type {any} */ media) => h('pre', { class: 'code' }, JSON.stringify(media.schema ?? {}, null, 2))),
      ),
  );
}

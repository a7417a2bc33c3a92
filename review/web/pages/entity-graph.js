// The entities shared across sites (/entities): a two-column graph, entities on the left and the
// sites that mention them on the right, drawn in SVG with each node a link (an entity opens its
// page, a site opens the search of its pages), and the same graph as a table for reading and for
// assistive technology. The order of each column follows its neighbours' (barycentres), which
// keeps most lines from crossing without a physics simulation.
import { api } from '../api.js';
import { svg } from '../charts.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { entityLink } from './search-hits.js';

/** extractors/types.ts ENTITY_TYPES */
export const ENTITY_TYPES = ['email', 'phone', 'iban', 'card', 'btc', 'eth', 'xmr', 'onion', 'telegram', 'url', 'domain', 'ip'];
const ROW_HEIGHT = 26;
const WIDTH = 900;
const LEFT_X = 330;
const RIGHT_X = 600;

/**
 * Rows for both columns: sites by pages, then entities by the mean row of their sites, then sites
 * again by the mean row of their entities.
 * @param {any} graph GET /api/v1/entities/graph
 */
export function bipartiteLayout(graph) {
  const entities = graph.nodes.filter((/** @type {any} */ n) => n.kind === 'entity');
  let sites = graph.nodes.filter((/** @type {any} */ n) => n.kind === 'site').sort((/** @type {any} */ a, /** @type {any} */ b) => b.pages - a.pages);
  /** @type {Map<string, string[]>} */
  const neighbours = new Map();
  for (const edge of graph.edges) {
    neighbours.set(edge.source, [...(neighbours.get(edge.source) ?? []), edge.target]);
    neighbours.set(edge.target, [...(neighbours.get(edge.target) ?? []), edge.source]);
  }
  /** @param {any[]} column @param {any[]} by */
  const orderBy = (column, by) => {
    const row = new Map(by.map((node, i) => [node.id, i]));
    const centre = (/** @type {any} */ node) => {
      const rows = (neighbours.get(node.id) ?? []).map((id) => row.get(id) ?? 0);
      return rows.length === 0 ? Infinity : rows.reduce((a, b) => a + b, 0) / rows.length;
    };
    return [...column].sort((a, b) => centre(a) - centre(b) || b.pages - a.pages);
  };
  const orderedEntities = orderBy(entities, sites);
  sites = orderBy(sites, orderedEntities);
  return { entities: orderedEntities, sites, neighbours };
}

/** @param {any} node */
function entityPath(node) {
  return `/entities/${encodeURIComponent(node.type)}/${encodeURIComponent(node.label)}`;
}

/** @param {any} node */
function sitePath(node) {
  return `/search?domain=${encodeURIComponent(node.label)}`;
}

/** @param {string} text @param {number} max */
function shorten(text, max) {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** @param {import('../app.js').PageContext} ctx */
export default async function entityGraph(ctx) {
  ctx.setTitle(t('graph.title'));
  const query = new URLSearchParams(location.search);
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': t('graph.filters') },
    h('label', null, t('graph.type'), h('select', { name: 'type' }, h('option', { value: '' }, t('common.all')), ENTITY_TYPES.map((type) => h('option', { value: type, selected: query.get('type') === type }, type)))),
    h('label', null, t('graph.min-sites'), h('input', { name: 'minSites', type: 'number', min: 1, max: 1000, value: query.get('minSites') ?? '2' })),
    h('label', null, t('graph.limit'), h('input', { name: 'limit', type: 'number', min: 1, max: 1000, value: query.get('limit') ?? '100' })),
    h('label', null, t('search.from'), h('input', { name: 'from', type: 'date', value: query.get('from') ?? '' })),
    h('label', null, t('search.to'), h('input', { name: 'to', type: 'date', value: query.get('to') ?? '' })),
    h('button', { type: 'submit', class: 'primary' }, t('queue.filter')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (String(value).trim()) next.set(name, String(value).trim());
    ctx.navigate(`/entities${next.size ? `?${next}` : ''}`);
  });
  const graph = await api.get('/entities/graph', {
    type: query.get('type'),
    minSites: query.get('minSites'),
    limit: query.get('limit'),
    from: query.get('from') ? `${query.get('from')}T00:00:00.000Z` : undefined,
    to: query.get('to') ? `${query.get('to')}T23:59:59.999Z` : undefined,
  });
  const layout = bipartiteLayout(graph);
  mount(
    ctx.main,
    h('h1', null, t('graph.title')),
    h('p', { class: 'note' }, t('graph.intro')),
    form,
    layout.entities.length === 0 ? h('p', { class: 'note' }, t('graph.empty')) : [drawing(layout, graph, ctx.navigate), listing(layout)],
  );
}

/**
 * @param {ReturnType<typeof bipartiteLayout>} layout
 * @param {any} graph
 * @param {(path: string) => void} navigate
 */
function drawing(layout, graph, navigate) {
  const height = Math.max(layout.entities.length, layout.sites.length) * ROW_HEIGHT + 10;
  const y = new Map();
  const spread = (/** @type {any[]} */ column) => {
    const step = (height - 10) / column.length;
    column.forEach((node, i) => y.set(node.id, 5 + step * (i + 0.5)));
  };
  spread(layout.entities);
  spread(layout.sites);
  const maxPages = Math.max(1, ...graph.edges.map((/** @type {any} */ e) => e.pages));
  const edges = svg(
    'g',
    { 'aria-hidden': 'true' },
    ...graph.edges.map((/** @type {any} */ edge) =>
      svg('line', { x1: LEFT_X, y1: y.get(edge.source), x2: RIGHT_X, y2: y.get(edge.target), stroke: '#98a2b3', 'stroke-width': 1 + (3 * edge.pages) / maxPages, 'data-source': edge.source, 'data-target': edge.target }),
    ),
  );
  /** @param {any} node @param {'entity' | 'site'} kind */
  const nodeLink = (node, kind) => {
    const x = kind === 'entity' ? LEFT_X : RIGHT_X;
    const href = kind === 'entity' ? entityPath(node) : sitePath(node);
    const sites = (layout.neighbours.get(node.id) ?? []).length;
    const label =
      kind === 'entity'
        ? t('graph.entity-node', { type: node.type, value: node.label, pages: node.pages, sites })
        : t('graph.site-node', { site: node.label, pages: node.pages, entities: sites });
    const link = svg(
      'a',
      { href, 'aria-label': label, class: `graph-node graph-${kind}` },
      svg('circle', { cx: x, cy: y.get(node.id), r: 6, fill: kind === 'entity' ? '#1d4ed8' : '#067647' }),
      svg(
        'text',
        { x: kind === 'entity' ? x - 12 : x + 12, y: y.get(node.id) + 4, 'text-anchor': kind === 'entity' ? 'end' : 'start', 'font-size': 12, fill: '#1b1f24' },
        kind === 'entity' ? `${node.type} ${shorten(node.label, 34)}` : shorten(node.label, 36),
      ),
    );
    // SVG links are not HTMLAnchorElements: the app's link handler leaves them, so route here.
    link.addEventListener('click', (event) => {
      const mouse = /** @type {MouseEvent} */ (event);
      if (mouse.button !== 0 || mouse.ctrlKey || mouse.metaKey || mouse.shiftKey) return;
      event.preventDefault();
      navigate(href);
    });
    return link;
  };
  return h(
    'figure',
    { class: 'chart-figure graph-figure' },
    h('figcaption', null, t('graph.caption', { entities: layout.entities.length, sites: layout.sites.length })),
    svg(
      'svg',
      { viewBox: `0 0 ${WIDTH} ${height}`, class: 'graph', role: 'group', 'aria-label': t('graph.summary', { entities: layout.entities.length, sites: layout.sites.length }) },
      edges,
      ...layout.entities.map((node) => nodeLink(node, 'entity')),
      ...layout.sites.map((node) => nodeLink(node, 'site')),
    ),
  );
}

/** The graph as a table: each entity, its pages and the sites it is on. @param {ReturnType<typeof bipartiteLayout>} layout */
function listing(layout) {
  const siteById = new Map(layout.sites.map((s) => [s.id, s]));
  return h(
    'table',
    { class: 'graph-list' },
    h('caption', null, t('graph.list-caption')),
    h('thead', null, h('tr', null, ['entity', 'pages', 'sites'].map((c) => h('th', { scope: 'col' }, t(`graph.col-${c}`))))),
    h(
      'tbody',
      null,
      layout.entities.map((node) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, entityLink(node.type, node.label)),
          h('td', { class: 'num' }, node.pages),
          h(
            'td',
            null,
            (layout.neighbours.get(node.id) ?? []).map((id, i) => {
              const site = siteById.get(id);
              return site ? [i > 0 ? ', ' : '', h('a', { href: sitePath(site) }, site.label)] : null;
            }),
          ),
        ),
      ),
    ),
  );
}

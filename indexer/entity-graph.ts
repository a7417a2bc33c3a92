// The entity graph both backends return: entities seen on pages of at least `minSites` distinct
// sites, linked to those sites. Each backend counts (entity, site) -> pages its own way; ranking,
// the cut and the node/edge shapes are decided here once, so both answer the same graph.
import { NonRetryableError } from '../config/errors.ts';
import { ENTITY_TYPES } from '../extractors/types.ts';
import type { EntityType } from '../extractors/types.ts';
import type { EntityGraph, EntityGraphOptions } from './types.ts';
import { canonicalTime } from './page-fields.ts';

export const DEFAULT_GRAPH_ENTITIES = 100;
export const MAX_GRAPH_ENTITIES = 1000;

export interface ResolvedGraphOptions {
  type?: EntityType;
  minSites: number;
  limit: number;
  from?: string;
  to?: string;
}

export function resolveGraphOptions(options: EntityGraphOptions): ResolvedGraphOptions {
  const whole = (value: number | undefined, fallback: number, min: number, max: number): number =>
    value === undefined || !Number.isFinite(value) ? fallback : Math.min(Math.max(Math.floor(value), min), max);
  if (options.type !== undefined && !ENTITY_TYPES.includes(options.type)) {
    throw new NonRetryableError('index-invalid-entity-type', `unknown entity type ${JSON.stringify(options.type)}`);
  }
  const resolved: ResolvedGraphOptions = {
    minSites: whole(options.minSites, 2, 1, 1000),
    limit: whole(options.limit, DEFAULT_GRAPH_ENTITIES, 1, MAX_GRAPH_ENTITIES),
  };
  if (options.type !== undefined) resolved.type = options.type;
  if (options.from) resolved.from = canonicalTime(options.from, 'from');
  if (options.to) resolved.to = canonicalTime(options.to, 'to');
  return resolved;
}

/** Pages of one site mentioning one entity (by its pivot key `type:value`). */
export interface EntitySiteCount {
  key: string;
  site: string;
  pages: number;
}

/** Edges drawn per entity (its sites with the most pages): a wallet on 5,000 sites stays one readable node. */
export const MAX_SITES_PER_ENTITY = 50;

export interface SharedEntity {
  key: string;
  /** Site -> pages of that site mentioning the entity (possibly only the sites with most pages). */
  sites: Map<string, number>;
  /** Distinct sites and pages in all. */
  siteCount: number;
  pages: number;
}

/** An entity's totals when the counts list only some of its sites (Elasticsearch's top site buckets). */
export type EntityTotals = ReadonlyMap<string, { sites: number; pages: number }>;

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Entities on >= minSites sites; most sites first, then most pages, then key; at most `limit`. */
export function rankSharedEntities(counts: Iterable<EntitySiteCount>, minSites: number, limit: number, totals?: EntityTotals): SharedEntity[] {
  const byKey = new Map<string, SharedEntity>();
  for (const { key, site, pages } of counts) {
    let entity = byKey.get(key);
    if (entity === undefined) {
      entity = { key, sites: new Map(), siteCount: 0, pages: 0 };
      byKey.set(key, entity);
    }
    entity.sites.set(site, (entity.sites.get(site) ?? 0) + pages);
    entity.pages += pages;
  }
  for (const entity of byKey.values()) {
    const total = totals?.get(entity.key);
    entity.siteCount = total?.sites ?? entity.sites.size;
    entity.pages = total?.pages ?? entity.pages;
  }
  return [...byKey.values()]
    .filter((entity) => entity.siteCount >= minSites)
    .sort((a, b) => b.siteCount - a.siteCount || b.pages - a.pages || byText(a.key, b.key))
    .slice(0, limit);
}

/** Nodes and edges; `sitePages` is, per site, its pages mentioning any of the entities. */
export function assembleGraph(entities: readonly SharedEntity[], sitePages: ReadonlyMap<string, number>): EntityGraph {
  const graph: EntityGraph = { nodes: [], edges: [] };
  const sites = new Set<string>();
  for (const entity of entities) {
    const colon = entity.key.indexOf(':');
    const id = `entity:${entity.key}`;
    graph.nodes.push({ id, kind: 'entity', label: entity.key.slice(colon + 1), type: entity.key.slice(0, colon) as EntityType, pages: entity.pages });
    const drawn = [...entity.sites].sort(([a, x], [b, y]) => y - x || byText(a, b)).slice(0, MAX_SITES_PER_ENTITY);
    for (const [site, pages] of drawn.sort(([a], [b]) => byText(a, b))) {
      sites.add(site);
      graph.edges.push({ source: id, target: `site:${site}`, pages });
    }
  }
  for (const site of [...sites].sort(byText)) {
    graph.nodes.push({ id: `site:${site}`, kind: 'site', label: site, pages: sitePages.get(site) ?? 0 });
  }
  return graph;
}

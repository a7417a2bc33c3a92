// Pivots on an entity (a wallet, a phone number, an e-mail, an IBAN, a Telegram handle, an onion
// address...): the pages that mention it, the alerts raised on those pages, the sites it appears
// on and the entities seen beside it; and the graph of entities shared across sites.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseEntityQuery } from '../../extractors/entity-query.ts';
import { ENTITY_TYPES, type EntityType } from '../../extractors/types.ts';
import { entityKey, hostOf, siteOfHost } from '../../indexer/page-fields.ts';
import type { PageDocument, SearchIndex } from '../../indexer/types.ts';
import type { DeskContext } from '../http/context.ts';
import { HttpError } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { isoTime, withIndexErrors } from './search-params.ts';

/** Pages read in full to count sites, alerts and co-occurring entities (the newest ones). */
export const ENTITY_PAGE_SAMPLE = 200;
export const TOP_COOCCURRING = 20;
/** Pages read from the index at once: enough to be quick, few enough to leave it room. */
const READ_CONCURRENCY = 8;

const entityParams = z.strictObject({ type: z.enum(ENTITY_TYPES), value: z.string().min(1).max(500) });
const entityQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(ENTITY_PAGE_SAMPLE).default(50),
  from: isoTime.optional(),
  to: isoTime.optional(),
});
const graphQuery = z.strictObject({
  type: z.enum(ENTITY_TYPES).optional(),
  minSites: z.coerce.number().int().min(1).max(1000).default(2),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  from: isoTime.optional(),
  to: isoTime.optional(),
});

async function readPages(index: SearchIndex, ids: readonly string[]): Promise<PageDocument[]> {
  const pages: (PageDocument | null)[] = new Array(ids.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const i = next++;
      pages[i] = await index.getPage(ids[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, ids.length) }, worker));
  return pages.filter((page): page is PageDocument => page !== null);
}

/** Most frequent first, then by key, so the answer is stable. */
function ranked<K extends string>(counts: Map<K, number>): [K, number][] {
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function countBy<K extends string>(items: Iterable<K>): Map<K, number> {
  const counts = new Map<K, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

/** Hosts and co-occurring entities over the pages, each page counted once per value. */
export function entityNeighbourhood(pages: readonly PageDocument[], key: string) {
  const hosts = countBy(pages.map((page) => hostOf(page.finalUrl || page.url)).filter((host) => host !== ''));
  const others = countBy(
    pages.flatMap((page) => [...new Set(page.entities.map((e) => entityKey(e.type, e.value)))].filter((other) => other !== key)),
  );
  const sites = ranked(hosts).map(([host, count]) => ({ host, site: siteOfHost(host), pages: count }));
  const cooccurring = ranked(others)
    .slice(0, TOP_COOCCURRING)
    .map(([other, count]) => {
      const colon = other.indexOf(':');
      return { type: other.slice(0, colon) as EntityType, value: other.slice(colon + 1), pages: count };
    });
  return { sites, cooccurring };
}

export function registerEntityRoutes(app: FastifyInstance, ctx: DeskContext): void {
  const index = ctx.pipeline.index;

  // Declared before /:type/:value only for reading order: the router tells them apart by length.
  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/entities/graph',
    tag: 'entities',
    summary: 'Entities mentioned on pages of several sites, linked to those sites',
    access: 'search:read',
    query: graphQuery,
    handler: async ({ query }) => withIndexErrors(() => index.entityGraph(query)),
  });

  defineRoute(app, ctx, {
    method: 'GET',
    url: '/api/v1/entities/:type/:value',
    tag: 'entities',
    summary: `One entity: the pages mentioning it, the alerts on them, its sites and the entities seen beside it (over the newest ${ENTITY_PAGE_SAMPLE} pages)`,
    access: 'search:read',
    params: entityParams,
    query: entityQuery,
    handler: async ({ params, query }) => {
      const parsed = parseEntityQuery(`${params.type}:${params.value}`);
      if (!parsed.ok) throw new HttpError(400, 'bad-request', `value: ${parsed.message}`);
      const entity = parsed.query;
      const { from, to } = query;
      const result = await withIndexErrors(() => index.search({ entity, from, to, limit: ENTITY_PAGE_SAMPLE, offset: 0 }));
      const pages = await readPages(index, result.hits.map((hit) => hit.id));
      // A near-duplicate page's alerts are filed under the content it duplicates.
      const contents = [...new Set(pages.flatMap((page) => [page.contentHash, ...(page.nearDuplicateOf ? [page.nearDuplicateOf] : [])]))];
      const alerts = contents.length > 0 ? await index.alertsForContent(contents) : [];
      return {
        entity,
        total: result.total,
        pages: result.hits.slice(0, query.limit),
        /** How many of the newest pages the sites, alerts and co-occurring entities were counted over. */
        sampledPages: pages.length,
        ...entityNeighbourhood(pages, entityKey(entity.type, entity.value)),
        alerts,
      };
    },
  });
}

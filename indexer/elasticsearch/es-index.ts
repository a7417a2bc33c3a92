// The Elasticsearch index: thin glue between SearchIndex and request bodies built by pure
// functions (mappings.ts, write-bodies.ts, search-bodies.ts).
//
// Durability: writes are acknowledged once the translog is fsynced (Elasticsearch's default
// `index.translog.durability: request`), so indexPage resolving means the page survives a crash.
// Visibility to search is another matter: by default (`refresh: false`) a page shows up in search
// after the next periodic refresh (about a second). Tests and tools that need to read their own
// writes at once pass `refresh: 'wait_for'` (waits for that refresh) or `true` (forces one,
// expensive under load; fine in tests).
import { Client, errors } from '@elastic/elasticsearch';
import type { estypes } from '@elastic/elasticsearch';
import type {
  Alert,
  AlertDecision,
  AlertDecisionRecord,
  AlertFilter,
  AlertGroup,
  AlertObservation,
  AlertStats,
  AlertStatsQuery,
  IndexPageResult,
  PageDocument,
  RuleOutcomeCount,
  EntityGraph,
  EntityGraphOptions,
  SearchIndex,
  SearchQuery,
  ScanPagesOptions,
  ScanPagesResult,
  SearchResult,
} from '../types.ts';
import { resolveSearch } from '../search-input.ts';
import { bulkItemError, wrapEsError } from './es-errors.ts';
import { changedRules, checkFactors } from '../alert-merge.ts';
import { applyDecision } from '../decisions.ts';
import {
  alertCountRequest,
  alertGroupCountFrom,
  alertGroupCountRequest,
  alertGroupsFrom,
  alertGroupsRequest,
  alertListRequest,
  alertsForContentRequest,
} from './alert-bodies.ts';
import { alertStatsFrom, alertStatsRequest } from './stats-bodies.ts';
import {
  CALIBRATION_DOC_ID,
  decisionRecordRequest,
  decisionUpdateRequest,
  factorsDocRequest,
  historyFrom,
  historyRequest,
  recalibrateRequest,
  ruleOutcomesFrom,
  ruleOutcomesRequest,
} from './decision-bodies.ts';
import type { EsDecisionSource } from './decision-bodies.ts';
import { indexNames, indexRequests } from './mappings.ts';
import type { IndexNames } from './mappings.ts';
import {
  entityGraphRequest,
  entitySiteCountsFrom,
  graphSitePagesRequest,
  pageScanRequest,
  pageSearchRequest,
  searchAggregatesFrom,
  searchHitFrom,
  sitePagesFrom,
  totalOf,
} from './search-bodies.ts';
import { assembleGraph, rankSharedEntities, resolveGraphOptions } from '../entity-graph.ts';
import type { EsHitSource } from './search-bodies.ts';
import { alertFromSource, indexPageOperations, pageFromSource } from './write-bodies.ts';
import type { EsAlertSource, EsPageSource } from './write-bodies.ts';

export interface ElasticsearchIndexOptions {
  /** Cluster URL; ignored when `client` is given. */
  node?: string;
  /** A client the caller owns (and closes); otherwise one is created and closed by close(). */
  client?: Client;
  /** Index name prefix: `${prefix}-pages` and `${prefix}-alerts`. Lower case. */
  prefix?: string;
  /** Refresh policy of writes; see the file comment. Default false. */
  refresh?: estypes.Refresh;
}

export const DEFAULT_ES_PREFIX = 'vigie';

/**
 * How long a worker merges new observations with the calibration factors it last read. A
 * decision made in another process reaches new alerts within this time; the alerts that exist
 * are recalibrated by the decision itself (applyRuleFactors).
 */
export const FACTORS_CACHE_MS = 30_000;
/** Attempts of a decision against concurrent changes of the same alert (optimistic concurrency). */
const DECISION_ATTEMPTS = 5;

export class ElasticsearchIndex implements SearchIndex {
  readonly names: IndexNames;
  readonly #client: Client;
  readonly #ownsClient: boolean;
  readonly #refresh: estypes.Refresh;
  #closed = false;
  #factors: { value: Record<string, number>; readAtMs: number } | undefined;

  constructor(options: ElasticsearchIndexOptions) {
    if (options.client === undefined && options.node === undefined) {
      throw new TypeError('ElasticsearchIndex needs a node URL or a client');
    }
    this.#client = options.client ?? new Client({ node: options.node as string });
    this.#ownsClient = options.client === undefined;
    this.names = indexNames(options.prefix ?? DEFAULT_ES_PREFIX);
    this.#refresh = options.refresh ?? false;
  }

  async init(): Promise<void> {
    for (const request of indexRequests(this.names)) {
      try {
        if (await this.#client.indices.exists({ index: request.index })) {
          // Mappings only grow: new fields of a newer Vigie are added to an existing index.
          if (request.mappings?.properties) await this.#client.indices.putMapping({ index: request.index, properties: request.mappings.properties });
          continue;
        }
        await this.#client.indices.create(request);
      } catch (err) {
        // Another worker created it between our check and our create: that is what we wanted.
        if (err instanceof errors.ResponseError && err.body?.error?.type === 'resource_already_exists_exception') continue;
        throw wrapEsError(err, `cannot create index ${String(request.index)}`);
      }
    }
  }

  async indexPage(page: PageDocument, observations: AlertObservation[]): Promise<IndexPageResult> {
    const factors = observations.length > 0 ? await this.#currentFactors() : {};
    const operations = indexPageOperations(this.names, page, observations, factors);
    let response: estypes.BulkResponse;
    try {
      response = await this.#client.bulk<EsPageSource | EsAlertSource>({ operations, refresh: this.#refresh });
    } catch (err) {
      throw wrapEsError(err, `cannot index page ${page.id}`);
    }
    const [pageItem, ...alertItems] = response.items;
    const pageResult = pageItem?.index;
    // 409 on the page: a newer fetch of the same content is already stored (external_gte).
    if (pageResult === undefined || (pageResult.error !== undefined && pageResult.status !== 409)) {
      throw bulkItemError(pageResult ?? { _index: this.names.pages, status: 500 }, `cannot index page ${page.id}`);
    }
    const result: IndexPageResult = { alertsCreated: 0, alertsUpdated: 0 };
    for (const item of alertItems) {
      const update = item.update;
      if (update === undefined || update.error !== undefined) {
        throw bulkItemError(update ?? { _index: this.names.alerts, status: 500 }, `cannot merge an alert of page ${page.id}`);
      }
      if (update.result === 'created') result.alertsCreated += 1;
      else if (update.result === 'updated') result.alertsUpdated += 1;
    }
    return result;
  }

  async getPage(id: string): Promise<PageDocument | null> {
    const response = await this.#call(`cannot read page ${id}`, () =>
      this.#client.get<EsPageSource>({ index: this.names.pages, id }, { ignore: [404] }),
    );
    return response.found && response._source !== undefined ? pageFromSource(response._source) : null;
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const search = resolveSearch(query);
    const request = pageSearchRequest(this.names.pages, search);
    const response = await this.#call('search failed', () => this.#client.search<EsHitSource>(request));
    return {
      ...searchAggregatesFrom(response.aggregations, search),
      total: totalOf(response.hits.total),
      hits: response.hits.hits.map(searchHitFrom),
    };
  }

  async entityGraph(options: EntityGraphOptions): Promise<EntityGraph> {
    const resolved = resolveGraphOptions(options);
    const response = await this.#call('cannot build the entity graph', () =>
      this.#client.search(entityGraphRequest(this.names.pages, resolved)),
    );
    const { counts, totals } = entitySiteCountsFrom(response.aggregations);
    const entities = rankSharedEntities(counts, resolved.minSites, resolved.limit, totals);
    if (entities.length === 0) return assembleGraph([], new Map());
    // The sites the graph draws (at most MAX_SITES_PER_ENTITY per entity, as assembleGraph keeps).
    const sites = [...new Set(assembleGraph(entities, new Map()).nodes.flatMap((node) => (node.kind === 'site' ? [node.label] : [])))];
    const keys = entities.map((entity) => entity.key);
    const pages = await this.#call('cannot count the entity graph sites', () =>
      this.#client.search(graphSitePagesRequest(this.names.pages, keys, sites, resolved)),
    );
    return assembleGraph(entities, sitePagesFrom(pages.aggregations));
  }

  async listAlerts(filter: AlertFilter): Promise<Alert[]> {
    const response = await this.#call('cannot list alerts', () =>
      this.#client.search<EsAlertSource>(alertListRequest(this.names.alerts, filter)),
    );
    return response.hits.hits.flatMap((hit) => (hit._source === undefined ? [] : [alertFromSource(hit._source)]));
  }

  async countAlerts(filter: AlertFilter): Promise<number> {
    const request = alertCountRequest(this.names, filter);
    return (await this.#call('cannot count alerts', () => this.#client.count(request))).count;
  }

  async listAlertGroups(filter: AlertFilter): Promise<AlertGroup[]> {
    const request = alertGroupsRequest(this.names, filter);
    const response = await this.#call('cannot list alert groups', () => this.#client.search(request));
    return alertGroupsFrom(response.hits.hits);
  }

  async countAlertGroups(filter: AlertFilter): Promise<number> {
    const request = alertGroupCountRequest(this.names, filter);
    const response = await this.#call('cannot count alert groups', () => this.#client.search(request));
    return alertGroupCountFrom(response.aggregations as Record<string, unknown> | undefined);
  }

  async alertsForContent(contentHashes: readonly string[]): Promise<Alert[]> {
    const request = alertsForContentRequest(this.names, contentHashes);
    if (request === null) return [];
    const response = await this.#call('cannot read the alerts of these contents', () => this.#client.search<EsAlertSource>(request));
    return response.hits.hits.flatMap((hit) => (hit._source === undefined ? [] : [alertFromSource(hit._source)]));
  }

  async alertStats(query: AlertStatsQuery): Promise<AlertStats> {
    const request = alertStatsRequest(this.names, query);
    const response = await this.#call('cannot compute alert statistics', () => this.#client.search(request));
    return alertStatsFrom(response.aggregations as Record<string, unknown> | undefined);
  }

  async getAlert(id: string): Promise<Alert | null> {
    const response = await this.#call(`cannot read alert ${id}`, () =>
      this.#client.get<EsAlertSource>({ index: this.names.alerts, id, _source_excludes: ['pageIds'] }, { ignore: [404] }),
    );
    return response.found && response._source !== undefined ? alertFromSource(response._source) : null;
  }

  async decideAlert(id: string, decision: AlertDecision): Promise<Alert | null> {
    for (let attempt = 1; ; attempt += 1) {
      const read = await this.#call(`cannot read alert ${id}`, () =>
        this.#client.get<EsAlertSource>({ index: this.names.alerts, id, _source_excludes: ['pageIds'] }, { ignore: [404] }),
      );
      if (!read.found || read._source === undefined || read._seq_no === undefined || read._primary_term === undefined) return null;
      const alert = alertFromSource(read._source);
      const decided = applyDecision(alert, decision);
      try {
        await this.#client.update(decisionUpdateRequest(this.names, decided, { seqNo: read._seq_no, primaryTerm: read._primary_term }, this.#refresh));
      } catch (err) {
        // Someone else changed the alert since we read it (a merge, another decision): read again.
        if (err instanceof errors.ResponseError && err.statusCode === 409 && attempt < DECISION_ATTEMPTS) continue;
        throw wrapEsError(err, `cannot record the decision on alert ${id}`);
      }
      await this.#call(`cannot append the decision on alert ${id} to its history`, () =>
        this.#client.index(decisionRecordRequest(this.names, id, alert.status, decision, Date.now(), this.#refresh)),
      );
      return decided;
    }
  }

  async alertHistory(id: string): Promise<AlertDecisionRecord[]> {
    const response = await this.#call(`cannot read the history of alert ${id}`, () =>
      this.#client.search<EsDecisionSource>(historyRequest(this.names, id)),
    );
    return historyFrom(response.hits.hits);
  }

  async ruleOutcomes(): Promise<RuleOutcomeCount[]> {
    const response = await this.#call('cannot count decisions per rule', () => this.#client.search(ruleOutcomesRequest(this.names)));
    return ruleOutcomesFrom(response.aggregations as Record<string, unknown> | undefined);
  }

  async ruleFactors(): Promise<Record<string, number>> {
    const response = await this.#call('cannot read the calibration factors', () =>
      this.#client.get<{ factors?: Record<string, number> }>({ index: this.names.calibration, id: CALIBRATION_DOC_ID }, { ignore: [404] }),
    );
    const factors = response.found ? (response._source?.factors ?? {}) : {};
    this.#factors = { value: factors, readAtMs: Date.now() };
    return factors;
  }

  async applyRuleFactors(factors: Record<string, number>): Promise<{ alertsUpdated: number }> {
    const checked = checkFactors(factors);
    const changed = changedRules(await this.ruleFactors(), checked);
    await this.#call('cannot store the calibration factors', () =>
      this.#client.index(factorsDocRequest(this.names, checked, new Date(), this.#refresh)),
    );
    this.#factors = { value: checked, readAtMs: Date.now() };
    if (changed.length === 0) return { alertsUpdated: 0 };
    const response = await this.#call('cannot recalibrate alerts', () =>
      this.#client.updateByQuery(recalibrateRequest(this.names, changed, checked, this.#refresh !== false)),
    );
    return { alertsUpdated: response.updated ?? 0 };
  }

  async countPages(): Promise<number> {
    const response = await this.#call('cannot count pages', () => this.#client.count({ index: this.names.pages }));
    return response.count;
  }

  async scanPages(options: ScanPagesOptions): Promise<ScanPagesResult> {
    const request = pageScanRequest(this.names.pages, options);
    const response = await this.#call('cannot scan pages', () => this.#client.search<EsPageSource>(request));
    const pages = response.hits.hits.flatMap((hit) => (hit._source === undefined ? [] : [pageFromSource(hit._source)]));
    const size = request.size ?? 0;
    return response.hits.hits.length < size || pages.length === 0 ? { pages } : { pages, next: pages[pages.length - 1]!.id };
  }

  /** Closes the client if this index created it. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsClient) await this.#client.close();
  }

  async #currentFactors(): Promise<Record<string, number>> {
    if (this.#factors !== undefined && Date.now() - this.#factors.readAtMs < FACTORS_CACHE_MS) return this.#factors.value;
    return this.ruleFactors();
  }

  async #call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      throw wrapEsError(err, what);
    }
  }
}

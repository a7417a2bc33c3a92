// The embedded index: one SQLite file in the data directory, shared safely by several processes
// on one machine (WAL, busy timeout, IMMEDIATE write transactions). Writes go through a group
// commit: indexPage resolves once the transaction holding its page has committed with
// synchronous=FULL, i.e. is on disk.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { NonRetryableError } from '../../config/errors.ts';
import type { Category } from '../../extractors/types.ts';
import type {
  Alert,
  AlertDecision,
  AlertDecisionRecord,
  AlertFilter,
  AlertGroup,
  AlertObservation,
  AlertStats,
  EntityGraph,
  EntityGraphOptions,
  AlertStatsQuery,
  IndexPageResult,
  PageDocument,
  RuleOutcomeCount,
  SearchIndex,
  SearchQuery,
  ScanPagesOptions,
  ScanPagesResult,
  SearchResult,
} from '../types.ts';
import { timeMs } from '../page-fields.ts';
import { leadingExcerpt, resolvePaging, resolveSearch } from '../search-input.ts';
import { AlertDecisions } from './alert-decisions.ts';
import { AlertQueries } from './alert-queries.ts';
import { alertStats } from './alert-stats.ts';
import { GroupCommit } from './group-commit.ts';
import type { GroupCommitStats, Outcome } from './group-commit.ts';
import { alertFromRow, createPageWriter, prepareWrite } from './page-writer.ts';
import type { PreparedWrite } from './page-writer.ts';
import { configureConnection, migrate } from './schema.ts';
import { buildSearchSql } from './search-sql.ts';
import { embeddedEntityGraph, facetsSql, runFacets } from './search-facets.ts';
import { resolveGraphOptions } from '../entity-graph.ts';
import { wrapSqliteError } from './sqlite-errors.ts';

export interface EmbeddedIndexOptions {
  dataDir: string;
  /** File name inside dataDir. */
  fileName?: string;
  /** How long a write waits for another process holding the write lock. */
  busyTimeoutMs?: number;
  /** How long the first write of a group commit waits for others to join. */
  groupCommitWindowMs?: number;
  maxBatchSize?: number;
}

export const EMBEDDED_INDEX_FILE = 'index.sqlite';
const MAX_CACHED_STATEMENTS = 500;

interface HitRow {
  id: string;
  url: string;
  title: string;
  fetched_at: string;
  target_id: string;
  language: string | null;
  categories_json: string;
  snippet: string | null;
}

export class EmbeddedIndex implements SearchIndex {
  readonly filePath: string;
  readonly #options: Required<Omit<EmbeddedIndexOptions, 'dataDir' | 'fileName'>>;
  #db: Database.Database | undefined;
  #commits: GroupCommit<PreparedWrite, IndexPageResult> | undefined;
  #decisions: AlertDecisions | undefined;
  #closed = false;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(options: EmbeddedIndexOptions) {
    this.filePath = path.join(options.dataDir, options.fileName ?? EMBEDDED_INDEX_FILE);
    this.#options = {
      busyTimeoutMs: options.busyTimeoutMs ?? 10_000,
      groupCommitWindowMs: options.groupCommitWindowMs ?? 2,
      maxBatchSize: options.maxBatchSize ?? 512,
    };
  }

  async init(): Promise<void> {
    if (this.#closed) throw closedError();
    if (this.#db !== undefined) return;
    let db: Database.Database | undefined;
    try {
      mkdirSync(path.dirname(this.filePath), { recursive: true });
      db = new Database(this.filePath, { timeout: this.#options.busyTimeoutMs });
      configureConnection(db);
      migrate(db);
    } catch (err) {
      db?.close();
      throw wrapSqliteError(err, `cannot open the embedded index at ${this.filePath}`);
    }
    const writePage = createPageWriter(db);
    const writeOne = db.transaction((write: PreparedWrite) => writePage(write));
    // The outer transaction commits the batch; each page runs in a savepoint (a nested
    // better-sqlite3 transaction) so a page that fails is rolled back and rejected alone.
    const writeBatch = db.transaction((writes: readonly PreparedWrite[]): Outcome<IndexPageResult>[] =>
      writes.map((write) => {
        try {
          return { ok: true, value: writeOne(write) };
        } catch (error) {
          return { ok: false, error: wrapSqliteError(error, `cannot index page ${write.row.id}`) };
        }
      }),
    );
    this.#db = db;
    this.#decisions = new AlertDecisions(db);
    this.#commits = new GroupCommit({
      windowMs: this.#options.groupCommitWindowMs,
      maxBatch: this.#options.maxBatchSize,
      runBatch: (writes) => {
        try {
          return writeBatch.immediate(writes);
        } catch (err) {
          throw wrapSqliteError(err, `index batch of ${writes.length} pages not committed`);
        }
      },
    });
  }

  async indexPage(page: PageDocument, observations: AlertObservation[]): Promise<IndexPageResult> {
    const commits = this.#writer();
    return commits.submit(prepareWrite(page, observations));
  }

  async getPage(id: string): Promise<PageDocument | null> {
    const row = this.#statement('SELECT title, text, doc_json FROM pages WHERE id = ?').get(id) as StoredPageRow | undefined;
    return row === undefined ? null : pageFromRow(row);
  }

  async scanPages(options: ScanPagesOptions): Promise<ScanPagesResult> {
    const limit = Math.max(1, resolvePaging(options.limit, 0).limit);
    const where = ['id > @after'];
    const params: Record<string, string | number> = { after: options.after ?? '', limit };
    if (options.targetId !== undefined) {
      where.push('target_id = @target');
      params.target = options.targetId;
    }
    if (options.since !== undefined) {
      where.push('fetched_ms >= @since');
      params.since = timeMs(options.since, 'since');
    }
    const sql = `SELECT title, text, doc_json FROM pages WHERE ${where.join(' AND ')} ORDER BY id LIMIT @limit`;
    const pages = (this.#statement(sql).all(params) as StoredPageRow[]).map(pageFromRow);
    return pages.length < limit ? { pages } : { pages, next: pages[pages.length - 1]!.id };
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const search = resolveSearch(query);
    const sql = buildSearchSql(search);
    // With facets or a histogram, the total comes with them (the matching set is found once).
    const aggregates =
      search.facets || search.histogram !== undefined
        ? runFacets(this.#statement(facetsSql(sql, search)), sql, search)
        : { total: (this.#statement(sql.count).get(sql.params) as { total: number }).total };
    const rows = this.#statement(sql.select).all({ ...sql.params, limit: search.limit, offset: search.offset }) as HitRow[];
    return {
      ...aggregates,
      hits: rows.map((row) => ({
        id: row.id,
        url: row.url,
        title: row.title,
        fetchedAt: row.fetched_at,
        targetId: row.target_id,
        language: row.language,
        categories: JSON.parse(row.categories_json) as Category[],
        snippet: sql.hasMatch ? (row.snippet ?? '').trim() : leadingExcerpt(row.snippet ?? ''),
      })),
    };
  }

  async entityGraph(options: EntityGraphOptions): Promise<EntityGraph> {
    return embeddedEntityGraph((sql) => this.#statement(sql), resolveGraphOptions(options));
  }

  async listAlerts(filter: AlertFilter): Promise<Alert[]> {
    return this.#alertQueries().list(filter);
  }

  async countAlerts(filter: AlertFilter): Promise<number> {
    return this.#alertQueries().count(filter);
  }

  async listAlertGroups(filter: AlertFilter): Promise<AlertGroup[]> {
    return this.#alertQueries().groups(filter);
  }

  async countAlertGroups(filter: AlertFilter): Promise<number> {
    return this.#alertQueries().countGroups(filter);
  }

  async alertsForContent(contentHashes: readonly string[]): Promise<Alert[]> {
    return this.#alertQueries().forContent(contentHashes);
  }

  async alertStats(query: AlertStatsQuery): Promise<AlertStats> {
    return alertStats((sql) => this.#statement(sql), query);
  }

  async getAlert(id: string): Promise<Alert | null> {
    const row = this.#statement('SELECT * FROM alerts WHERE id = ?').get(id) as Parameters<typeof alertFromRow>[0] | undefined;
    return row === undefined ? null : alertFromRow(row);
  }

  async decideAlert(id: string, decision: AlertDecision): Promise<Alert | null> {
    return this.#alertDecisions().decide(id, decision);
  }

  async alertHistory(id: string): Promise<AlertDecisionRecord[]> {
    return this.#alertDecisions().history(id);
  }

  async ruleOutcomes(): Promise<RuleOutcomeCount[]> {
    return this.#alertDecisions().outcomes();
  }

  async ruleFactors(): Promise<Record<string, number>> {
    return this.#alertDecisions().factors();
  }

  async applyRuleFactors(factors: Record<string, number>): Promise<{ alertsUpdated: number }> {
    // Pending page writes go first, so their alerts are recalibrated too.
    this.#writer().flush();
    return { alertsUpdated: this.#alertDecisions().applyFactors(factors) };
  }

  async countPages(): Promise<number> {
    return (this.#statement('SELECT count(*) AS n FROM pages').get() as { n: number }).n;
  }

  /** Commits pending writes, then closes the file. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#commits?.flush();
    this.#db?.close();
    this.#db = undefined;
    this.#decisions = undefined;
    this.#statements.clear();
  }

  /** Group-commit counters, for tests and benchmarks. */
  get commitStats(): GroupCommitStats {
    return this.#commits?.stats ?? { batches: 0, items: 0 };
  }

  #open(): Database.Database {
    if (this.#closed) throw closedError();
    if (this.#db === undefined) {
      throw new NonRetryableError('index-not-initialised', 'call init() before using the embedded index');
    }
    return this.#db;
  }

  #alertQueries(): AlertQueries {
    this.#open();
    return new AlertQueries((sql) => this.#statement(sql));
  }

  #alertDecisions(): AlertDecisions {
    this.#open();
    return this.#decisions as AlertDecisions;
  }

  #writer(): GroupCommit<PreparedWrite, IndexPageResult> {
    this.#open();
    return this.#commits as GroupCommit<PreparedWrite, IndexPageResult>;
  }

  /**
   * Prepared statements are cached by SQL text. Search queries of the query language have
   * unbounded shapes, so the cache is emptied when it grows past MAX_CACHED_STATEMENTS.
   */
  #statement(sql: string): Database.Statement {
    const db = this.#open();
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      if (this.#statements.size >= MAX_CACHED_STATEMENTS) this.#statements.clear();
      statement = db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

interface StoredPageRow {
  title: string;
  text: string;
  doc_json: string;
}

function pageFromRow(row: StoredPageRow): PageDocument {
  return { ...(JSON.parse(row.doc_json) as Omit<PageDocument, 'title' | 'text'>), title: row.title, text: row.text };
}

function closedError(): NonRetryableError {
  return new NonRetryableError('index-closed', 'the embedded index is closed');
}

// The embedded index's SQLite schema and its migrations. The schema version lives in `meta`;
// a later version appends a migration to MIGRATIONS and never edits an earlier one.
//
// Full text: pages_fts is an FTS5 table with EXTERNAL CONTENT (content='pages'): the text is
// stored once, in `pages`, and snippet() reads it from there, which a contentless table could not
// do. The price is that the writer keeps pages_fts in step by hand (page-writer.ts inserts and
// 'delete's rows with the folded text of fts-text.ts); never run the FTS5 'rebuild' command, it
// would re-index the unfolded text.
import type Database from 'better-sqlite3';
import { NonRetryableError } from '../../config/errors.ts';

type Db = Database.Database;

const V1 = `
CREATE TABLE pages (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  url TEXT NOT NULL,
  host_rev TEXT NOT NULL,
  target_id TEXT NOT NULL,
  language TEXT,
  fetched_at TEXT NOT NULL,
  fetched_ms INTEGER NOT NULL,
  categories_json TEXT NOT NULL,
  title TEXT NOT NULL,
  text TEXT NOT NULL,
  doc_json TEXT NOT NULL
);
CREATE INDEX pages_fetched ON pages (fetched_ms);
CREATE INDEX pages_host_rev ON pages (host_rev);
CREATE INDEX pages_target ON pages (target_id, fetched_ms);

CREATE VIRTUAL TABLE pages_fts USING fts5(
  title, text,
  content = 'pages', content_rowid = 'seq',
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE page_entities (
  key TEXT NOT NULL,
  page_seq INTEGER NOT NULL,
  PRIMARY KEY (key, page_seq)
) WITHOUT ROWID;
CREATE INDEX page_entities_page ON page_entities (page_seq);

CREATE TABLE page_categories (
  category TEXT NOT NULL,
  page_seq INTEGER NOT NULL,
  PRIMARY KEY (category, page_seq)
) WITHOUT ROWID;
CREATE INDEX page_categories_page ON page_categories (page_seq);

CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  category TEXT NOT NULL,
  score REAL NOT NULL,
  tags_json TEXT NOT NULL,
  rule_ids_json TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  target_id TEXT NOT NULL,
  page_id TEXT NOT NULL,
  urls_json TEXT NOT NULL,
  page_count INTEGER NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL
);
CREATE INDEX alerts_rank ON alerts (score DESC, last_seen DESC);
CREATE INDEX alerts_status_rank ON alerts (status, score DESC, last_seen DESC);

-- One row per (alert, page): what makes re-indexing a page never count it twice.
CREATE TABLE alert_pages (
  alert_id TEXT NOT NULL,
  page_id TEXT NOT NULL,
  PRIMARY KEY (alert_id, page_id)
) WITHOUT ROWID;
`;

// Analysts' decisions and calibration (issue 4): the latest decision and the per-rule weights on
// the alert, the calibrated score the queue ranks by, an append-only decision history (triggers
// refuse UPDATE and DELETE, so no code path can rewrite it), and the calibration factors in force.
const V2 = `
ALTER TABLE alerts ADD COLUMN calibrated_score REAL NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN rule_weights_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE alerts ADD COLUMN decision_json TEXT;
UPDATE alerts SET calibrated_score = score;
CREATE INDEX alerts_calibrated_rank ON alerts (calibrated_score DESC, last_seen DESC, id);
CREATE INDEX alerts_status_calibrated_rank ON alerts (status, calibrated_score DESC, last_seen DESC, id);

CREATE TABLE alert_decisions (
  seq INTEGER PRIMARY KEY,
  alert_id TEXT NOT NULL,
  status TEXT NOT NULL,
  previous_status TEXT NOT NULL,
  reason TEXT,
  comment TEXT,
  actor TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX alert_decisions_alert ON alert_decisions (alert_id, seq);
CREATE TRIGGER alert_decisions_no_update BEFORE UPDATE ON alert_decisions
  BEGIN SELECT RAISE(ABORT, 'alert decisions are append-only'); END;
CREATE TRIGGER alert_decisions_no_delete BEFORE DELETE ON alert_decisions
  BEGIN SELECT RAISE(ABORT, 'alert decisions are append-only'); END;

CREATE TABLE rule_factors (
  rule_id TEXT PRIMARY KEY,
  factor REAL NOT NULL
) WITHOUT ROWID;
`;

// The review desk's queue and statistics (issue 5): who holds an alert, when it was first decided
// (backfilled from the history: the earliest decision other than 'assigned' or 'new', as
// indexer/decisions.ts says), and indexes that keep the queue fast at 100,000 alerts
// (bench/queue-bench.ts): the open queue (new, assigned, escalated; the literal list
// embedded/alert-queries.ts writes) walked in rank order; rank order within a category or an
// assignee; a content's alerts by status and rank (groups, counts of groups, alerts of contents);
// and the first-seen statistics, covered without reading the rows.
const V3_ALERT_QUEUE = `
ALTER TABLE alerts ADD COLUMN assignee TEXT;
ALTER TABLE alerts ADD COLUMN first_decided_at TEXT;
ALTER TABLE alert_decisions ADD COLUMN assignee TEXT;
UPDATE alerts SET first_decided_at = (
  SELECT min(d.at) FROM alert_decisions d WHERE d.alert_id = alerts.id AND d.status NOT IN ('assigned', 'new'));
CREATE INDEX alerts_open_rank ON alerts (calibrated_score DESC, last_seen DESC, id)
  WHERE status IN ('new', 'assigned', 'escalated');
CREATE INDEX alerts_category_status_rank ON alerts (category, status, calibrated_score DESC, last_seen DESC, id);
CREATE INDEX alerts_assignee_rank ON alerts (assignee, status, calibrated_score DESC, last_seen DESC, id)
  WHERE assignee IS NOT NULL;
CREATE INDEX alerts_content_rank ON alerts (content_hash, status, calibrated_score DESC, last_seen DESC, id);
CREATE INDEX alerts_first_seen ON alerts (first_seen, category, status, first_decided_at);
`;

// Investigators' search (issue 5): facets, the date histogram and the entity graph read a few
// narrow columns of many pages found by seq. The rows themselves are wide (text, document JSON),
// so reading them costs a page read per row; this covering index, keyed by seq, serves those
// reads (search-facets.ts names it with INDEXED BY): about twice as fast at 100,000 pages.
const V4_SEARCH_FACETS = `
CREATE INDEX pages_facts ON pages (seq, fetched_ms, target_id, language, host_rev);
`;

const MIGRATIONS: ReadonlyArray<(db: Db) => void> = [
  (db) => db.exec(V1),
  (db) => db.exec(V2),
  (db) => db.exec(V3_ALERT_QUEUE),
  (db) => db.exec(V4_SEARCH_FACETS),
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Per-connection settings: WAL so readers never block the writer, FULL sync so a commit is on disk. */
export function configureConnection(db: Db): void {
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (String(mode).toLowerCase() !== 'wal') {
    throw new NonRetryableError('index-wal-unavailable', `SQLite refused WAL mode (got ${String(mode)})`);
  }
  db.pragma('synchronous = FULL');
}

function readVersion(db: Db): number {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
  return row === undefined ? 0 : Number(row.value);
}

/** A SQLite file's schema history: migration k takes version k to k + 1, and is never edited. */
export interface MigrationPlan {
  /** What the file is, for messages ("index", "desk store"). */
  what: string;
  migrations: ReadonlyArray<(db: Db) => void>;
  /** The stable error code when the file is newer than this code understands. */
  tooNewCode: string;
}

/**
 * Brings a file's schema to its plan's last version in one IMMEDIATE transaction, so that several
 * processes opening the same file at once migrate it exactly once. The version lives in `meta`.
 */
export function applyMigrations(db: Db, plan: MigrationPlan): void {
  const latest = plan.migrations.length;
  const run = db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    const current = readVersion(db);
    if (!Number.isInteger(current) || current > latest) {
      throw new NonRetryableError(
        plan.tooNewCode,
        `${plan.what} schema version ${current} is newer than this Vigie understands (${latest}); upgrade Vigie`,
        { details: { found: current, supported: latest } },
      );
    }
    for (let version = current; version < latest; version += 1) plan.migrations[version]?.(db);
    db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(
      String(latest),
    );
  });
  run.immediate();
}

/** Brings the embedded index to SCHEMA_VERSION. */
export function migrate(db: Db): void {
  applyMigrations(db, { what: 'index', migrations: MIGRATIONS, tooNewCode: 'index-schema-too-new' });
}

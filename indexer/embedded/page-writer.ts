// One page write for the embedded index: the page row, its FTS entry, entity keys and categories,
// then each alert observation merged through the (alert, page) link table. Runs inside the
// group-commit transaction; `prepareWrite` does all validation beforehand, outside it.
import type Database from 'better-sqlite3';
import { NonRetryableError } from '../../config/errors.ts';
import type { Alert, AlertObservation, IndexPageResult, PageDocument } from '../types.ts';
import { canonicalObservation, mergeObservation, newAlert } from '../alert-merge.ts';
import type { RuleFactors } from '../alert-merge.ts';
import { hostOf, pageCategories, pageEntityKeys, reversedHost, timeMs } from '../page-fields.ts';
import { foldForFts } from './fts-text.ts';

export interface PageRow {
  id: string;
  url: string;
  host_rev: string;
  target_id: string;
  language: string | null;
  fetched_at: string;
  fetched_ms: number;
  categories_json: string;
  title: string;
  text: string;
  doc_json: string;
}

export interface PreparedWrite {
  row: PageRow;
  entityKeys: string[];
  categories: string[];
  observations: AlertObservation[];
}

/** Validates and serialises a page and its observations; throws NonRetryableError when unusable. */
export function prepareWrite(page: PageDocument, observations: readonly AlertObservation[]): PreparedWrite {
  if (!page.id || typeof page.text !== 'string' || typeof page.title !== 'string') {
    throw new NonRetryableError('index-invalid-document', 'page needs an id, a title and a text', {
      details: { pageId: page.id },
    });
  }
  const { title, text, ...rest } = page;
  let docJson: string;
  try {
    docJson = JSON.stringify(rest);
  } catch (cause) {
    throw new NonRetryableError('index-invalid-document', `page ${page.id} cannot be serialised`, { cause });
  }
  const categories = pageCategories(page);
  return {
    row: {
      id: page.id,
      url: page.url,
      host_rev: reversedHost(hostOf(page.url)),
      target_id: page.targetId,
      language: page.language,
      fetched_at: page.fetchedAt,
      fetched_ms: timeMs(page.fetchedAt, 'fetchedAt'),
      categories_json: JSON.stringify(categories),
      title,
      text,
      doc_json: docJson,
    },
    entityKeys: pageEntityKeys(page),
    categories,
    observations: observations.map(canonicalObservation),
  };
}

export interface AlertRow {
  id: string;
  status: string;
  category: string;
  score: number;
  calibrated_score: number;
  tags_json: string;
  rule_ids_json: string;
  rule_weights_json: string;
  decision_json: string | null;
  assignee: string | null;
  first_decided_at: string | null;
  content_hash: string;
  target_id: string;
  page_id: string;
  urls_json: string;
  page_count: number;
  first_seen: string;
  last_seen: string;
}

export function alertFromRow(row: AlertRow): Alert {
  const alert: Alert = {
    id: row.id,
    status: row.status as Alert['status'],
    category: row.category as Alert['category'],
    score: row.score,
    calibratedScore: row.calibrated_score,
    tags: JSON.parse(row.tags_json) as string[],
    ruleIds: JSON.parse(row.rule_ids_json) as string[],
    ruleWeights: JSON.parse(row.rule_weights_json) as Record<string, number>,
    contentHash: row.content_hash,
    targetId: row.target_id,
    pageId: row.page_id,
    urls: JSON.parse(row.urls_json) as string[],
    pageCount: row.page_count,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
  };
  if (row.decision_json !== null) alert.decision = JSON.parse(row.decision_json) as Alert['decision'];
  if (row.assignee !== null) alert.assignee = row.assignee;
  if (row.first_decided_at !== null) alert.firstDecidedAt = row.first_decided_at;
  return alert;
}

export function alertToRow(alert: Alert): AlertRow {
  return {
    id: alert.id,
    status: alert.status,
    category: alert.category,
    score: alert.score,
    calibrated_score: alert.calibratedScore,
    tags_json: JSON.stringify(alert.tags),
    rule_ids_json: JSON.stringify(alert.ruleIds),
    rule_weights_json: JSON.stringify(alert.ruleWeights),
    decision_json: alert.decision === undefined ? null : JSON.stringify(alert.decision),
    assignee: alert.assignee ?? null,
    first_decided_at: alert.firstDecidedAt ?? null,
    content_hash: alert.contentHash,
    target_id: alert.targetId,
    page_id: alert.pageId,
    urls_json: JSON.stringify(alert.urls),
    page_count: alert.pageCount,
    first_seen: alert.firstSeen,
    last_seen: alert.lastSeen,
  };
}

export type PageWriter = (write: PreparedWrite) => IndexPageResult;

export function createPageWriter(db: Database.Database): PageWriter {
  const selectPage = db.prepare('SELECT seq, fetched_ms, title, text, doc_json FROM pages WHERE id = ?');
  const insertPage = db.prepare(
    `INSERT INTO pages (id, url, host_rev, target_id, language, fetched_at, fetched_ms, categories_json, title, text, doc_json)
     VALUES (@id, @url, @host_rev, @target_id, @language, @fetched_at, @fetched_ms, @categories_json, @title, @text, @doc_json)`,
  );
  const updatePage = db.prepare(
    `UPDATE pages SET url = @url, host_rev = @host_rev, target_id = @target_id, language = @language,
       fetched_at = @fetched_at, fetched_ms = @fetched_ms, categories_json = @categories_json,
       title = @title, text = @text, doc_json = @doc_json
     WHERE seq = @seq`,
  );
  const insertFts = db.prepare('INSERT INTO pages_fts (rowid, title, text) VALUES (?, ?, ?)');
  const deleteFts = db.prepare("INSERT INTO pages_fts (pages_fts, rowid, title, text) VALUES ('delete', ?, ?, ?)");
  const insertEntity = db.prepare('INSERT OR IGNORE INTO page_entities (key, page_seq) VALUES (?, ?)');
  const deleteEntities = db.prepare('DELETE FROM page_entities WHERE page_seq = ?');
  const insertCategory = db.prepare('INSERT OR IGNORE INTO page_categories (category, page_seq) VALUES (?, ?)');
  const deleteCategories = db.prepare('DELETE FROM page_categories WHERE page_seq = ?');
  const insertLink = db.prepare('INSERT OR IGNORE INTO alert_pages (alert_id, page_id) VALUES (?, ?)');
  const selectAlert = db.prepare('SELECT * FROM alerts WHERE id = ?');
  const insertAlert = db.prepare(
    `INSERT INTO alerts (id, status, category, score, calibrated_score, tags_json, rule_ids_json, rule_weights_json, decision_json,
       content_hash, target_id, page_id, urls_json, page_count, first_seen, last_seen)
     VALUES (@id, @status, @category, @score, @calibrated_score, @tags_json, @rule_ids_json, @rule_weights_json, @decision_json,
       @content_hash, @target_id, @page_id, @urls_json, @page_count, @first_seen, @last_seen)`,
  );
  const updateAlert = db.prepare(
    `UPDATE alerts SET score = @score, calibrated_score = @calibrated_score, tags_json = @tags_json, rule_ids_json = @rule_ids_json,
       rule_weights_json = @rule_weights_json, urls_json = @urls_json, page_count = @page_count, last_seen = @last_seen
     WHERE id = @id`,
  );
  const selectFactor = db.prepare('SELECT factor FROM rule_factors WHERE rule_id = ?').pluck();

  /** The stored factors of these rules, read inside the write transaction so they are current. */
  function factorsOf(ruleIds: Iterable<string>): RuleFactors {
    const factors: Record<string, number> = {};
    for (const ruleId of ruleIds) {
      const factor = selectFactor.get(ruleId) as number | undefined;
      if (factor !== undefined) factors[ruleId] = factor;
    }
    return factors;
  }

  function writeDerived(seq: number | bigint, write: PreparedWrite): void {
    insertFts.run(seq, foldForFts(write.row.title), foldForFts(write.row.text));
    for (const key of write.entityKeys) insertEntity.run(key, seq);
    for (const category of write.categories) insertCategory.run(category, seq);
  }

  function writePage(write: PreparedWrite): void {
    const { row } = write;
    const existing = selectPage.get(row.id) as (Pick<PageRow, 'fetched_ms' | 'title' | 'text' | 'doc_json'> & { seq: number }) | undefined;
    if (existing === undefined) {
      writeDerived(insertPage.run(row).lastInsertRowid, write);
      return;
    }
    // Same id means same URL and content: only metadata (a later fetch, new flags) can differ.
    // The latest fetch wins, and a late retry of an older fetch leaves it alone (the
    // Elasticsearch index gets the same rule from external_gte versioning on fetchedAt).
    if (row.fetched_ms < existing.fetched_ms) return;
    if (existing.doc_json === row.doc_json && existing.title === row.title && existing.text === row.text) return;
    deleteFts.run(existing.seq, foldForFts(existing.title), foldForFts(existing.text));
    deleteEntities.run(existing.seq);
    deleteCategories.run(existing.seq);
    updatePage.run({ ...row, seq: existing.seq });
    writeDerived(existing.seq, write);
  }

  function mergeAlert(observation: AlertObservation): 'created' | 'updated' | 'unchanged' {
    const linkAdded = insertLink.run(observation.id, observation.pageId).changes > 0;
    const row = selectAlert.get(observation.id) as AlertRow | undefined;
    if (row === undefined) {
      insertAlert.run(alertToRow(newAlert(observation, factorsOf(Object.keys(observation.ruleWeights ?? {})))));
      return 'created';
    }
    const existing = alertFromRow(row);
    const rules = new Set([...Object.keys(existing.ruleWeights), ...Object.keys(observation.ruleWeights ?? {})]);
    const { alert, changed } = mergeObservation(existing, observation, linkAdded, factorsOf(rules));
    if (!changed) return 'unchanged';
    updateAlert.run(alertToRow(alert));
    return 'updated';
  }

  return (write) => {
    writePage(write);
    const result: IndexPageResult = { alertsCreated: 0, alertsUpdated: 0 };
    for (const observation of write.observations) {
      const outcome = mergeAlert(observation);
      if (outcome === 'created') result.alertsCreated += 1;
      else if (outcome === 'updated') result.alertsUpdated += 1;
    }
    return result;
  };
}

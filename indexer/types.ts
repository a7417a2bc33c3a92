// The index contract shared by the embedded (SQLite/FTS5) and Elasticsearch implementations.
// Both pass test/contract/index-contract.ts. Times are ISO-8601 UTC strings.
import type { Category, Entity, Flag, EntityType } from '../extractors/types.ts';

export interface PageDocument {
  /** pageId(normalisedUrl, contentHash): the same URL with new content is a new version. */
  id: string;
  url: string;
  /** After redirects. */
  finalUrl: string;
  targetId: string;
  runId: string;
  fetchedAt: string;
  httpStatus: number;
  contentType: string;
  title: string;
  /** Main text (boilerplate removed). */
  text: string;
  language: string | null;
  /** SHA-256 (hex) of the normalised main text: equal content on two URLs shares it. */
  contentHash: string;
  entities: Entity[];
  flags: Flag[];
  depth: number;
  /** Whether the text and links come from Chromium's rendered DOM. */
  rendered?: boolean;
  /** The server's IP address; null through a proxy that resolved the name. */
  remoteAddress?: string | null;
  /** Where this version's evidence is: the signed manifest and the artifacts it lists. */
  evidence?: PageEvidenceRef;
  /** The content hash of an earlier page this one nearly duplicates (mirrors share its alerts). */
  nearDuplicateOf?: string;
  /** The page's images and downloadable files as hashed (their bytes are never stored). */
  media?: PageMedia[];
}

/** One image or file of a page, hashed as it streamed (workers/page-media.ts). */
export interface PageMedia {
  /** As linked (inline `data:` images: their type and length only). */
  url: string;
  kind: 'image' | 'file';
  sha256: string;
  md5?: string;
  /** 64-bit DCT perceptual hash, 16 hex digits (images only). */
  phash?: string;
  /** Why an image has no pHash (e.g. image-undecodable, image-too-large). */
  phashError?: string;
  bytes: number;
  /** The declared MIME type ('' when none). */
  mediaType: string;
}

export interface PageEvidenceRef {
  /** SHA-256 of the signed manifest in the evidence store. */
  manifestSha256: string;
  artifacts: { role: string; sha256: string; bytes: number; mediaType: string }[];
  /** The run's WARC file (relative to `<dataDir>/warc`) and the response record's id. */
  warc?: { file: string; recordId: string; offset?: number; length?: number };
}

export const ALERT_STATUSES = ['new', 'assigned', 'confirmed', 'dismissed', 'escalated', 'referred'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** The statuses of alerts still waiting on someone: the analysts' queue (filter `statuses`). */
export const OPEN_ALERT_STATUSES: readonly AlertStatus[] = ['new', 'assigned', 'escalated'];

/** Why an alert was dismissed (indexer/decisions.ts says which reasons blame the rules). */
export const DISMISS_REASONS = [
  'false-positive',
  'legitimate-content',
  'wrong-category',
  'duplicate',
  'not-actionable',
  'out-of-jurisdiction',
] as const;
export type DismissReason = (typeof DISMISS_REASONS)[number];

export interface AlertDecisionInput {
  status: AlertStatus;
  /** Required when dismissing. */
  reason?: DismissReason;
  comment?: string;
  /**
   * Who holds the alert next (user name): required with status 'assigned', optional with
   * 'escalated' (whom it is escalated to), refused with any other status (indexer/decisions.ts).
   */
  assignee?: string;
  /** Who decided (user name); the review desk supplies the signed-in user. */
  actor: string;
  /** ISO time; defaults to now. */
  at?: string;
}

/** A validated decision (indexer/decisions.ts: validateDecision); the latest one is kept on the alert. */
export interface AlertDecision {
  status: AlertStatus;
  reason?: DismissReason;
  comment?: string;
  assignee?: string;
  actor: string;
  at: string;
}

/** One line of an alert's decision history, which is append-only. */
export interface AlertDecisionRecord extends AlertDecision {
  alertId: string;
  previousStatus: AlertStatus;
}

/** Decisions that bear on one rule's precision, counted over the alerts it raised. */
export interface RuleOutcomeCount {
  ruleId: string;
  confirmed: number;
  dismissed: number;
}

/** What a page contributes to an alert; the index merges it into the alert with the same id. */
export interface AlertObservation {
  /** alertId(contentHash, category). */
  id: string;
  category: Category;
  score: number;
  tags: string[];
  ruleIds: string[];
  /** Weight of each rule's hit on this page (after negative context): what calibration scales. */
  ruleWeights?: Record<string, number>;
  contentHash: string;
  pageId: string;
  url: string;
  targetId: string;
  seenAt: string;
}

export interface Alert {
  id: string;
  status: AlertStatus;
  category: Category;
  /** Highest score observed. */
  score: number;
  /**
   * The score recalibrated with the precision analysts' decisions give each rule
   * (extractors/calibration.ts); the queue ranks by it. Equal to the raw noisy-OR before any decision.
   */
  calibratedScore: number;
  tags: string[];
  ruleIds: string[];
  /** Highest hit weight seen per rule. */
  ruleWeights: Record<string, number>;
  /** The latest analyst decision, if any. */
  decision?: AlertDecision;
  /**
   * Who holds the alert while it is open (indexer/decisions.ts: assigneeAfter): set by an
   * 'assigned' decision (or an 'escalated' one naming someone), kept through an escalation,
   * cleared by any other status (confirmed, dismissed, referred, or back to new).
   */
  assignee?: string;
  /** When it was first decided: the earliest decision other than 'assigned' or 'new' (statistics). */
  firstDecidedAt?: string;
  contentHash: string;
  targetId: string;
  /** The first page that raised it. */
  pageId: string;
  /** Distinct URLs it was seen on (capped at MAX_ALERT_URLS, oldest kept). */
  urls: string[];
  /** Distinct pages (URL and content versions) that observed it. */
  pageCount: number;
  firstSeen: string;
  lastSeen: string;
}

export const MAX_ALERT_URLS = 100;

export interface IndexPageResult {
  alertsCreated: number;
  alertsUpdated: number;
}

export interface SearchQuery {
  /**
   * The query language of docs/search.md (indexer/search-syntax.ts): words are ANDed, "double
   * quotes" make a phrase, plus OR, NOT/-, parentheses, prefix*, and fields. Bad syntax rejects
   * with SearchSyntaxError.
   */
  text?: string;
  entity?: { type: EntityType; value: string };
  category?: Category;
  targetId?: string;
  language?: string;
  /** Registrable host, e.g. example.org, matching the page URL's host or its subdomains. */
  domain?: string;
  /** ISO times, inclusive. */
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
  /** Also count the whole matching set by category, target, language and site (top 20 each). */
  facets?: boolean;
  /** Also count the matching pages per fetchedAt bucket (UTC; weeks start on Monday). */
  histogram?: HistogramInterval;
}

export type HistogramInterval = 'day' | 'week' | 'month';

/** One facet value and the number of matching pages that have it; most frequent first, then by value. */
export interface FacetCount {
  value: string;
  count: number;
}

export interface SearchFacets {
  category: FacetCount[];
  target: FacetCount[];
  /** Pages without a detected language are not counted here. */
  language: FacetCount[];
  /** The registrable domain of the page URL's host (page-fields.ts siteOfHost). */
  domain: FacetCount[];
}

/** Matching pages fetched in [start, next bucket's start); only non-empty buckets, oldest first. */
export interface HistogramBucket {
  start: string;
  count: number;
}

export interface EntityGraphOptions {
  type?: EntityType;
  /** An entity is in the graph when pages of at least this many distinct sites mention it (default 2). */
  minSites?: number;
  /** Entities kept, most widely shared first (default 100, at most 1000). */
  limit?: number;
  /** ISO times, inclusive, on fetchedAt. */
  from?: string;
  to?: string;
}

export interface EntityGraphNode {
  /** `entity:<type>:<value>` or `site:<domain>`. */
  id: string;
  kind: 'entity' | 'site';
  /** The entity's value or the site's domain. */
  label: string;
  type?: EntityType;
  /** Entity: pages mentioning it. Site: its pages mentioning any entity of the graph. */
  pages: number;
}

export interface EntityGraphEdge {
  /** An entity node id. */
  source: string;
  /** A site node id. */
  target: string;
  /** Pages of the site mentioning the entity. */
  pages: number;
}

/** Entities shared across sites: entity nodes, then site nodes, edges between them. */
export interface EntityGraph {
  nodes: EntityGraphNode[];
  edges: EntityGraphEdge[];
}

export interface SearchHit {
  id: string;
  url: string;
  title: string;
  fetchedAt: string;
  targetId: string;
  language: string | null;
  categories: Category[];
  /** A short excerpt of the main text around the match. */
  snippet: string;
}

export interface SearchResult {
  total: number;
  hits: SearchHit[];
  /** Present when the query asked for facets. */
  facets?: SearchFacets;
  /** Present when the query asked for a histogram. */
  histogram?: HistogramBucket[];
}

export interface AlertFilter {
  status?: AlertStatus;
  /** Any of these (e.g. OPEN_ALERT_STATUSES for the queue); with `status` too, both must hold. Never empty. */
  statuses?: AlertStatus[];
  category?: Category;
  targetId?: string;
  assignee?: string;
  contentHash?: string;
  /** ISO times, inclusive, on lastSeen. */
  from?: string;
  to?: string;
  /**
   * Only decided alerts that a page observed after their latest decision (lastSeen later than the
   * decision's time): confirmed or referred content that came back on a new URL or in a new
   * version, which may need a new referral or takedown notice.
   */
  seenSinceDecision?: boolean;
  limit?: number;
  offset?: number;
}

/**
 * The alerts of one content (one contentHash: the same text, on however many URLs) that match a
 * filter, as one queue row: a page flagged in three categories is one row to triage.
 */
export interface AlertGroup {
  contentHash: string;
  /** The group's highest-ranked matching alert (the queue's order); the group ranks as it does. */
  top: Alert;
  /** The matching alerts' categories and ids, in the queue's order (at most one alert per category). */
  categories: Category[];
  alertIds: string[];
  /** Distinct URLs over the group's alerts (each alert's list is capped at MAX_ALERT_URLS). */
  urlCount: number;
  /** The largest pageCount of the group's alerts. */
  pageCount: number;
}

/** Statistics over the alerts first seen in [from, to] (ISO, inclusive; open-ended when absent). */
export interface AlertStatsQuery {
  from?: string;
  to?: string;
}

export interface AlertStats {
  /** Alerts by the ISO week (UTC) of their firstSeen, e.g. '2024-W18', oldest week first. */
  perCategoryWeek: { week: string; category: Category; alerts: number }[];
  /** Current status (and dismissal reason) of those alerts; status 'new' counts the undecided. */
  decisions: { status: AlertStatus; reason?: DismissReason; count: number }[];
  /**
   * Per category, hours from firstSeen to firstDecidedAt (the first decision other than
   * 'assigned' or 'new'; never negative) over the decided alerts: how many, median and 90th percentile.
   */
  timeToDecision: { category: Category; decided: number; medianHours: number; p90Hours: number }[];
}

/** Most content hashes alertsForContent takes, and most alerts it returns. */
export const MAX_CONTENT_HASHES = 1000;

export interface ScanPagesOptions {
  /** Cursor: the last page id of the previous batch (pages come in id order). */
  after?: string;
  /** Pages per batch (1..MAX_LIMIT). */
  limit: number;
  targetId?: string;
  /** ISO time: only pages fetched at or after it. */
  since?: string;
}

export interface ScanPagesResult {
  pages: PageDocument[];
  /** Pass as `after` for the next batch; absent when this batch was the last. */
  next?: string;
}

export interface SearchIndex {
  /** Creates tables / index templates if missing. Idempotent. */
  init(): Promise<void>;
  /**
   * Stores the page and merges its alert observations. Resolves only once both are durable
   * (committed and synced; for Elasticsearch acknowledged). Idempotent: the same page and
   * observations indexed twice change nothing the second time.
   */
  indexPage(page: PageDocument, observations: AlertObservation[]): Promise<IndexPageResult>;
  getPage(id: string): Promise<PageDocument | null>;
  search(query: SearchQuery): Promise<SearchResult>;
  /** Entities seen on pages of several sites, and those sites (the pages behind an entity: search({ entity })). */
  entityGraph(options: EntityGraphOptions): Promise<EntityGraph>;
  /** Ranked by calibrated score, then lastSeen (newest first), then id. */
  listAlerts(filter: AlertFilter): Promise<Alert[]>;
  /** How many alerts match the filter (paging ignored). */
  countAlerts(filter: AlertFilter): Promise<number>;
  /** The matching alerts grouped by content, one row per contentHash, ranked by each group's top alert. */
  listAlertGroups(filter: AlertFilter): Promise<AlertGroup[]>;
  /** How many groups (distinct contentHash) have a matching alert (Elasticsearch: exact up to 40,000). */
  countAlertGroups(filter: AlertFilter): Promise<number>;
  /** The alerts of these contents (at most MAX_CONTENT_HASHES of each), ranked as the queue. */
  alertsForContent(contentHashes: readonly string[]): Promise<Alert[]>;
  /** Weekly counts per category, current decisions and time to decision, for the statistics page. */
  alertStats(query: AlertStatsQuery): Promise<AlertStats>;
  getAlert(id: string): Promise<Alert | null>;
  /**
   * Records a validated decision: the alert takes its status and keeps it as its latest decision,
   * and a line is appended to the alert's history. Resolves to the updated alert, or null when
   * there is no such alert (nothing is recorded then).
   */
  decideAlert(id: string, decision: AlertDecision): Promise<Alert | null>;
  /** The alert's decisions, oldest first. Nothing can edit or remove them. */
  alertHistory(id: string): Promise<AlertDecisionRecord[]>;
  /** Per rule, the current decisions on the alerts it raised that bear on its precision. */
  ruleOutcomes(): Promise<RuleOutcomeCount[]>;
  /** The calibration factors in force (rule id -> factor; absent rules are 1). */
  ruleFactors(): Promise<Record<string, number>>;
  /**
   * Stores new calibration factors and recomputes the calibrated score of every alert raised by a
   * rule whose factor changed. New observations are merged with the stored factors.
   */
  applyRuleFactors(factors: Record<string, number>): Promise<{ alertsUpdated: number }>;
  countPages(): Promise<number>;
  /**
   * Every stored page, in id order, a batch at a time (retro-hunts, re-analysis). A page written
   * during a scan may or may not be seen; none is seen twice.
   */
  scanPages(options: ScanPagesOptions): Promise<ScanPagesResult>;
  close(): Promise<void>;
}

// Index names, settings and explicit mappings. The text analyzer mirrors the embedded index's
// FTS5 tokenizer (unicode61, remove_diacritics 2, plus fts-text.ts folding) so both backends
// split and fold French and English text the same way: tokens are runs of letters and digits,
// combining marks are dropped, then lowercase and asciifolding (é->e, œ->oe, ß->ss).
import type { estypes } from '@elastic/elasticsearch';

export interface IndexNames {
  pages: string;
  alerts: string;
  /** Analysts' decisions, append-only: Vigie only ever creates documents there. */
  decisions: string;
  /** One document: the calibration factors in force. */
  calibration: string;
}

export function indexNames(prefix: string): IndexNames {
  return { pages: `${prefix}-pages`, alerts: `${prefix}-alerts`, decisions: `${prefix}-decisions`, calibration: `${prefix}-calibration` };
}

/** Keyword values longer than this are kept in _source but not indexed (Lucene's term limit is 32 KB). */
const MAX_KEYWORD_CHARS = 8191;
/** Longer tokens are cut: a pattern tokenizer has no length limit of its own. */
const MAX_TOKEN_CHARS = 255;

export const TEXT_ANALYZER = 'vigie_text';

export function textAnalysisSettings(): estypes.IndicesIndexSettings {
  return {
    analysis: {
      char_filter: {
        vigie_strip_marks: { type: 'pattern_replace', pattern: '\\p{Mn}+', replacement: '' },
      },
      tokenizer: {
        vigie_words: { type: 'pattern', pattern: '[^\\p{L}\\p{N}\\p{M}\\p{Co}]+' },
      },
      filter: {
        vigie_max_token: { type: 'truncate', length: MAX_TOKEN_CHARS },
      },
      analyzer: {
        [TEXT_ANALYZER]: {
          type: 'custom',
          char_filter: ['vigie_strip_marks'],
          tokenizer: 'vigie_words',
          filter: ['lowercase', 'asciifolding', 'vigie_max_token'],
        },
      },
    },
  };
}

const keyword: estypes.MappingProperty = { type: 'keyword' };
const longKeyword: estypes.MappingProperty = { type: 'keyword', ignore_above: MAX_KEYWORD_CHARS };
const storedOnly: estypes.MappingProperty = { type: 'object', enabled: false };
const text: estypes.MappingProperty = { type: 'text', analyzer: TEXT_ANALYZER };

/**
 * Pages. Unknown fields are kept in _source but not indexed (dynamic: false), so a document
 * shape that grows never breaks indexing. fetchedAt is kept verbatim for the round trip;
 * fetchedTime is its parsed copy that range filters and sorting use.
 */
export function pagesMappings(): estypes.MappingTypeMapping {
  return {
    dynamic: false,
    properties: {
      id: keyword,
      url: longKeyword,
      finalUrl: longKeyword,
      targetId: keyword,
      runId: keyword,
      fetchedAt: { type: 'keyword', index: false, doc_values: false },
      fetchedTime: { type: 'date' },
      httpStatus: { type: 'integer' },
      contentType: keyword,
      title: text,
      text,
      language: keyword,
      contentHash: keyword,
      depth: { type: 'integer' },
      rendered: { type: 'boolean' },
      remoteAddress: { type: 'ip' },
      nearDuplicateOf: keyword,
      // Investigators look pages up by an artifact's hash (a screenshot or body shared with a partner).
      evidence: {
        properties: {
          manifestSha256: keyword,
          artifacts: { properties: { role: keyword, sha256: keyword, bytes: { type: 'long' }, mediaType: keyword } },
          warc: storedOnly,
        },
      },
      // Investigators look pages up by the hash of an image or file they carry (a partner's list).
      media: {
        properties: {
          url: longKeyword,
          kind: keyword,
          sha256: keyword,
          md5: keyword,
          phash: keyword,
          phashError: keyword,
          bytes: { type: 'long' },
          mediaType: keyword,
        },
      },
      entities: storedOnly,
      flags: storedOnly,
      host: keyword,
      hostSuffixes: keyword,
      // Registrable domain: the search's domain facet and the entity graph's sites.
      site: keyword,
      categories: keyword,
      entityKeys: longKeyword,
    },
  };
}

/** Alerts, plus `pageIds`: the distinct pages merged in, which keeps re-indexing from double-counting. */
export function alertsMappings(): estypes.MappingTypeMapping {
  return {
    dynamic: false,
    properties: {
      id: keyword,
      status: keyword,
      category: keyword,
      score: { type: 'double' },
      calibratedScore: { type: 'double' },
      tags: keyword,
      ruleIds: keyword,
      ruleWeights: storedOnly,
      decision: decisionProperties(),
      assignee: keyword,
      firstDecidedAt: { type: 'date' },
      contentHash: keyword,
      targetId: keyword,
      pageId: keyword,
      urls: longKeyword,
      pageCount: { type: 'integer' },
      firstSeen: { type: 'date' },
      lastSeen: { type: 'date' },
      pageIds: keyword,
    },
  };
}

function decisionProperties(): estypes.MappingProperty {
  return {
    properties: {
      status: keyword,
      reason: keyword,
      assignee: keyword,
      actor: keyword,
      at: { type: 'date' },
      comment: { type: 'keyword', index: false, doc_values: false },
    },
  };
}

/** One document per decision, never updated; `recordedMs` orders decisions made within one millisecond. */
export function decisionsMappings(): estypes.MappingTypeMapping {
  const decision = decisionProperties() as { properties: Record<string, estypes.MappingProperty> };
  return {
    dynamic: false,
    properties: { alertId: keyword, previousStatus: keyword, recordedMs: { type: 'long' }, ...decision.properties },
  };
}

export function calibrationMappings(): estypes.MappingTypeMapping {
  return { dynamic: false, properties: { factors: storedOnly, updatedAt: { type: 'date' } } };
}

/**
 * How deep `from + size` may page into the pages index. Elasticsearch's default (10,000) would cut
 * a search export (review/export: 50,000 rows read 1,000 at a time) short in the middle of the
 * file; deep pages cost memory only when someone asks for them. Set at index creation: an index
 * created before needs `PUT <prefix>-pages/_settings {"index.max_result_window": 60000}`.
 */
export const PAGES_MAX_RESULT_WINDOW = 60_000;

export function pagesIndexRequest(index: string): estypes.IndicesCreateRequest {
  return { index, settings: { ...textAnalysisSettings(), max_result_window: PAGES_MAX_RESULT_WINDOW }, mappings: pagesMappings() };
}

export function alertsIndexRequest(index: string): estypes.IndicesCreateRequest {
  return { index, mappings: alertsMappings() };
}

/** Every index Vigie needs, with its settings and mappings. */
export function indexRequests(names: IndexNames): estypes.IndicesCreateRequest[] {
  return [
    pagesIndexRequest(names.pages),
    alertsIndexRequest(names.alerts),
    { index: names.decisions, mappings: decisionsMappings() },
    { index: names.calibration, mappings: calibrationMappings() },
  ];
}

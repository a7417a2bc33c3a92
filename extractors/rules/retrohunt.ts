// Retro-hunt: new or changed rules run over the pages already indexed. A page where they find
// something new gets its flags merged (its other rules' hits kept, the hunted rules' hits
// replaced, each category re-scored) and is indexed again with the alert observations a crawl
// would have made, so alerts are created or updated under the same ids. Running it twice
// changes nothing the second time: the page's flags already hold the hits.
import type { AlertObservation, IndexPageResult, PageDocument, ScanPagesOptions, ScanPagesResult } from '../../indexer/types.ts';
import type { Category, Flag, RuleHit } from '../types.ts';
import type { RuleSet } from './compile.ts';
import { classify, scoreFlag } from './evaluate.ts';
import { resolveOverrides } from './overrides.ts';
import type { AlertTarget } from './overrides.ts';
import type { TargetRules } from '../../config/target-schema.ts';

export type RetroTarget = AlertTarget & { rules?: TargetRules };

export interface RetrohuntDeps {
  index: {
    scanPages(options: ScanPagesOptions): Promise<ScanPagesResult>;
    indexPage(page: PageDocument, observations: AlertObservation[]): Promise<IndexPageResult>;
  };
  /** The whole rule set, the hunted file included. */
  ruleSet: RuleSet;
  /** A page's target settings (thresholds, categories, overrides). */
  targetFor(targetId: string): Promise<RetroTarget>;
  /** The crawl's own observation builder (workers/page-processor: alertObservations). */
  observe(page: PageDocument, target: RetroTarget, ruleSet: RuleSet, seenAt: Date, alertContentHash: string): AlertObservation[];
  onProgress?(progress: RetrohuntProgress): void;
}

export interface RetrohuntOptions {
  /** Ids of the hunted rules (those of the rule file). */
  ruleIds: ReadonlySet<string>;
  /** Ids whose old hits are dropped from pages: the hunted rules and those of the file version it replaces. */
  replacedRuleIds?: ReadonlySet<string>;
  targetId?: string;
  /** ISO time: only pages fetched at or after it. */
  since?: string;
  dryRun?: boolean;
  batchSize?: number;
}

export interface RetrohuntProgress {
  pagesScanned: number;
  pagesMatched: number;
}

export interface RetrohuntMatch {
  pageId: string;
  url: string;
  targetId: string;
  /** The hunted rules' hits on the page. */
  hits: { category: Category; ruleId: string; weight: number; terms: string[] }[];
  /** Categories whose merged score reaches the target's threshold: alerts. */
  alerts: { id: string; category: Category; score: number }[];
}

export interface RetrohuntSummary extends RetrohuntProgress {
  alertsCreated: number;
  alertsUpdated: number;
  /** Observations sent to the index (in a dry run: that would be sent). */
  alertObservations: number;
  dryRun: boolean;
  matches: RetrohuntMatch[];
}

const DEFAULT_BATCH = 200;
/** Matches kept in the summary; the counts go on. */
const MAX_REPORTED_MATCHES = 1000;

export async function retrohunt(deps: RetrohuntDeps, options: RetrohuntOptions): Promise<RetrohuntSummary> {
  const summary: RetrohuntSummary = { pagesScanned: 0, pagesMatched: 0, alertsCreated: 0, alertsUpdated: 0, alertObservations: 0, dryRun: Boolean(options.dryRun), matches: [] };
  const dropped = new Set([...options.ruleIds, ...(options.replacedRuleIds ?? [])]);
  const targets = new Map<string, Promise<RetroTarget>>();
  let after: string | undefined;
  do {
    const batch = await deps.index.scanPages({ after, limit: options.batchSize ?? DEFAULT_BATCH, targetId: options.targetId, since: options.since });
    for (const page of batch.pages) {
      summary.pagesScanned++;
      let target = targets.get(page.targetId);
      if (!target) {
        target = deps.targetFor(page.targetId);
        targets.set(page.targetId, target);
      }
      await huntPage(page, await target, deps, options, dropped, summary);
    }
    deps.onProgress?.({ pagesScanned: summary.pagesScanned, pagesMatched: summary.pagesMatched });
    after = batch.next;
  } while (after !== undefined);
  return summary;
}

async function huntPage(page: PageDocument, target: RetroTarget, deps: RetrohuntDeps, options: RetrohuntOptions, dropped: ReadonlySet<string>, summary: RetrohuntSummary): Promise<void> {
  const found = classify(page.text, page.entities, deps.ruleSet, {
    language: page.language ?? undefined,
    overrides: resolveOverrides(target.rules),
    onlyRules: options.ruleIds,
  });
  if (found.length === 0) return;
  const flags = replaceRuleHits(page.flags, found, dropped);
  if (sameFlags(flags, page.flags)) return;

  summary.pagesMatched++;
  const updated: PageDocument = { ...page, flags };
  const alertContentHash = page.nearDuplicateOf ?? page.contentHash;
  // Seen when the page was fetched: the content is what was captured then.
  const observations = deps.observe(updated, target, deps.ruleSet, new Date(page.fetchedAt), alertContentHash);
  summary.alertObservations += observations.length;
  if (!options.dryRun) {
    const result = await deps.index.indexPage(updated, observations);
    summary.alertsCreated += result.alertsCreated;
    summary.alertsUpdated += result.alertsUpdated;
  }
  if (summary.matches.length < MAX_REPORTED_MATCHES) {
    summary.matches.push({
      pageId: page.id,
      url: page.url,
      targetId: page.targetId,
      hits: found.flatMap((f) => f.rules.map((r) => ({ category: f.category, ruleId: r.ruleId, weight: r.weight, terms: [...new Set(r.terms.map((t) => t.term))] }))),
      alerts: observations.map((o) => ({ id: o.id, category: o.category, score: o.score })),
    });
  }
}

/** The page's flags with the hits of `dropped` rules replaced by `found`, each category re-scored. */
export function replaceRuleHits(existing: readonly Flag[], found: readonly Flag[], dropped: ReadonlySet<string>): Flag[] {
  const byCategory = new Map<Category, RuleHit[]>();
  for (const flag of existing) byCategory.set(flag.category, flag.rules.filter((r) => !dropped.has(r.ruleId)));
  for (const flag of found) byCategory.set(flag.category, [...(byCategory.get(flag.category) ?? []), ...flag.rules]);
  const out: Flag[] = [];
  for (const [category, hits] of byCategory) {
    const flag = scoreFlag(category, hits);
    if (flag) out.push(flag);
  }
  return out.sort((a, b) => b.score - a.score);
}

/** Whether two flag lists say the same, whatever the order of categories and of object keys. */
export function sameFlags(a: readonly Flag[], b: readonly Flag[]): boolean {
  const key = (flags: readonly Flag[]) => canonical([...flags].sort((x, y) => x.category.localeCompare(y.category)));
  return key(a) === key(b);
}

/** JSON with object keys sorted: a page read back from the index may order them differently. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

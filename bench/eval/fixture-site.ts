// The shared forum fixture (shared/fixtures/make-site.mjs): generated into a temporary directory,
// every page parsed with the project's parser and analysed, the alerts compared per category with
// the manifest's planted category, and the planted entities looked up among the extracted ones.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePage } from '../../crawler/parse-page.ts';
import { analyzeText } from '../../extractors/analyze.ts';
import { normalizeEntityValue } from '../../extractors/entities/index.ts';
import type { RuleSet } from '../../extractors/rules/index.ts';
import { CATEGORIES, ENTITY_TYPES } from '../../extractors/types.ts';
import type { Category, EntityType } from '../../extractors/types.ts';
import { alertThreshold } from './flags.ts';
import { count, emptyCounts, scores } from './metrics.ts';
import type { Counts, Scores } from './metrics.ts';

export const FIXTURE_SCRIPT = 'fixtures/make-site.mjs';

/** The generator's planted kinds, as Vigie categories. */
export const PLANTED_CATEGORY: Readonly<Record<string, Category>> = {
  drugs: 'drugs',
  carding: 'carding',
  scam: 'fraud',
  leak: 'data-leak',
};

interface ManifestPage {
  category: string | null;
  entities: Array<{ type: string; value: string }>;
}

export interface FixtureCategoryResult {
  category: Category;
  counts: Counts;
  scores: Scores;
}

export interface FixtureResult {
  pages: number;
  seed: number;
  plantedPages: number;
  categories: FixtureCategoryResult[];
  entities: { planted: number; found: number; recall: number; byType: Array<{ type: string; planted: number; found: number }> };
  msPerPage: number;
}

export interface FixtureOptions {
  pages?: number;
  seed?: number;
}

export function evaluateFixtureSite(sharedDir: string, ruleSet: RuleSet, options: FixtureOptions = {}): FixtureResult | { skipped: string } {
  const script = join(sharedDir, FIXTURE_SCRIPT);
  if (!existsSync(script)) return { skipped: `${script} not found` };
  const pages = options.pages ?? 1500;
  const seed = options.seed ?? 7;
  const dir = mkdtempSync(join(tmpdir(), 'vigie-eval-site-'));
  try {
    execFileSync(process.execPath, [script, dir, String(pages), String(seed)], { stdio: 'pipe' });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, ManifestPage>;
    const perCategory = new Map<Category, Counts>(CATEGORIES.map((c) => [c, emptyCounts()]));
    const entityTotals = new Map<string, { planted: number; found: number }>();
    let plantedPages = 0;
    const start = performance.now();
    for (const [path, page] of Object.entries(manifest)) {
      const file = join(dir, path === '/index.html' ? 'index.html' : path.slice(1));
      const parsed = parsePage(readFileSync(file, 'utf8'), `http://fixture.test${path}`);
      const { entities, flags } = analyzeText(parsed.text, ruleSet);
      const expected = page.category === null ? undefined : PLANTED_CATEGORY[page.category];
      if (page.category !== null && !expected) throw new Error(`manifest: unknown planted category "${page.category}" on ${path}`);
      if (expected) plantedPages++;
      const alerting = new Set(flags.filter((f) => f.score >= alertThreshold(ruleSet, f.category)).map((f) => f.category));
      for (const category of CATEGORIES) count(perCategory.get(category)!, expected === category, alerting.has(category));

      const found = new Set(entities.map((e) => `${e.type}\u0000${e.value}`));
      for (const planted of page.entities) {
        const totals = entityTotals.get(planted.type) ?? { planted: 0, found: 0 };
        entityTotals.set(planted.type, totals);
        totals.planted++;
        const type = planted.type as EntityType;
        const canonical = ENTITY_TYPES.includes(type) ? normalizeEntityValue(type, planted.value) : null;
        if (canonical !== null && found.has(`${type}\u0000${canonical}`)) totals.found++;
      }
    }
    const msPerPage = (performance.now() - start) / Math.max(1, Object.keys(manifest).length);
    const byType = [...entityTotals.entries()].map(([type, t]) => ({ type, ...t })).sort((a, b) => a.type.localeCompare(b.type));
    const planted = byType.reduce((s, t) => s + t.planted, 0);
    const foundTotal = byType.reduce((s, t) => s + t.found, 0);
    const categories = [...perCategory.entries()]
      .filter(([, c]) => c.tp + c.fp + c.fn > 0)
      .map(([category, counts]) => ({ category, counts, scores: scores(counts) }));
    return {
      pages: Object.keys(manifest).length,
      seed,
      plantedPages,
      categories,
      entities: { planted, found: foundTotal, recall: planted === 0 ? 0 : foundTotal / planted, byType },
      msPerPage,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

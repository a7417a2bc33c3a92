// Precision guard for the shipped rules on real benign pages: the 130 pages of the Readability
// corpus (news, blogs, docs, fiction; ../shared) go through the production parser and analysis,
// and none may raise a flag of 0.5 or more in any category.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePage } from '../../crawler/parse-page.ts';
import { analyzeText } from '../../extractors/analyze.ts';
import { loadRuleSet } from '../../extractors/rules/index.ts';

const CORPUS = resolve(import.meta.dirname, '../../../shared/corpora/readability-pages');
const available = existsSync(CORPUS);
if (!available) console.warn(`skipping the benign-pages precision check: ${CORPUS} not found (../shared is absent)`);

describe.skipIf(!available)('shipped rules on the Readability corpus pages', () => {
  it('raise no flag >= 0.5 on any of the benign pages', () => {
    const ruleSet = loadRuleSet(join(import.meta.dirname, '../../config/rules'));
    const pages = readdirSync(CORPUS).filter((p) => existsSync(join(CORPUS, p, 'source.html')));
    expect(pages.length).toBeGreaterThanOrEqual(100);
    const alerts: string[] = [];
    for (const page of pages) {
      const parsed = parsePage(readFileSync(join(CORPUS, page, 'source.html'), 'utf8'), `http://fakehost/${page}/`);
      for (const flag of analyzeText(parsed.text, ruleSet).flags) {
        if (flag.score >= 0.5) alerts.push(`${page}: ${flag.category} ${flag.score} (${flag.rules.map((r) => r.ruleId).join(', ')})`);
      }
    }
    expect(alerts).toEqual([]);
  });
});

// Real pages nobody here wrote: the 130 pages of the Readability corpus (news, blogs, docs, with
// their login, search and newsletter forms) served from an unrelated host must not get a phishing
// or fake-shop flag at the default alert threshold.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SENSITIVITY_THRESHOLDS } from '../../config/index.ts';
import { parsePage } from '../../crawler/parse-page.ts';
import { extractEntities } from '../../extractors/entities/index.ts';
import { analyzePhishing, loadBrandList, pageContextOf } from '../../extractors/phishing/index.ts';

const CORPUS = resolve(import.meta.dirname, '../../../shared/corpora/readability-pages');
const available = existsSync(CORPUS);
if (!available) console.warn(`skipping phishing corpus test: ${CORPUS} not found (../shared is absent)`);

describe.skipIf(!available)('phishing on real pages of the Readability corpus', () => {
  it('flags none of them at the medium threshold', () => {
    const brands = loadBrandList(fileURLToPath(new URL('../../config/brands.yaml', import.meta.url)));
    const flagged: string[] = [];
    let pages = 0;
    let withForms = 0;
    readdirSync(CORPUS).forEach((name, i) => {
      const file = resolve(CORPUS, name, 'source.html');
      if (!existsSync(file)) return;
      const url = `https://site-${i}.example-news.com/article`;
      const parsed = parsePage(readFileSync(file, 'utf8'), url);
      pages++;
      if (parsed.forms.length > 0) withForms++;
      const flag = analyzePhishing({ text: parsed.text, entities: extractEntities(parsed.text), page: pageContextOf(url, parsed) }, brands);
      if (flag && flag.score >= SENSITIVITY_THRESHOLDS.medium) flagged.push(`${name}: ${flag.score} ${flag.rules.map((r) => r.ruleId).join(', ')}`);
    });
    expect(pages).toBeGreaterThan(100);
    expect(withForms).toBeGreaterThan(30);
    expect(flagged).toEqual([]);
  }, 120_000);
});

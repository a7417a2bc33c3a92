// `npm run eval`: Vigie's flags measured on the labelled corpora of ../shared (HateCheck, MLMA),
// on the shared forum fixture, plus the main-text F1; prints the table and writes it into
// docs/evaluation.md. A missing ../shared gives "skipped" sections and exit code 0.
//   node --import tsx bench/eval/run.ts [--shared DIR] [--pages N] [--only hatecheck,mlma,fixture,main-text] [--no-write]
// --only runs some sections (and implies --no-write: the doc always holds a full run).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { loadRuleSet } from '../../extractors/rules/index.ts';
import { evaluateFixtureSite } from './fixture-site.ts';
import { evaluateHateCheck } from './hatecheck.ts';
import { evaluateMainText } from './main-text.ts';
import { evaluateMlma, MLMA_LANGUAGES } from './mlma.ts';
import { renderReport, spliceGenerated } from './report.ts';
import type { EvaluationResults } from './report.ts';

const ROOT = join(import.meta.dirname, '../..');
const DOC = join(ROOT, 'docs/evaluation.md');
const SECTIONS = ['hatecheck', 'mlma', 'fixture', 'main-text'] as const;
type Section = (typeof SECTIONS)[number];

function option(args: readonly string[], name: string): string | undefined {
  const k = args.indexOf(name);
  return k >= 0 ? args[k + 1] : undefined;
}

function machineNote(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const shared = resolve(option(args, '--shared') ?? join(ROOT, '../shared'));
  const pagesArg = option(args, '--pages');
  const pages = pagesArg === undefined ? undefined : Number(pagesArg);
  if (pages !== undefined && (!Number.isInteger(pages) || pages < 1)) throw new Error(`--pages must be a positive integer, got "${pagesArg}"`);

  const only = option(args, '--only')?.split(',').map((s) => s.trim());
  const unknown = only?.filter((s) => !SECTIONS.includes(s as Section));
  if (unknown && unknown.length > 0) throw new Error(`--only: unknown section(s) ${unknown.join(', ')}; use ${SECTIONS.join(', ')}`);
  const wanted = (section: Section): boolean => !only || only.includes(section);
  const notRun = { skipped: 'not selected (--only)' };

  const ruleSet = loadRuleSet(join(ROOT, 'config/rules'));
  const errors: EvaluationResults['errors'] = [];
  const guard = async <T>(section: string, run: () => T | Promise<T>): Promise<T | { skipped: string }> => {
    try {
      return await run();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      errors.push({ section, message });
      return { skipped: `failed: ${message}` };
    }
  };
  if (!existsSync(shared)) console.error(`shared material not found at ${shared}: every corpus section is skipped`);

  const results: EvaluationResults = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine: machineNote(),
    hateCheck: wanted('hatecheck') ? await guard('HateCheck', () => evaluateHateCheck(shared, ruleSet)) : notRun,
    mlma: [],
    fixture: notRun,
    mainText: notRun,
    errors,
  };
  for (const language of wanted('mlma') ? MLMA_LANGUAGES : []) {
    const r = await guard(`MLMA ${language}`, () => evaluateMlma(shared, language, ruleSet));
    results.mlma.push('skipped' in r ? { ...r, language } : r);
  }
  if (wanted('fixture')) results.fixture = await guard('fixture site', () => evaluateFixtureSite(shared, ruleSet, pages ? { pages } : {}));
  if (wanted('main-text')) results.mainText = await guard('main text', () => evaluateMainText(shared));

  const report = renderReport(results);
  console.log(report);
  if (!args.includes('--no-write') && !only) {
    const existing = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Evaluation\n';
    writeFileSync(DOC, spliceGenerated(existing, report));
    console.error(`written to ${DOC}`);
  }
  if (errors.length > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});

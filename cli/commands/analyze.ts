// `vigie analyze`: JSON lines in ({"id", "url"?, "html"?, "text"?}), one JSON line out per input,
// in order. A bad line gets an error line with its id and the stream goes on.
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import type { Command } from 'commander';
import { SENSITIVITY_THRESHOLDS } from '../../config/index.ts';
import { detectLanguage } from '../../crawler/language.ts';
import { parsePage } from '../../crawler/parse-page.ts';
import { analyzeText } from '../../extractors/analyze.ts';
import { loadBrandList, pageContextOf, type BrandList } from '../../extractors/phishing/index.ts';
import type { RuleSet } from '../../extractors/rules/index.ts';
import { DATA_DIR_HELP, fraction, oneOf } from '../options.ts';
import { openRules, settingsFrom } from '../runtime.ts';

const MAX_LINE_CHARS = 50 * 1024 * 1024;
const PLACEHOLDER_BASE_URL = 'http://document.invalid/';

interface AnalyzeOptions {
  format: 'jsonl';
  threshold: number;
  dataDir?: string;
}

export function registerAnalyzeCommand(program: Command): void {
  program
    .command('analyze')
    .description('analyse JSON lines {"id","url"?,"html"?,"text"?} from stdin; one JSON line out per input')
    .option('--format <format>', 'output format', oneOf('--format', ['jsonl'] as const), 'jsonl')
    .option('--threshold <score>', 'lowest flag score reported (0..1)', fraction('--threshold'), SENSITIVITY_THRESHOLDS.medium)
    .option('--data-dir <dir>', `${DATA_DIR_HELP} (analyze reads and writes nothing there)`)
    .action(async (options: AnalyzeOptions) => {
      const threshold = options.threshold;
      const { settings } = settingsFrom({ dataDir: options.dataDir });
      const rules = openRules(settings);
      const brands = loadBrandList(settings.brandsFile);
      const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
      for await (const line of lines) {
        if (line.trim() === '') continue;
        const out = `${JSON.stringify(analyzeLine(line, rules, threshold, brands))}\n`;
        if (!process.stdout.write(out)) await once(process.stdout, 'drain');
      }
    });
}

export type AnalyzeOutput =
  | {
      id: unknown;
      title: string;
      text: string;
      language: string | null;
      entities: Array<{ type: string; value: string; start: number; end: number }>;
      flags: Array<{
        category: string;
        score: number;
        tags: string[];
        rules: string[];
        matches: Array<{ rule: string; term: string; start: number; end: number }>;
        /** Facts of page-level hits (phishing: domain, brand, form action), per rule. */
        details?: Array<{ rule: string } & Record<string, string>>;
      }>;
    }
  | { id: unknown; error: { code: string; message: string } };

/** `brands`: with it, a line with "html" and "url" is also checked for phishing and fake-shop signals. */
export function analyzeLine(line: string, rules: RuleSet, threshold: number, brands?: BrandList): AnalyzeOutput {
  if (line.length > MAX_LINE_CHARS) return failure(null, 'line-too-long', `line longer than ${MAX_LINE_CHARS} characters`);
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch (err) {
    return failure(salvageId(line), 'bad-json', `not valid JSON: ${(err as Error).message}`);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return failure(null, 'bad-input', 'each line must be a JSON object');
  const { id, url, html, text } = input as Record<string, unknown>;
  if (id === undefined) return failure(null, 'missing-id', 'the object has no "id"');
  if (url !== undefined && typeof url !== 'string') return failure(id, 'bad-input', '"url" must be a string');
  if (html !== undefined && typeof html !== 'string') return failure(id, 'bad-input', '"html" must be a string');
  if (text !== undefined && typeof text !== 'string') return failure(id, 'bad-input', '"text" must be a string');
  if (html === undefined && text === undefined) return failure(id, 'bad-input', 'the object needs "html" or "text"');

  try {
    let title = '';
    let mainText: string;
    let language: string | null;
    let page: ReturnType<typeof pageContextOf> | undefined;
    if (html !== undefined) {
      const base = baseUrlOf(url);
      const parsed = parsePage(html, base);
      title = parsed.title;
      mainText = parsed.text;
      language = parsed.language;
      // Whether a page is off its brand's domains is only knowable with its real URL.
      if (base !== PLACEHOLDER_BASE_URL) page = pageContextOf(base, parsed);
    } else {
      mainText = text as string;
      language = detectLanguage(mainText);
    }
    const { entities, flags } = analyzeText(mainText, rules, { page, brands });
    return {
      id,
      title,
      text: mainText,
      language,
      entities: entities.map(({ type, value, start, end }) => ({ type, value, start, end })),
      flags: flags
        .filter((flag) => flag.score >= threshold)
        .map((flag) => ({
          category: flag.category,
          score: Math.round(flag.score * 1000) / 1000,
          tags: flag.tags,
          rules: flag.rules.map((rule) => rule.ruleId),
          matches: flag.rules.flatMap((rule) => rule.terms.map((term) => ({ rule: rule.ruleId, term: term.term, start: term.start, end: term.end }))),
          ...detailsOf(flag.rules),
        })),
    };
  } catch (err) {
    return failure(id, 'analysis-failed', (err as Error).message);
  }
}

function detailsOf(hits: ReadonlyArray<{ ruleId: string; details?: Record<string, string> }>): { details?: Array<{ rule: string } & Record<string, string>> } {
  const details = hits.filter((h) => h.details).map((h) => ({ ...h.details, rule: h.ruleId }));
  return details.length > 0 ? { details } : {};
}

/** The id of a line that is not valid JSON, when it can still be read, so the error is traceable. */
function salvageId(line: string): unknown {
  const match = /"id"\s*:\s*("(?:[^"\\]|\\.){0,200}"|-?\d{1,20})/.exec(line.slice(0, 10_000));
  if (!match?.[1]) return null;
  try {
    return JSON.parse(match[1]);
  } catch {
    return null;
  }
}

function baseUrlOf(url: string | undefined): string {
  if (!url) return PLACEHOLDER_BASE_URL;
  try {
    return new URL(url).toString();
  } catch {
    return PLACEHOLDER_BASE_URL;
  }
}

function failure(id: unknown, code: string, message: string): AnalyzeOutput {
  return { id: id ?? null, error: { code, message } };
}

// `vigie rules test FILE`: what a rule file fires on a text and why. `vigie rules retrohunt FILE`:
// its rules over every page already indexed, raising alerts for past matches. Both load the rule
// directory with FILE added (a file of the same name replaces the directory's), so FILE is
// validated against the whole set (shared lists, unique ids); problems exit with code 78.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadTargetsFile, SENSITIVITY_THRESHOLDS, type Logger, type Settings } from '../../config/index.ts';
import { detectLanguage } from '../../crawler/language.ts';
import { parsePage } from '../../crawler/parse-page.ts';
import { extractEntities } from '../../extractors/entities/index.ts';
import { explain } from '../../extractors/rules/explain.ts';
import { formatExplanation } from '../../extractors/rules/explain-format.ts';
import { loadRuleSetWith, overrideIssues, readRuleFile, resolveOverrides } from '../../extractors/rules/index.ts';
import type { RuleSet } from '../../extractors/rules/index.ts';
import { retrohunt, type RetroTarget, type RetrohuntSummary } from '../../extractors/rules/retrohunt.ts';
import { alertObservations } from '../../workers/page-processor.ts';
import { TargetStore, redisKeys } from '../../workers/index.ts';
import { CliError, EXIT_USAGE } from '../cli-error.ts';
import { DATA_DIR_HELP, isoDate } from '../options.ts';
import { openIndex, openRedis, settingsFrom, withRuntime, type Closer } from '../runtime.ts';

const PLACEHOLDER_URL = 'http://document.invalid/';
/** Thresholds of a target nobody configured: the defaults of the target schema. */
const DEFAULT_TARGET: RetroTarget = { sensitivity: 'medium', categories: [] };

interface TestOptions {
  targets?: string;
  target?: string;
  text?: string;
  page?: string;
  url?: string;
  stdin?: boolean;
  json?: boolean;
  dataDir?: string;
}

interface RetrohuntOptions {
  target?: string;
  since?: string;
  dryRun?: boolean;
  json?: boolean;
  targets?: string;
  dataDir?: string;
}

export function registerRulesCommand(program: Command): void {
  const rules = program.command('rules').description('rule files: try one on a text, hunt its rules over indexed pages');

  rules
    .command('test')
    .description('load the rule directory with FILE added (replacing a file of the same name) and show what fires on a text and why')
    .argument('<file>', 'rule file (YAML)')
    .option('--text <text>', 'the text to analyse')
    .option('--page <file>', 'an HTML page; its main text is analysed')
    .option('--url <url>', 'the URL the --page was served from (resolves its links)')
    .option('--stdin', 'read the text from standard input')
    .option('--json', 'print the explanation as JSON')
    .option('--targets <file>', "with --target: apply that watch target's thresholds and rule overrides")
    .option('--target <id>', 'the target of --targets to apply')
    .option('--data-dir <dir>', `${DATA_DIR_HELP} (rules test reads and writes nothing there)`)
    .action(async (file: string, options: TestOptions) => {
      const { settings } = settingsFrom({ dataDir: options.dataDir });
      const input = await readInput(options);
      const ruleFile = resolve(file);
      const ruleSet = loadRuleSetWith(settings.rulesDir, [ruleFile]);
      const target = await testTarget(options, ruleSet);
      const entities = extractEntities(input.text);
      const explanation = explain({
        text: input.text,
        language: input.language,
        entities,
        ruleSet,
        target: target ?? { sensitivity: 'medium' },
        overrides: resolveOverrides(target?.rules),
        filesUnderTest: [ruleFile],
      });
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ file: ruleFile, ...explanation })}\n`);
        return;
      }
      const replaced = replacedNote(settings, ruleFile);
      const header = [
        `rules: ${ruleSet.rules.length} (${ruleSet.rules.filter((r) => r.source === ruleFile).length} from ${ruleFile}${replaced}); thresholds: ${target ? `target ${options.target}` : `target defaults (sensitivity medium ${SENSITIVITY_THRESHOLDS.medium})`} and the rule files'`,
        `text: ${input.text.length} characters${input.title ? `, page title "${input.title}"` : ''}`,
      ];
      process.stdout.write(formatExplanation(explanation, header));
    });

  rules
    .command('retrohunt')
    .description('run the rules of FILE over every indexed page and raise alerts for past matches (idempotent)')
    .argument('<file>', 'rule file (YAML); a file of the same name in the rule directory is replaced')
    .option('--target <id>', 'only pages of this watch target')
    .option('--since <date>', 'only pages fetched at or after this date (2026-01-31 or an ISO time)', isoDate('--since'))
    .option('--dry-run', 'report what would match and which alerts would be raised; change nothing')
    .option('--targets <file>', 'take target thresholds and overrides from this targets YAML instead of the applied targets (Redis)')
    .option('--json', 'print the summary as JSON')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (file: string, options: RetrohuntOptions) => {
      await withRuntime({ dataDir: options.dataDir }, 'one-shot', async ({ settings, logger, closer }) => {
        const ruleFile = resolve(file);
        const ruleSet = loadRuleSetWith(settings.rulesDir, [ruleFile]);
        const ruleIds = new Set(ruleSet.rules.filter((r) => r.source === ruleFile).map((r) => r.id));
        if (ruleIds.size === 0) throw new CliError(`${file} has no rules to hunt with (a list-only file?)`, EXIT_USAGE);
        const index = await openIndex(settings, logger, closer);
        const targetFor = await targetLookup(options, settings, logger, closer, ruleSet);
        const summary = await retrohunt(
          {
            index,
            ruleSet,
            targetFor,
            observe: alertObservations,
            onProgress: (p) => process.stderr.write(`retrohunt: ${p.pagesScanned} page(s) scanned, ${p.pagesMatched} with new matches\n`),
          },
          { ruleIds, replacedRuleIds: previousRuleIds(settings, ruleFile), targetId: options.target, since: options.since, dryRun: options.dryRun },
        );
        process.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary, ruleIds));
      });
    });
}

/** The watch target named by --targets/--target, its unknown rule ids reported on stderr. */
async function testTarget(options: TestOptions, ruleSet: RuleSet): Promise<RetroTarget | undefined> {
  if (options.targets === undefined && options.target === undefined) return undefined;
  if (options.targets === undefined || options.target === undefined) throw new CliError('--targets and --target go together', EXIT_USAGE);
  const target = (await loadTargetsFile(options.targets)).find((t) => t.id === options.target);
  if (!target) throw new CliError(`no target "${options.target}" in ${options.targets}`, EXIT_USAGE);
  for (const issue of overrideIssues(target.rules, ruleSet)) process.stderr.write(`vigie: ${options.targets}: ${target.id}: ${issue.path}: ${issue.message}\n`);
  return target;
}

async function readInput(options: TestOptions): Promise<{ text: string; language: string | null; title?: string }> {
  const given = [options.text !== undefined, options.page !== undefined, Boolean(options.stdin)].filter(Boolean).length;
  if (given !== 1) throw new CliError('give exactly one of --text, --page FILE or --stdin', EXIT_USAGE);
  if (options.url !== undefined && options.page === undefined) throw new CliError('--url goes with --page', EXIT_USAGE);
  if (options.page !== undefined) {
    let html: string;
    try {
      html = readFileSync(options.page, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read ${options.page}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, EXIT_USAGE);
    }
    let base = PLACEHOLDER_URL;
    if (options.url !== undefined) {
      try {
        base = new URL(options.url).toString();
      } catch {
        throw new CliError(`--url: not an absolute URL: ${options.url}`, EXIT_USAGE);
      }
    }
    const parsed = parsePage(html, base);
    return { text: parsed.text, language: parsed.language, title: parsed.title };
  }
  const text = options.text ?? (await readStdin());
  return { text, language: detectLanguage(text) };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function replacedNote(settings: Settings, ruleFile: string): string {
  const previous = previousRuleIds(settings, ruleFile);
  return previous.size > 0 ? `, replacing ${join(settings.rulesDir, basename(ruleFile))}` : '';
}

/** Rule ids of the directory's file that `ruleFile` replaces: their old hits on pages give way to the new ones. */
function previousRuleIds(settings: Settings, ruleFile: string): Set<string> {
  const replaced = join(settings.rulesDir, basename(ruleFile));
  if (replaced === ruleFile || !existsSync(replaced)) return new Set();
  const read = readRuleFile(replaced);
  if ('issues' in read) return new Set(); // unreadable: whatever it once fired stays on the pages
  const rules = (read.document as { rules?: unknown } | null)?.rules;
  const ids = Array.isArray(rules) ? rules.map((r) => (r as { id?: unknown } | null)?.id) : [];
  return new Set(ids.filter((id): id is string => typeof id === 'string'));
}

/** Target settings per target id, from a targets file or the applied targets; unknown ids get the defaults. */
async function targetLookup(options: RetrohuntOptions, settings: Settings, logger: Logger, closer: Closer, ruleSet: RuleSet): Promise<(id: string) => Promise<RetroTarget>> {
  const warn = (id: string, target: RetroTarget) => {
    for (const issue of overrideIssues(target.rules, ruleSet)) logger.warn({ targetId: id, path: issue.path }, `target ${id}: ${issue.path}: ${issue.message}`);
  };
  const fallback = (id: string): RetroTarget => {
    process.stderr.write(`retrohunt: target "${id}" is not configured; its pages use the default thresholds\n`);
    return DEFAULT_TARGET;
  };
  if (options.targets) {
    const byId = new Map((await loadTargetsFile(options.targets)).map((t) => [t.id, t]));
    return async (id) => {
      const target = byId.get(id);
      if (target) warn(id, target);
      return target ?? fallback(id);
    };
  }
  let store: TargetStore | undefined;
  return async (id) => {
    store ??= new TargetStore(await openRedis(settings, logger, closer), redisKeys(settings.redisPrefix));
    const target = await store.get(id);
    if (target) warn(id, target);
    return target ?? fallback(id);
  };
}

function formatSummary(s: RetrohuntSummary, ruleIds: ReadonlySet<string>): string {
  const lines = [
    `${s.dryRun ? 'dry run: ' : ''}${s.pagesScanned} page(s) scanned with ${ruleIds.size} rule(s); ${s.pagesMatched} page(s) with new matches`,
    s.dryRun ? `alerts that would be raised or updated: ${s.alertObservations}` : `alerts created: ${s.alertsCreated}, updated: ${s.alertsUpdated}`,
  ];
  for (const m of s.matches) {
    lines.push(`  ${m.url} (${m.targetId}, page ${m.pageId})`);
    for (const h of m.hits) lines.push(`    + ${h.ruleId} (${h.category}) weight ${h.weight.toFixed(2)}: ${h.terms.join(', ')}`);
    for (const a of m.alerts) lines.push(`    ! alert ${a.id} ${a.category} score ${a.score.toFixed(2)}`);
  }
  return `${lines.join('\n')}\n`;
}

// `vigie hashes import|list|remove`: partner hash lists (SHA-256, MD5, pHash) into the shared store
// that every worker matches page media against. Imports stream the file: a list of millions of
// hashes is never held in memory, and every bad line is reported as file:line and skipped.
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { HashListParser, KIND_OPTIONS, type HashListEntry, type HashListRejection, type KindOption } from '../../extractors/hashes/index.ts';
import { CATEGORIES, type Category } from '../../extractors/types.ts';
import { HashLists, PHASH_THRESHOLD } from '../../workers/hash-lists.ts';
import { TargetStore, redisKeys } from '../../workers/index.ts';
import { retrohuntPageMedia } from '../../workers/page-media.ts';
import { alertObservations } from '../../workers/page-processor.ts';
import { CliError, EXIT_USAGE } from '../cli-error.ts';
import { DATA_DIR_HELP, isoDate, oneOf, positiveInt } from '../options.ts';
import { openIndex, openRedis, openRules, withRuntime } from '../runtime.ts';

/** Entries sent to Redis at once. */
const BATCH = 2000;
/** Data error (sysexits.h): the file held no usable hash at all. */
const EXIT_DATAERR = 65;

interface ImportOptions {
  list: string;
  category: Category;
  kind: KindOption;
  threshold?: number;
  json?: boolean;
  showRejected: number;
  dataDir?: string;
}

export function registerHashesCommand(program: Command): void {
  const hashes = program.command('hashes').description('hash lists (SHA-256, MD5, pHash) matched against page images and files');

  hashes
    .command('import')
    .description('import a partner list: one hash per line, sha256sum output, or CSV/TSV with a header naming the hash column')
    .argument('<file>', 'the list file')
    .requiredOption('--list <name>', 'list name (rule id hashlist.<name>); importing again adds to it')
    .requiredOption('--category <category>', `category of its matches: ${CATEGORIES.join(', ')}`, oneOf('--category', CATEGORIES))
    .option('--kind <kind>', 'auto (by length: 64 sha256, 32 md5, 16 phash), sha256, md5, phash', oneOf('--kind', KIND_OPTIONS), 'auto')
    .option('--threshold <bits>', `pHash match distance, 0-${PHASH_THRESHOLD.max} bits of 64 (default ${PHASH_THRESHOLD.default})`, positiveInt('--threshold', PHASH_THRESHOLD.max))
    .option('--show-rejected <n>', 'rejected lines printed (all are counted)', positiveInt('--show-rejected', 1_000_000), 20)
    .option('--json', 'print the summary as JSON')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (file: string, options: ImportOptions) => {
      if (options.kind === 'pdq') {
        throw new CliError('PDQ lists cannot be matched: Vigie computes 64-bit pHash (DCT) for images, not PDQ. Ask the partner for pHash, SHA-256 or MD5.', EXIT_USAGE);
      }
      await access(file).catch((err: unknown) => {
        throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, EXIT_USAGE);
      });
      await withRuntime({ dataDir: options.dataDir }, 'one-shot', async ({ settings, logger, closer }) => {
        const lists = new HashLists(await openRedis(settings, logger, closer), settings.redisPrefix);
        await lists.ensure(options.list, options.category, options.threshold);
        const summary = await importFile(file, options, lists);
        await lists.touch(options.list);
        printSummary(file, options, summary);
        if (summary.added + summary.duplicates === 0) throw new CliError(`${file}: no usable hash (${summary.rejected} line(s) rejected)`, EXIT_DATAERR);
      });
    });

  hashes
    .command('list')
    .description('the imported lists: category, counts, pHash threshold, last import')
    .option('--json', 'print JSON')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (options: { json?: boolean; dataDir?: string }) => {
      await withRuntime({ dataDir: options.dataDir }, 'one-shot', async ({ settings, logger, closer }) => {
        const all = await new HashLists(await openRedis(settings, logger, closer), settings.redisPrefix).list();
        if (options.json) {
          process.stdout.write(`${JSON.stringify(all)}\n`);
          return;
        }
        if (all.length === 0) process.stdout.write('no hash lists; import one with `vigie hashes import FILE --list NAME --category CATEGORY`\n');
        for (const list of all) {
          const { sha256, md5, phash } = list.counts;
          process.stdout.write(`${list.name.padEnd(24)} ${list.category.padEnd(18)} sha256 ${sha256}  md5 ${md5}  phash ${phash} (≤${list.phashThreshold} bits)  imported ${list.importedAt}\n`);
        }
      });
    });

  hashes
    .command('retrohunt')
    .description('match the media hashes recorded on indexed pages against the lists now (a list imported after a crawl) and raise alerts for past matches (idempotent)')
    .option('--list <name>', 'only this list')
    .option('--target <id>', 'only pages of this watch target')
    .option('--since <date>', 'only pages fetched at or after this date (2026-01-31 or an ISO time)', isoDate('--since'))
    .option('--dry-run', 'report what would match and which alerts would be raised; change nothing')
    .option('--json', 'print the summary as JSON')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (options: { list?: string; target?: string; since?: string; dryRun?: boolean; json?: boolean; dataDir?: string }) => {
      await withRuntime({ dataDir: options.dataDir }, 'one-shot', async ({ settings, logger, closer }) => {
        const redis = await openRedis(settings, logger, closer);
        const lists = new HashLists(redis, settings.redisPrefix);
        if (options.list && !(await lists.get(options.list))) throw new CliError(`no hash list named "${options.list}"`, EXIT_USAGE);
        const index = await openIndex(settings, logger, closer);
        const targets = new TargetStore(redis, redisKeys(settings.redisPrefix));
        const summary = await retrohuntPageMedia(
          {
            index,
            hashLists: lists,
            ruleSet: openRules(settings),
            // Pages of a target no longer configured are judged with the default thresholds.
            targetFor: async (id) => (await targets.get(id)) ?? { sensitivity: 'medium', categories: [] },
            observe: alertObservations,
          },
          { list: options.list, targetId: options.target, since: options.since, dryRun: options.dryRun },
        );
        if (options.json) {
          process.stdout.write(`${JSON.stringify(summary)}\n`);
          return;
        }
        const lines = [
          `${summary.dryRun ? 'dry run: ' : ''}${summary.pagesScanned} page(s) scanned, ${summary.pagesWithMedia} with media hashes, ${summary.pagesMatched} with new matches`,
          `alerts: ${summary.alertsCreated} created, ${summary.alertsUpdated} updated (${summary.alertObservations} observation(s))`,
          ...summary.matches.map((m) => `  ${m.url}: ${m.lists.join(', ')} (${m.categories.join(', ')})`),
          ...summary.screenshotsToReview.map((s) => `  screenshot stored before the list knew its image: ${s.url} (artifact ${s.screenshotSha256})`),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    });

  hashes
    .command('remove')
    .description('remove a list and all its hashes')
    .requiredOption('--list <name>', 'list name')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (options: { list: string; dataDir?: string }) => {
      await withRuntime({ dataDir: options.dataDir }, 'one-shot', async ({ settings, logger, closer }) => {
        const removed = await new HashLists(await openRedis(settings, logger, closer), settings.redisPrefix).remove(options.list);
        if (!removed) throw new CliError(`no hash list named "${options.list}"`, 1);
        process.stdout.write(`removed hash list ${options.list}\n`);
      });
    });
}

interface ImportSummary {
  added: number;
  duplicates: number;
  rejected: number;
  byKind: Record<string, number>;
  rejectedByReason: Record<string, number>;
  shownRejections: HashListRejection[];
}

async function importFile(file: string, options: ImportOptions, lists: HashLists): Promise<ImportSummary> {
  const parser = new HashListParser({ file, kind: options.kind as Exclude<KindOption, 'pdq'> });
  const summary: ImportSummary = { added: 0, duplicates: 0, rejected: 0, byKind: {}, rejectedByReason: {}, shownRejections: [] };
  let batch: HashListEntry[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const result = await lists.add(options.list, batch);
    summary.added += result.added;
    summary.duplicates += result.duplicates;
    batch = [];
  };
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    const parsed = parser.push(line);
    for (const entry of parsed.entries) {
      summary.byKind[entry.kind] = (summary.byKind[entry.kind] ?? 0) + 1;
      batch.push(entry);
    }
    for (const rejection of parsed.rejections) {
      summary.rejected++;
      summary.rejectedByReason[rejection.reason] = (summary.rejectedByReason[rejection.reason] ?? 0) + 1;
      if (summary.shownRejections.length < options.showRejected) {
        summary.shownRejections.push(rejection);
        process.stderr.write(`${rejection.message}\n`);
      }
    }
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  if (summary.rejected > summary.shownRejections.length) process.stderr.write(`… and ${summary.rejected - summary.shownRejections.length} more rejected line(s)\n`);
  return summary;
}

function printSummary(file: string, options: ImportOptions, summary: ImportSummary): void {
  if (options.json) {
    const { shownRejections: _shown, ...counts } = summary;
    process.stdout.write(`${JSON.stringify({ file, list: options.list, category: options.category, ...counts })}\n`);
    return;
  }
  const kinds = Object.entries(summary.byKind).map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none';
  process.stdout.write(`${file} → list ${options.list} (${options.category}): added ${summary.added}, duplicate ${summary.duplicates}, rejected ${summary.rejected} (read: ${kinds})\n`);
}

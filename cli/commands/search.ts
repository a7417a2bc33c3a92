// `vigie search [QUERY] [--entity TYPE:VALUE]`: full text and entity pivots over indexed pages.
import { InvalidArgumentError, type Command } from 'commander';
import { parseEntityQuery, type EntityQuery } from '../../extractors/entity-query.ts';
import { CATEGORIES, ENTITY_TYPES, type Category } from '../../extractors/types.ts';
import { DATA_DIR_HELP, oneOf, positiveInt } from '../options.ts';
import { openIndex, withRuntime } from '../runtime.ts';
import { CliError, EXIT_USAGE } from '../cli-error.ts';
import { parseSearchQuery, SearchSyntaxError } from '../../indexer/search-syntax.ts';

interface SearchOptions {
  entity?: EntityQuery;
  category?: Category;
  target?: string;
  language?: string;
  domain?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
  json?: boolean;
  dataDir?: string;
}

function parseEntityOption(raw: string): EntityQuery {
  const parsed = parseEntityQuery(raw);
  if (!parsed.ok) throw new InvalidArgumentError(`--entity: ${parsed.message}`);
  return parsed.query;
}

function isoDate(name: string) {
  return (value: string): string => {
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) throw new InvalidArgumentError(`${name} must be a date such as 2026-01-31 or 2026-01-31T12:00:00Z`);
    return date.toISOString();
  };
}

/** Bad query syntax is a usage error with the parser's message and position, before anything is opened. */
function checkQuerySyntax(text: string): void {
  try {
    parseSearchQuery(text);
  } catch (err) {
    if (err instanceof SearchSyntaxError) throw new CliError(`query: ${err.message}`, EXIT_USAGE);
    throw err;
  }
}

export function registerSearchCommand(program: Command): void {
  program
    .command('search')
    .description('search indexed pages: words are ANDed, "double quotes" make a phrase; OR, NOT/-, (), prefix*, fields (docs/search.md)')
    .argument('[query...]', 'the query: words, "phrases", OR, -word, (groups), word*, title:/text:/url:/category:/target:/lang:/domain:/entity:')
    .option('--entity <type:value>', `pages mentioning this entity (${ENTITY_TYPES.join(', ')})`, parseEntityOption)
    .option('--category <category>', 'pages flagged in this category', oneOf('--category', CATEGORIES))
    .option('--target <id>', 'pages of this watch target')
    .option('--language <code>', 'ISO 639-1 language, e.g. fr')
    .option('--domain <domain>', 'pages on this domain or its subdomains')
    .option('--from <date>', 'fetched at or after', isoDate('--from'))
    .option('--to <date>', 'fetched at or before', isoDate('--to'))
    .option('--limit <n>', 'results per page', positiveInt('--limit', 1000), 20)
    .option('--offset <n>', 'results to skip', positiveInt('--offset'), 0)
    .option('--json', 'print {total, hits} as JSON')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (words: string[], options: SearchOptions) => {
      checkQuerySyntax(words.join(' ').trim());
      await withRuntime({ dataDir: options.dataDir }, 'one-shot', async ({ settings, logger, closer }) => {
        const index = await openIndex(settings, logger, closer);
        const result = await index.search({
          text: words.join(' ').trim() || undefined,
          entity: options.entity,
          category: options.category,
          targetId: options.target,
          language: options.language,
          domain: options.domain,
          from: options.from,
          to: options.to,
          limit: options.limit,
          offset: options.offset,
        });
        if (options.json) {
          process.stdout.write(`${JSON.stringify(result)}\n`);
          return;
        }
        process.stdout.write(`${result.total} page(s)\n`);
        for (const hit of result.hits) {
          process.stdout.write(`${hit.fetchedAt}  ${hit.url}\n    ${hit.title}${hit.categories.length ? `  [${hit.categories.join(', ')}]` : ''}\n    ${hit.snippet.replace(/\s+/g, ' ').slice(0, 200)}\n`);
        }
      });
    });
}

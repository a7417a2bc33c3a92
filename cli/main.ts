// The `vigie` command line. Each command lives in cli/commands/; this file only wires them and
// turns errors into messages and exit codes (no stack traces for expected failures).
import { Command, CommanderError } from 'commander';
import { ConfigError, formatConfigIssue } from '../config/index.ts';
import { CliError, EXIT_CONFIG, EXIT_USAGE } from './cli-error.ts';
import { registerAlertsCommand } from './commands/alerts.ts';
import { registerAnalyzeCommand } from './commands/analyze.ts';
import { registerCrawlCommand } from './commands/crawl.ts';
import { registerEvidenceCommand } from './commands/evidence.ts';
import { registerHashesCommand } from './commands/hashes.ts';
import { registerReferralsCommand } from './commands/referrals.ts';
import { registerRulesCommand } from './commands/rules.ts';
import { registerSearchCommand } from './commands/search.ts';
import { registerServeCommands } from './commands/serve.ts';
import { registerTargetsCommand } from './commands/targets.ts';
import { registerUsersCommand } from './commands/users.ts';

export function buildProgram(): Command {
  const program = new Command('vigie')
    .description('OSINT monitoring crawler: watch targets, scheduled crawls, extraction, alerts')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerServeCommands(program);
  registerTargetsCommand(program);
  registerCrawlCommand(program);
  registerAnalyzeCommand(program);
  registerAlertsCommand(program);
  registerSearchCommand(program);
  registerEvidenceCommand(program);
  registerHashesCommand(program);
  registerReferralsCommand(program);
  registerRulesCommand(program);
  registerUsersCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // Help and version end with code 0; every other commander error is a usage error.
    return err.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`vigie: ${err.message}\n`);
    for (const issue of err.issues) process.stderr.write(`  ${formatConfigIssue(issue)}\n`);
    return EXIT_CONFIG;
  }
  if (err instanceof CliError) {
    process.stderr.write(`vigie: ${err.message}\n`);
    return err.exitCode;
  }
  process.stderr.write(`vigie: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}

// `vigie targets validate|apply|list`: watch targets from YAML to Redis and job schedulers.
import type { Command } from 'commander';
import { ConfigError, loadTargetsFile, redactTarget, type ConfigIssue, type Logger, type Settings, type WatchTarget } from '../../config/index.ts';
import { loadRuleSet, overrideIssues } from '../../extractors/rules/index.ts';
import { TargetStore, applyTargets, createQueues, listSchedules, redisKeys, type Queues } from '../../workers/index.ts';
import { DATA_DIR_HELP } from '../options.ts';
import { type Closer, openRedis, settingsFrom, withRuntime } from '../runtime.ts';

export function registerTargetsCommand(program: Command): void {
  const targets = program.command('targets').description('watch targets: validate, apply and list');

  targets
    .command('validate')
    .description('check a targets YAML file; prints every problem as file:line: field: message')
    .argument('<file>', 'targets YAML file')
    .option('--data-dir <dir>', `${DATA_DIR_HELP} (validate reads and writes nothing there)`)
    .action(async (file: string, options: { dataDir?: string }) => {
      const loaded = await loadTargetsFile(file);
      checkRuleOverrides(file, loaded, settingsFrom({ dataDir: options.dataDir }).settings);
      process.stdout.write(`${file}: ${loaded.length} target(s) valid: ${loaded.map((t) => t.id).join(', ')}\n`);
    });

  targets
    .command('apply')
    .description('store the targets of a file (it becomes the whole set) and upsert their schedules')
    .argument('<file>', 'targets YAML file')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (file: string, options: { dataDir?: string }) => {
      const loaded = await loadTargetsFile(file);
      await withRuntime({ dataDir: options.dataDir }, 'one-shot', async ({ settings, logger, closer }) => {
        checkRuleOverrides(file, loaded, settings);
        const { queues, store } = await openTargetAdmin(settings, logger, closer);
        const result = await applyTargets(loaded, { queues, targets: store, logger });
        process.stdout.write(
          `applied ${result.stored.length} target(s); scheduled: ${result.scheduled.join(', ') || 'none'}` +
            `${result.unscheduled.length ? `; schedules removed: ${result.unscheduled.join(', ')}` : ''}` +
            `${result.removedTargets.length ? `; targets removed: ${result.removedTargets.join(', ')}` : ''}\n`,
        );
      });
    });

  targets
    .command('list')
    .description('list stored targets with their schedule and next run')
    .option('--json', 'print JSON')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (options: { json?: boolean; dataDir?: string }) => {
      await withRuntime({ dataDir: options.dataDir }, 'one-shot', async ({ settings, logger, closer }) => {
        const { queues, store } = await openTargetAdmin(settings, logger, closer);
        const stored = await store.list();
        const schedules = await listSchedules(queues);
        const rows = stored.map((target) => ({ ...redactTarget(target), nextRunAt: nextRun(schedules.get(target.id)?.next) }));
        if (options.json) {
          process.stdout.write(`${JSON.stringify(rows)}\n`);
          return;
        }
        if (rows.length === 0) process.stdout.write('no targets; apply a file with `vigie targets apply FILE`\n');
        for (const row of rows) process.stdout.write(`${row.id.padEnd(24)} ${row.enabled ? 'enabled ' : 'disabled'} ${describeSchedule(row).padEnd(28)} next: ${row.nextRunAt ?? '-'}  ${row.name}\n`);
      });
    });
}

/**
 * A target's `rules` section must name rules the rule set has: a typo in `disable` would silently
 * disable nothing. Checked against the rule directory this process would use.
 */
function checkRuleOverrides(file: string, targets: readonly WatchTarget[], settings: Settings): void {
  if (!targets.some((t) => t.rules.disable.length > 0 || Object.keys(t.rules.weights).length > 0)) return;
  const ruleSet = loadRuleSet(settings.rulesDir);
  const issues: ConfigIssue[] = targets.flatMap((target, k) =>
    overrideIssues(target.rules, ruleSet).map((issue) => ({ file, path: `targets.${k}.${issue.path}`, message: `${issue.message} (target ${target.id})` })),
  );
  if (issues.length > 0) throw new ConfigError(`${file}: ${issues.length} problem(s) with rule overrides`, issues);
}

async function openTargetAdmin(settings: Settings, logger: Logger, closer: Closer): Promise<{ queues: Queues; store: TargetStore }> {
  const redis = await openRedis(settings, logger, closer);
  const queues = createQueues(redis, settings.redisPrefix);
  closer.add(() => queues.close());
  return { queues, store: new TargetStore(redis, redisKeys(settings.redisPrefix)) };
}

function nextRun(next: number | null | undefined): string | null {
  return next ? new Date(next).toISOString() : null;
}

function describeSchedule(target: WatchTarget): string {
  if (!target.schedule) return 'on demand';
  if ('intervalSecs' in target.schedule) return `every ${target.schedule.intervalSecs}s`;
  return `cron ${target.schedule.cron} ${target.schedule.timezone}`;
}

// `vigie alerts`: the alert queue as analysts see it (ranked by calibrated score), one alert with
// its legal qualification and history, decisions, and the precision analysts' decisions give
// each rule.
import type { Command } from 'commander';
import { NonRetryableError } from '../../config/errors.ts';
import { CATEGORIES, type Category } from '../../extractors/types.ts';
import { ALERT_STATUSES, DISMISS_REASONS, type AlertStatus, type DismissReason } from '../../indexer/types.ts';
import { alertView, decideAlerts, precisionReport, rulePriors } from '../../review/index.ts';
import { CliError, EXIT_USAGE } from '../cli-error.ts';
import { DATA_DIR_HELP, oneOf, positiveInt } from '../options.ts';
import { openIndex, openRules, withRuntime } from '../runtime.ts';

interface AlertsListOptions {
  status?: AlertStatus;
  category?: Category;
  target?: string;
  assignee?: string;
  limit: number;
  json?: boolean;
  dataDir?: string;
}

interface DecideOptions {
  status: AlertStatus;
  reason?: DismissReason;
  comment?: string;
  assignee?: string;
  by: string;
  json?: boolean;
  dataDir?: string;
}

const write = (line: string) => process.stdout.write(`${line}\n`);

export function registerAlertsCommand(program: Command): void {
  const alerts = program.command('alerts').description('alerts raised by crawls, and analysts\' decisions on them');
  alerts
    .command('list')
    .description('list alerts, highest calibrated score and most recent first')
    .option('--status <status>', `one of ${ALERT_STATUSES.join(', ')}`, oneOf('--status', ALERT_STATUSES))
    .option('--category <category>', `one of ${CATEGORIES.join(', ')}`, oneOf('--category', CATEGORIES))
    .option('--target <id>', 'only alerts of this watch target')
    .option('--assignee <user>', 'only alerts this user holds (assigned or escalated to them)')
    .option('--limit <n>', 'how many', positiveInt('--limit', 10_000), 50)
    .option('--json', 'one JSON array on stdout')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (options: AlertsListOptions) => {
      await withRuntime({ dataDir: options.dataDir }, 'one-shot', async ({ settings, logger, closer }) => {
        const index = await openIndex(settings, logger, closer);
        const list = await index.listAlerts({
          status: options.status,
          category: options.category,
          targetId: options.target,
          assignee: options.assignee,
          limit: options.limit,
        });
        if (options.json) {
          write(JSON.stringify(list.map(alertView)));
          return;
        }
        if (list.length === 0) write('no alerts');
        for (const alert of list) {
          const more = alert.urls.length > 1 ? ` (+${alert.urls.length - 1} URLs)` : '';
          const holder = alert.assignee === undefined ? '' : ` (${alert.assignee})`;
          write(`${alert.calibratedScore.toFixed(2)} (raw ${alert.score.toFixed(2)})  ${alert.category.padEnd(17)} ${alert.status.padEnd(9)} ${alert.lastSeen}  ${alert.urls[0] ?? ''}${more}  [${alert.id}]${holder}`);
        }
      });
    });

  alerts
    .command('show <id>')
    .description('one alert: scores, rules, machine tags, legal qualification, decision history')
    .option('--json', 'one JSON object on stdout')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (id: string, options: { json?: boolean; dataDir?: string }) => {
      await withRuntime({ dataDir: options.dataDir }, 'one-shot', async ({ settings, logger, closer }) => {
        const index = await openIndex(settings, logger, closer);
        const alert = await index.getAlert(id);
        if (alert === null) throw new CliError(`no alert ${id}`, 1);
        const view = { ...alertView(alert), history: await index.alertHistory(id) };
        if (options.json) {
          write(JSON.stringify(view));
          return;
        }
        write(`${view.categoryLabel.fr} / ${view.categoryLabel.en}  [${view.id}]`);
        if (view.assignee !== undefined) write(`held by ${view.assignee}`);
        write(`status ${view.status}, calibrated score ${view.calibratedScore} (raw ${view.score}), ${view.pageCount} page(s), first seen ${view.firstSeen}, last seen ${view.lastSeen}`);
        write(`rules: ${Object.entries(view.ruleWeights).map(([r, w]) => `${r} (${w})`).join(', ') || view.ruleIds.join(', ')}`);
        write(`tags: ${view.tags.join(' ')}`);
        write('legal qualification:');
        for (const line of view.legalQualification) write(`  - ${line}`);
        write(`usual service: ${view.suggestedService}`);
        write('urls:');
        for (const url of view.urls) write(`  ${url}`);
        if (view.history.length > 0) write('history:');
        for (const h of view.history) write(`  ${h.at} ${h.actor}: ${h.previousStatus} -> ${h.status}${h.reason ? ` (${h.reason})` : ''}${h.assignee ? ` -> ${h.assignee}` : ''}${h.comment ? ` "${h.comment}"` : ''}`);
      });
    });

  alerts
    .command('decide <ids...>')
    .description('record an analyst decision on one or more alerts; rule precision and calibrated scores are updated at once')
    .requiredOption('--status <status>', `one of ${ALERT_STATUSES.join(', ')}`, oneOf('--status', ALERT_STATUSES))
    .option('--reason <reason>', `required with --status dismissed: ${DISMISS_REASONS.join(', ')}`, oneOf('--reason', DISMISS_REASONS))
    .option('--comment <text>', 'free comment kept in the history')
    .option('--assignee <user>', 'who takes the alert: required with --status assigned, optional with escalated')
    .requiredOption('--by <user>', 'who decides (kept in the history)')
    .option('--json', 'the decided alert as JSON')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (ids: string[], options: DecideOptions) => {
      if (options.status === 'dismissed' && options.reason === undefined) {
        throw new CliError(`--status dismissed needs --reason (${DISMISS_REASONS.join(', ')})`, EXIT_USAGE);
      }
      if (options.status === 'assigned' && options.assignee === undefined) {
        throw new CliError('--status assigned needs --assignee (the user who takes the alert)', EXIT_USAGE);
      }
      await withRuntime({ dataDir: options.dataDir }, 'one-shot', async ({ settings, logger, closer }) => {
        const index = await openIndex(settings, logger, closer);
        const priors = rulePriors(openRules(settings));
        const input = { status: options.status, reason: options.reason, comment: options.comment, assignee: options.assignee, actor: options.by };
        const { alerts: decided, alertsRecalibrated } = await decideAlerts({ index, priors, clock: () => new Date() }, ids, input).catch((err: unknown) => {
          // A wrong id or a refused decision is the user's to fix, not a crash.
          if (err instanceof NonRetryableError && err.code === 'alert-not-found') throw new CliError(err.message, 1);
          if (err instanceof NonRetryableError && err.code === 'invalid-decision') throw new CliError(err.message, EXIT_USAGE);
          throw err;
        });
        if (options.json) {
          write(JSON.stringify({ alerts: decided.map(alertView), alertsRecalibrated }));
          return;
        }
        for (const alert of decided) write(`alert ${alert.id}: ${alert.status}; calibrated score ${alert.calibratedScore}`);
        write(`${alertsRecalibrated} alert(s) recalibrated`);
      });
    });

  alerts
    .command('precision')
    .description('per rule: decisions, measured precision, calibrated precision and the factor applied to its hits')
    .option('--json', 'one JSON array on stdout')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (options: { json?: boolean; dataDir?: string }) => {
      await withRuntime({ dataDir: options.dataDir }, 'one-shot', async ({ settings, logger, closer }) => {
        const index = await openIndex(settings, logger, closer);
        const report = await precisionReport({ index, priors: rulePriors(openRules(settings)) });
        if (options.json) {
          write(JSON.stringify(report));
          return;
        }
        if (report.length === 0) write('no decisions yet');
        else write(`${'rule'.padEnd(40)} confirmed dismissed observed prior calibrated factor`);
        for (const r of report) {
          const observed = r.observed === null ? '-' : r.observed.toFixed(2);
          write(`${r.ruleId.padEnd(40)} ${String(r.confirmed).padStart(9)} ${String(r.dismissed).padStart(9)} ${observed.padStart(8)} ${r.prior.toFixed(2).padStart(5)} ${r.calibrated.toFixed(2).padStart(10)} ${r.factor.toFixed(2).padStart(6)}`);
        }
      });
    });
}

// `vigie alerts list`: the alert queue as analysts would see it, highest score first.
import type { Command } from 'commander';
import { CATEGORIES, type Category } from '../../extractors/types.ts';
import { ALERT_STATUSES, type AlertStatus } from '../../indexer/types.ts';
import { DATA_DIR_HELP, oneOf, positiveInt } from '../options.ts';
import { openIndex, withRuntime } from '../runtime.ts';

interface AlertsListOptions {
  status?: AlertStatus;
  category?: Category;
  target?: string;
  limit: number;
  json?: boolean;
  dataDir?: string;
}

export function registerAlertsCommand(program: Command): void {
  const alerts = program.command('alerts').description('alerts raised by crawls');
  alerts
    .command('list')
    .description('list alerts, highest score and most recent first')
    .option('--status <status>', `one of ${ALERT_STATUSES.join(', ')}`, oneOf('--status', ALERT_STATUSES))
    .option('--category <category>', `one of ${CATEGORIES.join(', ')}`, oneOf('--category', CATEGORIES))
    .option('--target <id>', 'only alerts of this watch target')
    .option('--limit <n>', 'how many', positiveInt('--limit', 10_000), 50)
    .option('--json', 'one JSON array on stdout')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (options: AlertsListOptions) => {
      await withRuntime({ dataDir: options.dataDir }, 'one-shot', async ({ settings, logger, closer }) => {
        const index = await openIndex(settings, logger, closer);
        const list = await index.listAlerts({ status: options.status, category: options.category, targetId: options.target, limit: options.limit });
        if (options.json) {
          process.stdout.write(`${JSON.stringify(list)}\n`);
          return;
        }
        if (list.length === 0) process.stdout.write('no alerts\n');
        for (const alert of list) {
          process.stdout.write(`${alert.score.toFixed(2)}  ${alert.category.padEnd(17)} ${alert.status.padEnd(9)} ${alert.lastSeen}  ${alert.urls[0] ?? ''}${alert.urls.length > 1 ? ` (+${alert.urls.length - 1} URLs)` : ''}  [${alert.id}]\n`);
        }
      });
    });
}

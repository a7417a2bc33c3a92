// Long-running roles. `start` = scheduler + workers + HTTP server in one process (the one-machine
// default); `worker` and `scheduler` run the roles apart so several processes and machines can
// share one Redis and one index. SIGTERM/SIGINT drain in-flight jobs, then close every client.
import { unwatchFile, watchFile } from 'node:fs';
import type { Command } from 'commander';
import { loadTargetsFile, type Logger } from '../../config/index.ts';
import { overrideIssues } from '../../extractors/rules/index.ts';
import { buildServer, createDeskContext } from '../../review/index.ts';
import { ensureFirstAdmin, openDeskStore } from '../../review/desk/index.ts';
import { applyTargets, startWorkers, type WorkerDeps } from '../../workers/index.ts';
import { DATA_DIR_HELP, positiveInt } from '../options.ts';
import { openPipeline, withRuntime, type Closer } from '../runtime.ts';

const TARGETS_POLL_MS = 2000;

interface ServeOptions {
  dataDir?: string;
  port?: number;
  host?: string;
  concurrency?: number;
  targets?: string;
}

export function registerServeCommands(program: Command): void {
  program
    .command('start')
    .description('run scheduler, workers and the HTTP server in one process')
    .option('--port <port>', 'HTTP port (default 8080 or VIGIE_HTTP_PORT)', positiveInt('--port', 65535))
    .option('--host <host>', 'HTTP bind address (default 127.0.0.1 or VIGIE_HTTP_HOST)')
    .option('--concurrency <n>', 'pages in flight in this process', positiveInt('--concurrency', 512))
    .option('--targets <file>', 'apply this targets YAML at start and whenever it changes')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action((options: ServeOptions) => serve(options, { workers: true, scheduler: true, http: true }));

  program
    .command('worker')
    .description('process crawl jobs (scale out with more of these, on any machine sharing Redis and the index)')
    .option('--concurrency <n>', 'pages in flight in this process', positiveInt('--concurrency', 512))
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action((options: ServeOptions) => serve(options, { workers: true, scheduler: false, http: false }));

  program
    .command('scheduler')
    .description('keep the job schedulers in line with a targets file (re-applied when it changes)')
    .requiredOption('--targets <file>', 'targets YAML to apply at start and whenever it changes')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action((options: ServeOptions) => serve(options, { workers: false, scheduler: true, http: false }));
}

async function serve(options: ServeOptions, roles: { workers: boolean; scheduler: boolean; http: boolean }): Promise<void> {
  const flags = { dataDir: options.dataDir, port: options.port, host: options.host, concurrency: options.concurrency };
  await withRuntime(flags, 'service', async ({ settings, logger, closer }) => {
    const stopped = waitForSignal(logger);
    // A long-running worker logs a stray async failure instead of dying with every job in flight.
    process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled promise rejection'));
    // Workers follow the rule files: an edit takes effect on the next page, without a restart.
    const deps = await openPipeline(settings, logger, closer, { watchRules: roles.workers });
    if (roles.scheduler && options.targets) await watchTargetsFile(options.targets, deps, closer);
    if (roles.workers) {
      const workers = startWorkers(deps, { concurrency: settings.workerConcurrency });
      closer.add(() => workers.close());
      logger.info({ concurrency: settings.workerConcurrency }, 'workers started');
    }
    if (roles.http) {
      const desk = await openDeskStore(settings.dataDir);
      closer.add(() => desk.close());
      const firstAdmin = await ensureFirstAdmin(desk, settings.dataDir, deps.clock());
      const app = buildServer(createDeskContext({ pipeline: deps, desk, targetsFile: options.targets }));
      closer.add(() => app.close());
      const address = await app.listen({ port: settings.httpPort, host: settings.httpHost });
      logger.info({ address }, 'HTTP server listening');
      process.stderr.write(`vigie: listening on ${address} (data in ${settings.dataDir})\n`);
      if (firstAdmin) {
        process.stderr.write(`vigie: first start: sign in at ${address}/ as "${firstAdmin.username}" with the password in ${firstAdmin.passwordFile}\n`);
      }
    }
    await stopped;
  });
}

async function watchTargetsFile(file: string, deps: WorkerDeps, closer: Closer): Promise<void> {
  const apply = async () => {
    const targets = await loadTargetsFile(file);
    // A rule id that does not exist (a typo, a rule since renamed) would silently change nothing.
    for (const target of targets) {
      for (const issue of overrideIssues(target.rules, deps.rules.current())) {
        deps.logger.warn({ file, targetId: target.id, path: issue.path }, `${file}: ${target.id}: ${issue.path}: ${issue.message}`);
      }
    }
    return applyTargets(targets, deps);
  };
  await apply();
  // Polling the file's stat, not fs.watch: editors, `sed -i` and mounted config maps replace the
  // file (a rename), after which an fs.watch handle sees nothing more.
  const onChange = (current: { mtimeMs: number }, previous: { mtimeMs: number }) => {
    if (current.mtimeMs === previous.mtimeMs) return;
    // A broken edit keeps the schedules of the last good file; the problems are logged.
    apply().catch((err: unknown) => deps.logger.error({ err, file }, 'targets file not applied'));
  };
  watchFile(file, { interval: TARGETS_POLL_MS }, onChange);
  closer.add(async () => unwatchFile(file, onChange));
}

function waitForSignal(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

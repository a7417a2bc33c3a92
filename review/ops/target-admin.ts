// Changing the watch targets from the desk: one target (create, replace, pause, resume, delete) or
// the whole set (import). Each change is written to the targets file first when there is one (the
// file `vigie start --targets` follows, so its watcher and a restart keep the change), then to the
// target store and the target's BullMQ scheduler. Changes run one at a time in this process, so
// two edits never write a file that misses one of them.
import type { Logger, WatchTarget } from '../../config/index.ts';
import { applyTargets, queuedRunsNow, removeSchedule, upsertSchedule, type ApplyResult, type Queues, type TargetStore } from '../../workers/index.ts';
import { HttpError } from '../http/errors.ts';
import { writeTargetsFile } from './targets-file.ts';

export interface TargetAdminDeps {
  targets: TargetStore;
  queues: Queues;
  logger: Logger;
  /** The targets YAML to keep in line, when the desk runs beside `vigie start --targets FILE`. */
  targetsFile?: string;
}

export interface PutResult {
  target: WatchTarget;
  previous: WatchTarget | null;
  scheduled: boolean;
}

export class TargetAdmin {
  private readonly deps: TargetAdminDeps;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(deps: TargetAdminDeps) {
    this.deps = deps;
  }

  /**
   * Creates or replaces one target and gives it the scheduler its config asks for. `prepare`
   * makes the target from the stored one (null when new), in turn with other changes; when it
   * throws, nothing is written.
   */
  putWith(id: string, prepare: (previous: WatchTarget | null) => WatchTarget): Promise<PutResult> {
    return this.serial(async () => {
      const previous = await this.deps.targets.get(id);
      return this.putNow(prepare(previous), previous);
    });
  }

  /** Pausing is disabling: the config stays, the scheduler goes, and the file keeps it over restarts. */
  setEnabled(id: string, enabled: boolean): Promise<PutResult | null> {
    return this.serial(async () => {
      const stored = await this.deps.targets.get(id);
      return stored === null ? null : this.putNow({ ...stored, enabled }, stored);
    });
  }

  /** Removes one target and its scheduler; null when there is no such target. */
  remove(id: string): Promise<WatchTarget | null> {
    return this.serial(async () => {
      const previous = await this.deps.targets.get(id);
      if (previous === null) return null;
      await this.writeFile((all) => all.filter((t) => t.id !== id));
      await this.deps.targets.remove(id);
      await removeSchedule(id, this.deps.queues);
      return previous;
    });
  }

  /**
   * Makes the stored set exactly what `compute` makes of the current one (an import), as
   * `vigie targets apply` does. When `compute` throws, nothing is written.
   */
  replaceAll(compute: (current: WatchTarget[]) => readonly WatchTarget[]): Promise<ApplyResult & { previous: WatchTarget[] }> {
    return this.serial(async () => {
      const previous = await this.deps.targets.list();
      const targets = compute(previous);
      await this.writeFile(() => targets);
      return { ...(await applyTargets(targets, this.deps)), previous };
    });
  }

  private async putNow(target: WatchTarget, previous: WatchTarget | null): Promise<PutResult> {
    await this.writeFile((all) => [...all.filter((t) => t.id !== target.id), target]);
    await this.deps.targets.put(target);
    const scheduled = await upsertSchedule(target, this.deps.queues);
    // A paused target runs nothing: the on-demand runs it had queued go too.
    if (!target.enabled) await Promise.all((await queuedRunsNow(target.id, this.deps.queues)).map((job) => job.remove()));
    return { target, previous, scheduled };
  }

  private async writeFile(change: (all: WatchTarget[]) => readonly WatchTarget[]): Promise<void> {
    if (!this.deps.targetsFile) return;
    const targets = change(await this.deps.targets.list());
    try {
      await writeTargetsFile(this.deps.targetsFile, targets);
    } catch (err) {
      // Written before anything else changes: a file that cannot be written leaves everything as it was.
      this.deps.logger.error({ err, file: this.deps.targetsFile }, 'targets file not written');
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new HttpError(503, 'unavailable', `the targets file ${this.deps.targetsFile} could not be written (${code}): nothing was changed`);
    }
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

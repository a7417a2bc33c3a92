// Runs a command as a child process and samples its memory: the child's own VmRSS every sampleMs,
// and optionally its whole process tree (a browser's processes are the child's descendants), with
// a progress figure beside each sample so growth can be read against work done. After the exit,
// it counts what the child left running (Chromium especially) and kills those leftovers by pid.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  isChromium, listProcs, processTree, procsWithEnv, rssMb, stillAlive, treeMemory, type ProcInfo,
} from './proc-tree.ts';

export interface TreeSample {
  /** Milliseconds since the child was spawned. */
  atMs: number;
  /** The caller's progress figure at that moment (e.g. pages served so far). */
  progress: number;
  processes: number;
  rssMb: number;
  pssMb: number;
}

export interface Leftovers {
  /** Chromium processes the run started that were still alive `graceMs` after the child exited. */
  chromium: number;
  /** Any other such process. */
  other: number;
  /** `pid comm` of each, for the report. */
  described: string[];
  graceMs: number;
}

export interface ProcessRun {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  /** Wall time from spawn to exit. */
  seconds: number;
  /** Peak VmRSS of the child process alone. */
  peakRssMb: number;
  /** The child's own RSS samples (MB) in order. */
  samples: number[];
  /** Whole-tree samples (empty unless `tree`). */
  treeSamples: TreeSample[];
  peakTreeRssMb: number;
  peakTreePssMb: number;
  /** null unless `tree`. */
  leftovers: Leftovers | null;
  /** The child outlived `timeoutMs` and was terminated. */
  timedOut: boolean;
}

export interface MeasureOptions {
  sampleMs?: number;
  /** Sample the sum over the child's process tree too, and count leftovers after exit. */
  tree?: boolean;
  progress?: () => number;
  /** How long descendants get to exit after the child did before they count as left behind. */
  leftoverGraceMs?: number;
  /** SIGTERM the child after this long (SIGKILL 10 s later): a hung crawler must not hang the bench. */
  timeoutMs?: number;
}

// Every process the child starts inherits this variable, so leftovers are found even after they
// were re-parented to init (they then are no longer in the child's tree).
const RUN_TAG_ENV = 'VIGIE_BENCH_RUN_TAG';

export function runMeasured(command: string, args: string[], env: NodeJS.ProcessEnv, options: number | MeasureOptions = {}): Promise<ProcessRun> {
  const { sampleMs = 100, tree = false, progress = () => 0, leftoverGraceMs = 3000, timeoutMs = 0 } = typeof options === 'number' ? { sampleMs: options } : options;
  const tag = randomBytes(8).toString('hex');
  const startedMs = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...env, [RUN_TAG_ENV]: tag }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const samples: number[] = [];
    const treeSamples: TreeSample[] = [];
    const seen = new Map<number, ProcInfo>();
    const sampleTree = (pid: number) => {
      const members = processTree(pid);
      for (const proc of members) seen.set(proc.pid, proc);
      const memory = treeMemory(members.map((proc) => proc.pid));
      treeSamples.push({ atMs: Date.now() - startedMs, progress: progress(), ...memory });
    };
    let lastTreeMs = 0;
    const timer = setInterval(() => {
      if (!child.pid) return;
      samples.push(rssMb(child.pid));
      // The tree walk reads all of /proc: at most every 500 ms, whatever sampleMs is.
      if (tree && Date.now() - lastTreeMs >= Math.max(sampleMs, 500) - 5) {
        lastTreeMs = Date.now();
        sampleTree(child.pid);
      }
    }, sampleMs);
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const deadline = timeoutMs > 0 ? setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    }, timeoutMs) : undefined;
    const closed = new Promise<void>((resolveClosed) => child.once('close', () => resolveClosed()));
    const stopTimers = () => {
      clearInterval(timer);
      clearTimeout(deadline);
      clearTimeout(killTimer);
    };
    child.once('error', (err) => {
      stopTimers();
      reject(err);
    });
    child.once('exit', (exitCode) => {
      stopTimers();
      const seconds = (Date.now() - startedMs) / 1000;
      void (async () => {
        const leftovers = tree ? await collectLeftovers(tag, seen, leftoverGraceMs) : null;
        // A leftover holding the child's stdout would keep 'close' from firing; it has been killed
        // by now, but do not wait forever on a pipe.
        await Promise.race([closed, sleep(5000, undefined, { ref: false })]);
        resolve({
          stdout, stderr, exitCode, seconds, samples, treeSamples, leftovers, timedOut,
          peakRssMb: Math.max(0, ...samples),
          peakTreeRssMb: Math.max(0, ...treeSamples.map((sample) => sample.rssMb)),
          peakTreePssMb: Math.max(0, ...treeSamples.map((sample) => sample.pssMb)),
        });
      })().catch(reject);
    });
  });
}

function leftoverProcs(tag: string, seen: Map<number, ProcInfo>): ProcInfo[] {
  const alive = new Map<number, ProcInfo>();
  for (const proc of seen.values()) if (stillAlive(proc)) alive.set(proc.pid, proc);
  for (const proc of procsWithEnv(RUN_TAG_ENV, tag, listProcs())) alive.set(proc.pid, proc);
  return [...alive.values()];
}

async function collectLeftovers(tag: string, seen: Map<number, ProcInfo>, graceMs: number): Promise<Leftovers> {
  const deadline = Date.now() + graceMs;
  let left = leftoverProcs(tag, seen);
  while (left.length && Date.now() < deadline) {
    await sleep(100);
    left = leftoverProcs(tag, seen);
  }
  const leftovers: Leftovers = {
    chromium: left.filter(isChromium).length,
    other: left.filter((proc) => !isChromium(proc)).length,
    described: left.map((proc) => `${proc.pid} ${proc.comm}`),
    graceMs,
  };
  // Counted; now end them (by pid: they are this run's descendants) so one run's leftovers do not
  // weigh on the next.
  for (const proc of left) {
    try {
      process.kill(proc.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  // SIGKILL is delivered asynchronously: wait (bounded) until they are dead before the next run.
  const killDeadline = Date.now() + 2000;
  while (left.some(stillAlive) && Date.now() < killDeadline) await sleep(50);
  return leftovers;
}

export function lastJsonLine<T>(stdout: string): T {
  const line = stdout.trim().split('\n').filter(Boolean).pop();
  if (!line) throw new Error('no output');
  return JSON.parse(line) as T;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

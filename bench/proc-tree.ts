// Reads Linux's /proc to measure a process together with everything it started: a crawler that
// drives Chromium spends most of its memory in the browser's own processes (browser, zygotes,
// renderers, GPU/network utilities), which a VmRSS of the Node process alone never shows.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcInfo {
  pid: number;
  ppid: number;
  /** Kernel start time (clock ticks since boot): with the pid, tells a process from a later one reusing its pid. */
  startTicks: number;
  /** One letter: R, S, D, Z (zombie, already dead), … */
  state: string;
  comm: string;
}

export interface TreeMemory {
  processes: number;
  /** Sum of VmRSS: counts pages shared between the processes once per process (an upper bound). */
  rssMb: number;
  /** Sum of proportional set sizes: shared pages split between their users (closer to the real cost). */
  pssMb: number;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // The process exited between listing and reading, or belongs to another user.
    return null;
  }
}

/** `/proc/PID/stat`, whose second field (comm, in parentheses) may itself hold spaces and parentheses. */
export function readProc(pid: number): ProcInfo | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return null;
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  // Fields after comm: state(3) ppid(4) … starttime(22) → indexes 0, 1 … 19 of `rest`.
  const rest = stat.slice(close + 2).split(' ');
  return {
    pid,
    comm: stat.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: Number(rest[1]),
    startTicks: Number(rest[19]),
  };
}

export function listProcs(): ProcInfo[] {
  const procs: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProc(Number(name));
    if (info) procs.push(info);
  }
  return procs;
}

/** `rootPid` and all its living descendants (zombies left out: they hold no memory). */
export function processTree(rootPid: number, procs = listProcs()): ProcInfo[] {
  const children = new Map<number, ProcInfo[]>();
  for (const proc of procs) {
    const siblings = children.get(proc.ppid) ?? [];
    siblings.push(proc);
    children.set(proc.ppid, siblings);
  }
  const root = procs.find((proc) => proc.pid === rootPid);
  if (!root) return [];
  const tree: ProcInfo[] = [];
  const stack = [root];
  while (stack.length) {
    const proc = stack.pop()!;
    if (proc.state !== 'Z') tree.push(proc);
    stack.push(...(children.get(proc.pid) ?? []));
  }
  return tree;
}

function kbField(text: string | null, field: string): number {
  if (!text) return 0;
  return Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
}

export function rssMb(pid: number): number {
  return kbField(readText(`/proc/${pid}/status`), 'VmRSS') / 1024;
}

export function treeMemory(pids: readonly number[]): TreeMemory {
  let rssKb = 0;
  let pssKb = 0;
  let processes = 0;
  for (const pid of pids) {
    // smaps_rollup has both figures in one read; a process gone meanwhile reads as null and counts 0.
    const rollup = readText(`/proc/${pid}/smaps_rollup`);
    if (!rollup) continue;
    processes++;
    rssKb += kbField(rollup, 'Rss');
    pssKb += kbField(rollup, 'Pss');
  }
  return { processes, rssMb: rssKb / 1024, pssMb: pssKb / 1024 };
}

/** Whether the process is still the one seen earlier (same pid and start time) and not a zombie. */
export function stillAlive(seen: Pick<ProcInfo, 'pid' | 'startTicks'>): boolean {
  const now = readProc(seen.pid);
  return now !== null && now.startTicks === seen.startTicks && now.state !== 'Z';
}

/** Living processes whose environment holds `NAME=value` (a tag inherited by everything a run started, orphans included). */
export function procsWithEnv(name: string, value: string, procs = listProcs()): ProcInfo[] {
  const needle = `${name}=${value}`;
  return procs.filter((proc) => {
    if (proc.state === 'Z') return false;
    const environ = readText(`/proc/${proc.pid}/environ`);
    return environ !== null && environ.split('\0').includes(needle);
  });
}

export function commandLine(pid: number): string {
  return (readText(`/proc/${pid}/cmdline`) ?? '').split('\0').join(' ').trim();
}

export function isChromium(proc: ProcInfo): boolean {
  return /chrom/i.test(proc.comm) || /chrom/i.test(commandLine(proc.pid).split(' ')[0] ?? '');
}

// One Chromium process and everything needed to end it for sure. Playwright launches Chromium
// over a pipe in its own process group (so Chromium exits when Node dies, even on SIGKILL) but
// does not tell its client the pid; a hung browser must be killed without its cooperation, so
// the launch carries a marker switch and the pid is found in /proc. Chromium also gets its own
// runtime directory as HOME (crash-report database, font cache) and a minimal environment: it
// needs none of Vigie's settings or credentials, nor its HTTP_PROXY variables.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

/** The switches the brief asks for; without the background-networking ones Chromium keeps calling home. */
export const DEFAULT_CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  // WebRTC may only use the proxy (TURN over TCP), never UDP straight to an address a page names.
  '--webrtc-ip-handling-policy=disable_non_proxied_udp',
  // Chromium itself resolves no name: every request goes to the guard proxy (an IP literal) with
  // its host name, and the guard resolves it, or leaves it to Tor. No DNS prefetch leaks a name.
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

const MARKER_SWITCH = '--vigie-browser-id';

export interface LaunchOptions {
  executablePath: string;
  extraArgs: string[];
  launchTimeoutMs: number;
  /** Where Chromium would put downloads; none are accepted, but Playwright needs a place. */
  downloadsPath?: string;
  /** Chromium's whole environment; default: a minimal one with HOME in the runtime directory. */
  env?: Record<string, string>;
}

export interface BrowserProcess {
  readonly browser: Browser;
  /** The browser's pid, which is also its process group id; null where /proc is unavailable. */
  readonly pid: number | null;
  /** HOME of this Chromium; its processes name it on their command lines. */
  readonly runtimeDir: string;
}

export async function launchBrowserProcess(options: LaunchOptions): Promise<BrowserProcess> {
  const runtimeDir = await mkdtemp(path.join(os.tmpdir(), 'vigie-chromium-'));
  const marker = `${MARKER_SWITCH}=${randomUUID()}`;
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: options.executablePath,
      headless: true,
      args: [...DEFAULT_CHROMIUM_ARGS, ...options.extraArgs, marker],
      env: options.env ?? minimalEnv(runtimeDir),
      timeout: options.launchTimeoutMs,
      downloadsPath: options.downloadsPath,
      // Vigie's own shutdown closes the pool; Playwright's handlers would exit the process first.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      // A fail-closed default: contexts always get the guard proxy; anything that does not
      // (the default context, browser-level requests) meets a dead port instead of the network.
      proxy: { server: 'http://127.0.0.1:9', bypass: '<-loopback>' },
    });
  } catch (err) {
    await rm(runtimeDir, { recursive: true, force: true });
    throw err;
  }
  const pid = await findChildPid(marker);
  return { browser, pid, runtimeDir };
}

/** SIGKILLs the browser's whole process group (renderers, GPU, zygotes). */
export function killBrowserGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * Waits until no process of this browser remains (its process group, and helpers outside the
 * group that name its runtime directory, such as the crash handler), SIGKILLing stragglers at
 * the end; true when none remained.
 */
export async function reapBrowser(proc: Pick<BrowserProcess, 'pid' | 'runtimeDir'>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await browserProcesses(proc);
    if (left.length === 0) {
      await rm(proc.runtimeDir, { recursive: true, force: true }).catch(() => {});
      return true;
    }
    if (Date.now() >= deadline) {
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Exited meanwhile.
        }
      }
      return (await browserProcesses(proc)).length === 0;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Pids of this browser's processes that are still alive (zombies excluded). */
export async function browserProcesses(proc: Pick<BrowserProcess, 'pid' | 'runtimeDir'>): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await procEntries()) {
    if (entry.state === 'Z') continue;
    if ((proc.pid !== null && entry.pgid === proc.pid) || entry.cmdline.includes(proc.runtimeDir)) found.push(entry.pid);
  }
  return found;
}

interface ProcEntry {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
  cmdline: string;
}

async function findChildPid(marker: string): Promise<number | null> {
  const entries = await procEntries();
  return entries.find((entry) => entry.ppid === process.pid && entry.cmdline.includes(marker))?.pid ?? null;
}

async function procEntries(): Promise<ProcEntry[]> {
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return [];
  }
  const entries = await Promise.all(names.filter((name) => /^\d+$/.test(name)).map(readProcEntry));
  return entries.filter((entry): entry is ProcEntry => entry !== null);
}

async function readProcEntry(name: string): Promise<ProcEntry | null> {
  try {
    const [stat, cmdline] = await Promise.all([
      readFile(`/proc/${name}/stat`, 'utf8'),
      readFile(`/proc/${name}/cmdline`, 'utf8'),
    ]);
    // The command name in parentheses may itself contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid: Number(name), state: fields[0] ?? '', ppid: Number(fields[1]), pgid: Number(fields[2]), cmdline: cmdline.replaceAll('\0', ' ') };
  } catch {
    return null;
  }
}

function minimalEnv(runtimeDir: string): Record<string, string> {
  return {
    HOME: runtimeDir,
    XDG_CONFIG_HOME: path.join(runtimeDir, 'config'),
    XDG_CACHE_HOME: path.join(runtimeDir, 'cache'),
    // The distribution's launcher script uses a few coreutils.
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C.UTF-8',
  };
}

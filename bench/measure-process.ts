// Runs a command as a child process, sampling its resident memory (VmRSS from /proc) to report
// the peak, and returns its stdout.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcessRun {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  peakRssMb: number;
  /** RSS samples (MB) in order, for growth checks. */
  samples: number[];
}

function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

export function runMeasured(command: string, args: string[], env: NodeJS.ProcessEnv, sampleMs = 100): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const samples: number[] = [];
    const timer = setInterval(() => {
      if (child.pid) samples.push(rssMb(child.pid));
    }, sampleMs);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearInterval(timer);
      resolve({ stdout, stderr, exitCode, peakRssMb: Math.max(0, ...samples), samples });
    });
  });
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

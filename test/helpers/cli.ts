// Runs the real `vigie` command (bin/vigie.mjs) as a child process.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const VIGIE_BIN = fileURLToPath(new URL('../../bin/vigie.mjs', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runVigie(args: string[], options: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VIGIE_BIN, ...args], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export function lastJson<T>(stdout: string): T {
  const line = stdout.trim().split('\n').pop();
  if (!line) throw new Error(`no output`);
  return JSON.parse(line) as T;
}

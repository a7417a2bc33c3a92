// The bench's process measurement against real processes: memory summed over a process tree, and
// processes a run leaves behind (re-parented orphans included) counted, then killed.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMeasured } from '../../bench/measure-process.ts';
import { readProc } from '../../bench/proc-tree.ts';

const CHROMIUM = '/usr/bin/chromium';

function nodeScript(source: string): [string, string[]] {
  return [process.execPath, ['--input-type=module', '-e', source]];
}

describe('runMeasured with tree sampling', () => {
  it('sums the memory of the child and its descendants', async () => {
    // The grandchild holds ~200 MB of touched memory the child itself does not.
    const grandchild = `const b = Buffer.alloc(200 * 2 ** 20, 1); setTimeout(() => b.length, 2500);`;
    const [command, args] = nodeScript(`
      import { spawn } from 'node:child_process';
      const child = spawn(process.execPath, ['-e', ${JSON.stringify(grandchild)}], { stdio: 'inherit' });
      child.on('exit', () => process.exit(0));
    `);
    let progress = 0;
    const run = await runMeasured(command, args, process.env, { tree: true, sampleMs: 100, progress: () => ++progress });
    expect(run.exitCode).toBe(0);
    expect(run.peakRssMb).toBeLessThan(150);
    expect(run.peakTreeRssMb).toBeGreaterThan(run.peakRssMb + 150);
    expect(run.peakTreePssMb).toBeGreaterThan(150);
    expect(Math.max(...run.treeSamples.map((sample) => sample.processes))).toBe(2);
    // Progress is read at each tree sample, in order.
    expect(run.treeSamples.map((sample) => sample.progress)).toEqual([...run.treeSamples.keys()].map((i) => i + 1));
    expect(run.leftovers).toMatchObject({ chromium: 0, other: 0 });
  });

  it('counts an orphan the child left running, and kills it', async () => {
    const [command, args] = nodeScript(`
      import { spawn } from 'node:child_process';
      const orphan = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
      orphan.unref();
      console.log(orphan.pid);
    `);
    const run = await runMeasured(command, args, process.env, { tree: true, leftoverGraceMs: 300 });
    const orphanPid = Number(run.stdout.trim());
    expect(run.leftovers).toMatchObject({ chromium: 0, other: 1, described: [`${orphanPid} sleep`] });
    // SIGKILLed by pid and waited for; a zombie at most until init reaps it.
    const after = readProc(orphanPid);
    expect(after === null || after.state === 'Z').toBe(true);
  });

  it.skipIf(!existsSync(CHROMIUM))('counts a Chromium left behind as chromium', async () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'bench-leftover-'));
    const [command, args] = nodeScript(`
      import { spawn } from 'node:child_process';
      const browser = spawn(${JSON.stringify(CHROMIUM)}, ['--headless', '--no-sandbox', '--disable-gpu',
        ${JSON.stringify(`--user-data-dir=${profileDir}`)}, 'about:blank'], { detached: true, stdio: 'ignore' });
      browser.unref();
      await new Promise((resolve) => setTimeout(resolve, 1500));
    `);
    const run = await runMeasured(command, args, process.env, { tree: true, leftoverGraceMs: 500 });
    rmSync(profileDir, { recursive: true, force: true });
    expect(run.leftovers!.chromium).toBeGreaterThanOrEqual(1);
    const pids = run.leftovers!.described.map((line) => Number(line.split(' ')[0]));
    for (const pid of pids) {
      const after = readProc(pid);
      expect(after === null || after.state === 'Z').toBe(true);
    }
  });

  it('reports nothing left when the child exits cleanly', async () => {
    const [command, args] = nodeScript(`console.log('done')`);
    const run = await runMeasured(command, args, process.env, { tree: true });
    expect(run).toMatchObject({ exitCode: 0, timedOut: false, leftovers: { chromium: 0, other: 0, described: [] } });
    expect(run.stdout.trim()).toBe('done');
  });

  it('terminates a child that outlives timeoutMs', async () => {
    const [command, args] = nodeScript(`setInterval(() => {}, 1000)`);
    const run = await runMeasured(command, args, process.env, { timeoutMs: 500 });
    expect(run.timedOut).toBe(true);
    expect(run.exitCode).toBeNull();
    expect(run.leftovers).toBeNull();
  });
});

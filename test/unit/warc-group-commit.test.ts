import { describe, expect, it } from 'vitest';
import { createGroupCommitter } from '../../crawler/warc/group-commit.ts';

/** A commit function whose batches wait until the test releases them. */
function gatedCommit() {
  const batches: number[][] = [];
  const releases: Array<(fail?: Error) => void> = [];
  const commit = (items: number[]) => {
    batches.push(items);
    return new Promise<string[]>((resolve, reject) => {
      releases.push((fail) => (fail ? reject(fail) : resolve(items.map((item) => `ok ${item}`))));
    });
  };
  return { batches, releases, commit };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('createGroupCommitter', () => {
  it('groups what arrives during a commit into one next batch, settling callers only after their commit', async () => {
    const { batches, releases, commit } = gatedCommit();
    const committer = createGroupCommitter(commit);
    const settled: number[] = [];
    const track = (item: number) => committer.submit(item).then((result) => (settled.push(item), result));

    const first = track(1);
    expect(batches).toEqual([[1]]);
    const rest = [2, 3, 4, 5].map(track);
    await settle();
    expect(batches).toEqual([[1]]); // no second batch while the first is being committed
    expect(settled).toEqual([]);

    releases[0]!();
    expect(await first).toBe('ok 1');
    await settle();
    expect(batches).toEqual([[1], [2, 3, 4, 5]]); // four callers, one commit
    expect(settled).toEqual([1]);

    releases[1]!();
    expect(await Promise.all(rest)).toEqual(['ok 2', 'ok 3', 'ok 4', 'ok 5']);
  });

  it('rejects every caller of a failed batch and goes on with the next', async () => {
    const { batches, releases, commit } = gatedCommit();
    const committer = createGroupCommitter(commit);
    const first = committer.submit(1);
    const second = [committer.submit(2), committer.submit(3)].map((p) => p.catch((err: Error) => err.message));

    releases[0]!();
    await first;
    await settle();
    releases[1]!(new Error('disk full'));
    expect(await Promise.all(second)).toEqual(['disk full', 'disk full']);

    const later = committer.submit(4);
    await settle();
    releases[2]!();
    expect(await later).toBe('ok 4');
    expect(batches).toEqual([[1], [2, 3], [4]]);
  });

  it('idle() waits for queued and running batches', async () => {
    const { releases, commit } = gatedCommit();
    const committer = createGroupCommitter(commit);
    const results: string[] = [];
    void committer.submit(1).then((r) => results.push(r));
    void committer.submit(2).then((r) => results.push(r));
    let idle = false;
    const waiting = committer.idle().then(() => (idle = true));
    await settle();
    expect(idle).toBe(false);
    releases[0]!();
    await settle();
    expect(idle).toBe(false);
    releases[1]!();
    await waiting;
    expect(results).toEqual(['ok 1', 'ok 2']);
  });
});

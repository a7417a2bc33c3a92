// The embedded (SQLite/FTS5) index: the shared contract, then what only this backend promises:
// group commit, a failing page rejected alone, several processes sharing one file, WAL and the
// schema version.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIndex, EmbeddedIndex } from '../../indexer/index.ts';
import { SCHEMA_VERSION } from '../../indexer/embedded/schema.ts';
import { runIndexContract } from '../contract/index-contract.ts';
import { flaggedPage, makePage } from '../contract/index-fixtures.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

let dataDir = '';
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'vigie-index-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

runIndexContract('embedded', async () => createIndex({ dataDir }));

describe('embedded index specifics', () => {
  const opened: EmbeddedIndex[] = [];
  async function open(options: Partial<ConstructorParameters<typeof EmbeddedIndex>[0]> = {}): Promise<EmbeddedIndex> {
    const index = new EmbeddedIndex({ dataDir, ...options });
    opened.push(index);
    await index.init();
    return index;
  }
  afterEach(async () => {
    for (const index of opened.splice(0)) await index.close();
  });

  it('stores its file in the data directory, in WAL mode, with the schema version recorded', async () => {
    const index = await open();
    expect(index.filePath).toBe(path.join(dataDir, 'index.sqlite'));
    await index.indexPage(makePage(), []);
    const db = new Database(index.filePath, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({ value: String(SCHEMA_VERSION) });
    } finally {
      db.close();
    }
  });

  it('commits concurrent writes in a few transactions, not one each', async () => {
    const index = await open({ groupCommitWindowMs: 5 });
    const writes = Array.from({ length: 50 }, (_, i) => flaggedPage('drugs', { url: `https://g.example/${i}`, text: `texte ${i}` }));
    await Promise.all(writes.map(({ page, observations }) => index.indexPage(page, observations)));
    expect(index.commitStats.items).toBe(50);
    expect(index.commitStats.batches).toBeLessThan(5);
    expect(await index.countPages()).toBe(50);
  });

  it('rejects only the page that fails inside a batch; the others are committed', async () => {
    const index = await open({ groupCommitWindowMs: 20 });
    const poison = makePage({ url: 'https://poison.example/', text: 'poison' });
    const side = new Database(index.filePath);
    side.exec(`CREATE TRIGGER poison BEFORE INSERT ON pages WHEN NEW.id = '${poison.id}' BEGIN SELECT RAISE(ABORT, 'poisoned page'); END`);
    side.close();
    const good = Array.from({ length: 9 }, (_, i) => flaggedPage('hate', { url: `https://ok.example/${i}`, text: `propos ${i}` }));
    const outcomes = await Promise.allSettled([
      ...good.slice(0, 4).map(({ page, observations }) => index.indexPage(page, observations)),
      index.indexPage(poison, []),
      ...good.slice(4).map(({ page, observations }) => index.indexPage(page, observations)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([...Array(4).fill('fulfilled'), 'rejected', ...Array(5).fill('fulfilled')]);
    const rejected = outcomes[4] as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'index-write-failed' });
    expect(String(rejected.reason.message)).toMatch(/poisoned page/);
    expect(index.commitStats.batches).toBe(1);
    await index.close();
    const reopened = await open();
    expect(await reopened.countPages()).toBe(9);
    expect(await reopened.getPage(poison.id)).toBeNull();
    expect(await reopened.listAlerts({})).toHaveLength(9);
  });

  it('rejects an invalid page without disturbing the pages written with it', async () => {
    const index = await open({ groupCommitWindowMs: 20 });
    const good = makePage({ url: 'https://fine.example/' });
    const bad = { ...makePage({ url: 'https://bad.example/' }), depth: 10n } as unknown as ReturnType<typeof makePage>;
    const [ok, ko] = await Promise.allSettled([index.indexPage(good, []), index.indexPage(bad, [])]);
    expect(ok.status).toBe('fulfilled');
    expect(ko).toMatchObject({ status: 'rejected', reason: { code: 'index-invalid-document' } });
    expect(await index.getPage(good.id)).toEqual(good);
  });

  it('shares one file between several processes writing at once', async () => {
    const script = path.join(dataDir, 'writer.mts');
    await writeFile(
      script,
      `import { EmbeddedIndex } from ${JSON.stringify(path.join(ROOT, 'indexer/index.ts'))};
import { flaggedPage } from ${JSON.stringify(path.join(ROOT, 'test/contract/index-fixtures.ts'))};
const [dataDir, worker] = process.argv.slice(2);
const index = new EmbeddedIndex({ dataDir });
await index.init();
const writes = Array.from({ length: 150 }, (_, i) =>
  flaggedPage('fraud', { url: 'https://w' + worker + '.example/' + i, text: i % 3 === 0 ? 'texte partagé par tous' : 'texte ' + worker + ' ' + i }));
for (let i = 0; i < writes.length; i += 10) {
  await Promise.all(writes.slice(i, i + 10).map(({ page, observations }) => index.indexPage(page, observations)));
}
await index.close();
`,
    );
    const workers = ['a', 'b', 'c'].map((worker) =>
      run(process.execPath, ['--import', 'tsx', script, dataDir, worker], { cwd: ROOT, timeout: 50_000 }),
    );
    await Promise.all(workers);
    const index = await open();
    expect(await index.countPages()).toBe(450);
    const shared = flaggedPage('fraud', { url: 'https://wa.example/0', text: 'texte partagé par tous' });
    expect((await index.getAlert(shared.observations[0]!.id))!.pageCount).toBe(150);
  });

  it('keeps the full-text index consistent with the pages through updates', async () => {
    const index = await open();
    const page = makePage({ text: 'Texte du premier passage, sans ligature.' });
    await index.indexPage(page, []);
    await index.indexPage({ ...page, title: 'Titre corrigé', fetchedAt: '2024-06-01T00:00:00.000Z' }, []);
    const side = new Database(index.filePath);
    try {
      expect(() => side.exec("INSERT INTO pages_fts (pages_fts, rank) VALUES ('integrity-check', 1)")).not.toThrow();
    } finally {
      side.close();
    }
    expect((await index.search({ text: 'corrigé' })).total).toBe(1);
    expect((await index.search({ text: 'Forum' })).total).toBe(0);
  });

  it('keeps the decision history append-only even against direct SQL', async () => {
    const index = await open();
    const { page, observations } = flaggedPage('hate');
    await index.indexPage(page, observations);
    await index.decideAlert(observations[0]!.id, { status: 'confirmed', actor: 'a', at: '2024-05-02T00:00:00Z' });
    await index.close();
    const db = new Database(path.join(dataDir, 'index.sqlite'));
    try {
      expect(() => db.prepare("UPDATE alert_decisions SET actor = 'x'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM alert_decisions').run()).toThrow(/append-only/);
      expect(db.prepare('SELECT count(*) AS n FROM alert_decisions').get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });

  it('migrates a version 1 file: existing alerts keep their score as calibrated score', async () => {
    const index = await open();
    const { page, observations } = flaggedPage('drugs', { score: 0.66 });
    await index.indexPage(page, observations);
    await index.close();
    // Take the file back to version 1 as an earlier Vigie left it.
    const db = new Database(path.join(dataDir, 'index.sqlite'));
    db.exec(`DROP INDEX alerts_open_rank; DROP INDEX alerts_content_rank; DROP INDEX alerts_category_status_rank; DROP INDEX alerts_assignee_rank;
      DROP INDEX alerts_first_seen;
      ALTER TABLE alerts DROP COLUMN assignee; ALTER TABLE alerts DROP COLUMN first_decided_at;
      DROP TABLE alert_decisions; DROP TABLE rule_factors; DROP INDEX alerts_calibrated_rank; DROP INDEX alerts_status_calibrated_rank;
      ALTER TABLE alerts DROP COLUMN calibrated_score; ALTER TABLE alerts DROP COLUMN rule_weights_json; ALTER TABLE alerts DROP COLUMN decision_json;
      UPDATE meta SET value = '1' WHERE key = 'schema_version'; DROP INDEX IF EXISTS pages_facts;`);
    db.close();
    const reopened = await open();
    expect(await reopened.getAlert(observations[0]!.id)).toMatchObject({ score: 0.66, calibratedScore: 0.66, ruleWeights: {} });
    expect(await reopened.decideAlert(observations[0]!.id, { status: 'confirmed', actor: 'a', at: '2024-05-02T00:00:00Z' })).toMatchObject({ status: 'confirmed' });
  });

  it('migrates a version 2 file: decided alerts get their first decision time from the history', async () => {
    const index = await open();
    const { page, observations } = flaggedPage('drugs');
    await index.indexPage(page, observations);
    const id = observations[0]!.id;
    await index.decideAlert(id, { status: 'assigned', assignee: 'a', actor: 'a', at: '2024-05-02T00:00:00.000Z' });
    await index.decideAlert(id, { status: 'dismissed', reason: 'duplicate', actor: 'a', at: '2024-05-03T00:00:00.000Z' });
    await index.decideAlert(id, { status: 'confirmed', actor: 'a', at: '2024-05-04T00:00:00.000Z' });
    await index.close();
    // Take the file back to version 2 (issue 4's schema): no V3 columns and indexes, no later index.
    const db = new Database(path.join(dataDir, 'index.sqlite'));
    db.exec(`DROP INDEX alerts_open_rank; DROP INDEX alerts_content_rank; DROP INDEX alerts_category_status_rank; DROP INDEX alerts_assignee_rank;
      DROP INDEX alerts_first_seen;
      ALTER TABLE alerts DROP COLUMN assignee; ALTER TABLE alerts DROP COLUMN first_decided_at; ALTER TABLE alert_decisions DROP COLUMN assignee;
      UPDATE meta SET value = '2' WHERE key = 'schema_version'; DROP INDEX IF EXISTS pages_facts;`);
    db.close();
    const reopened = await open();
    expect(await reopened.getAlert(id)).toMatchObject({ status: 'confirmed', firstDecidedAt: '2024-05-03T00:00:00.000Z' });
    expect((await reopened.alertHistory(id)).map((h) => h.assignee)).toEqual([undefined, undefined, undefined]);
    expect(await reopened.countAlerts({ statuses: ['confirmed'] })).toBe(1);
  });

  it('refuses a file written by a newer schema version', async () => {
    const first = await open();
    await first.close();
    const db = new Database(path.join(dataDir, 'index.sqlite'));
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(SCHEMA_VERSION + 1));
    db.close();
    await expect(new EmbeddedIndex({ dataDir }).init()).rejects.toMatchObject({ code: 'index-schema-too-new' });
  });

  it('shows the original letters in snippets when the query was folded', async () => {
    const index = await open();
    await index.indexPage(makePage({ text: 'Une grande œuvre, signée par Straße et Søren.' }), []);
    const { hits } = await index.search({ text: 'oeuvre strasse soren' });
    expect(hits).toHaveLength(1);
    expect(hits[0]!.snippet).toContain('œuvre');
    expect(hits[0]!.snippet).toContain('Søren');
  });

  it('refuses use before init and after close', async () => {
    const fresh = new EmbeddedIndex({ dataDir });
    await expect(fresh.search({})).rejects.toMatchObject({ code: 'index-not-initialised' });
    await fresh.init();
    await fresh.close();
    await expect(fresh.indexPage(makePage(), [])).rejects.toMatchObject({ code: 'index-closed' });
  });
});

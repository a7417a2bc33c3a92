// A list imported after a crawl: the media hashes recorded on indexed pages are matched against
// it, alerts are raised as a crawl would have, a second run changes nothing, a dry run changes
// nothing, and a stored screenshot of a page that now matches a child-abuse list is reported.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../../config/index.ts';
import { loadRuleSet } from '../../extractors/rules/index.ts';
import { createIndex } from '../../indexer/index.ts';
import type { PageDocument, SearchIndex } from '../../indexer/types.ts';
import { HashLists } from '../../workers/hash-lists.ts';
import { retrohuntPageMedia, type MediaRetrohuntDeps } from '../../workers/page-media.ts';
import { alertObservations } from '../../workers/page-processor.ts';
import { makePage } from '../contract/index-fixtures.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../helpers/redis.ts';

const SHA_FLAGGED = 'a1'.repeat(32);
const SHA_OTHER = 'b2'.repeat(32);
const SCREENSHOT = 'c3'.repeat(32);

let redis: Redis;
let prefix: string;
let dataDir: string;
let index: SearchIndex;
let lists: HashLists;
let deps: MediaRetrohuntDeps;

function pageWith(url: string, sha256: string, phash: string, screenshot: boolean): PageDocument {
  return {
    ...makePage({ url, text: `Galerie ${url}` }),
    media: [{ url: `${url}/photo.jpg`, kind: 'image', sha256, md5: sha256.slice(0, 32), phash, bytes: 1234, mediaType: 'image/jpeg' }],
    evidence: {
      manifestSha256: 'd4'.repeat(32),
      artifacts: screenshot ? [{ role: 'screenshot', sha256: SCREENSHOT, bytes: 10, mediaType: 'image/png' }] : [],
    },
  };
}

beforeEach(async () => {
  redis = testRedis();
  prefix = uniquePrefix('retrohunt');
  dataDir = mkdtempSync(join(tmpdir(), 'vigie-media-retro-'));
  index = createIndex({ dataDir });
  await index.init();
  lists = new HashLists(redis, prefix);
  deps = {
    index,
    hashLists: lists,
    ruleSet: loadRuleSet(loadSettings({}, { dataDir }).rulesDir),
    targetFor: async () => ({ sensitivity: 'medium', categories: [] }),
    observe: alertObservations,
  };
  await index.indexPage(pageWith('https://forum.example/t/1', SHA_FLAGGED, '0123456789abcdef', true), []);
  await index.indexPage(pageWith('https://forum.example/t/2', SHA_OTHER, 'fedcba9876543210', false), []);
  await index.indexPage(makePage({ url: 'https://forum.example/t/3', text: 'Sans images' }), []);
});

afterEach(async () => {
  await index.close();
  await deletePrefix(redis, prefix);
  await redis.quit();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('retrohuntPageMedia', () => {
  it('raises alerts for pages whose recorded media match a list imported after the crawl, once', async () => {
    await lists.ensure('late-list', 'child-abuse');
    await lists.add('late-list', [{ hash: SHA_FLAGGED, kind: 'sha256', line: 1 }]);
    await lists.ensure('late-phash', 'terrorism');
    await lists.add('late-phash', [{ hash: 'fedcba9876543211', kind: 'phash', line: 1 }]);

    const dry = await retrohuntPageMedia(deps, { dryRun: true });
    expect(dry).toMatchObject({ pagesScanned: 3, pagesWithMedia: 2, pagesMatched: 2, alertsCreated: 0, dryRun: true });
    expect(await index.listAlerts({})).toEqual([]);

    const first = await retrohuntPageMedia(deps);
    expect(first).toMatchObject({ pagesMatched: 2, alertsCreated: 2 });
    expect(first.screenshotsToReview).toEqual([{ pageId: expect.any(String), url: 'https://forum.example/t/1', screenshotSha256: SCREENSHOT }]);
    const alerts = await index.listAlerts({});
    expect(alerts.map((a) => [a.category, a.ruleIds, a.urls]).sort()).toEqual([
      ['child-abuse', ['hashlist.late-list'], ['https://forum.example/t/1']],
      ['terrorism', ['hashlist.late-phash'], ['https://forum.example/t/2']],
    ]);
    const page = (await index.scanPages({ limit: 10 })).pages.find((p) => p.url === 'https://forum.example/t/2')!;
    expect(page.flags[0]!.rules[0]!.details).toMatchObject({ hashKind: 'phash', distance: '1', mediaUrl: 'https://forum.example/t/2/photo.jpg' });

    const second = await retrohuntPageMedia(deps);
    expect(second).toMatchObject({ pagesMatched: 0, alertsCreated: 0, alertsUpdated: 0 });
  });

  it('hunts one list only when asked, and leaves pages alone when nothing matches', async () => {
    await lists.ensure('a', 'child-abuse');
    await lists.add('a', [{ hash: SHA_FLAGGED, kind: 'sha256', line: 1 }]);
    await lists.ensure('b', 'hacking');
    await lists.add('b', [{ hash: SHA_OTHER, kind: 'sha256', line: 1 }]);
    const onlyB = await retrohuntPageMedia(deps, { list: 'b' });
    expect(onlyB.matches.map((m) => [m.url, m.lists])).toEqual([['https://forum.example/t/2', ['b']]]);
    expect((await index.listAlerts({})).map((a) => a.category)).toEqual(['hacking']);

    await lists.remove('a');
    await lists.remove('b');
    expect(await retrohuntPageMedia(deps, { list: 'a' })).toMatchObject({ pagesMatched: 0 });
  });
});

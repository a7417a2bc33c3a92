// The Elasticsearch index against a real cluster: the shared contract, run only when
// ELASTICSEARCH_URL is set (docker-compose.yml starts one). Each test gets its own index prefix,
// deleted afterwards. Writes use refresh: true so the suite reads its own writes at once.
import { randomBytes } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIndex } from '../../indexer/index.ts';
import { indexNames } from '../../indexer/elasticsearch/index.ts';
import { runIndexContract } from '../contract/index-contract.ts';

const url = process.env.ELASTICSEARCH_URL;

if (url === undefined || url === '') {
  console.log('elasticsearch-index.test.ts: skipped, ELASTICSEARCH_URL is not set (e.g. ELASTICSEARCH_URL=http://127.0.0.1:9200 after docker compose up)');
  describe.skip('SearchIndex contract: elasticsearch (ELASTICSEARCH_URL not set)', () => {
    it('needs a cluster', () => {});
  });
} else {
  const runPrefix = `vigie-test-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const admin = new Client({ node: url });
  let testNumber = 0;
  let prefix = '';

  beforeEach(() => {
    testNumber += 1;
    prefix = `${runPrefix}-${testNumber}`;
  });

  afterEach(async () => {
    const names = indexNames(prefix);
    // Explicit names: wildcard deletes are refused by default (action.destructive_requires_name).
    await admin.indices.delete({ index: [names.pages, names.alerts], ignore_unavailable: true });
  });

  afterAll(async () => {
    await admin.close();
  });

  runIndexContract('elasticsearch', async () =>
    createIndex({ dataDir: '/nonexistent', elasticsearchUrl: url, elasticsearchPrefix: prefix, elasticsearchRefresh: true }),
  );

  describe('elasticsearch index specifics', () => {
    it('creates both indices with their mappings, and init is idempotent', async () => {
      const index = createIndex({ dataDir: '/nonexistent', elasticsearchUrl: url, elasticsearchPrefix: prefix });
      try {
        await index.init();
        await index.init();
        const names = indexNames(prefix);
        const mapping = await admin.indices.getMapping({ index: names.pages });
        expect(mapping[names.pages]?.mappings.properties?.entityKeys).toMatchObject({ type: 'keyword' });
        expect(await admin.indices.exists({ index: names.alerts })).toBe(true);
      } finally {
        await index.close();
      }
    });
  });
}

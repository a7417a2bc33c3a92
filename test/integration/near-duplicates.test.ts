import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { ConfigError } from '../../config/index.ts';
import { simhash64, type Simhash } from '../../crawler/simhash.ts';
import { contentHashOf } from '../../indexer/ids.ts';
import { NearDuplicates } from '../../workers/near-duplicates.ts';
import { redisKeys } from '../../workers/redis-keys.ts';
import { deletePrefix, testRedis, uniquePrefix } from '../helpers/redis.ts';

let redis: Redis;
let prefix: string;

beforeEach(() => {
  redis = testRedis();
  prefix = uniquePrefix('near-dup');
});
afterEach(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

/** `base` with the given bit positions (0 = lowest bit of `lo`, 63 = highest of `hi`) flipped. */
function flip(base: Simhash, ...bits: number[]): Simhash {
  let { hi, lo } = base;
  for (const bit of bits) {
    if (bit >= 32) hi = (hi ^ (1 << (bit - 32))) >>> 0;
    else lo = (lo ^ (1 << bit)) >>> 0;
  }
  return { hi, lo };
}

const BASE: Simhash = { hi: 0x9e3779b9, lo: 0x7f4a7c15 };

const ARTICLE = `The regional court of Rennes sentenced a former bank employee to three years in prison on Monday
for selling customer data to a fraud network operating from abroad. According to the ruling, the employee copied the
names, addresses and account balances of several thousand clients over eighteen months, and received payments in
cryptocurrency through an intermediary he had met on a gaming forum. Prosecutors said that the data was later used in
telephone scams in which fraudsters posed as bank advisers and persuaded elderly customers to transfer their savings to
so-called safe accounts. More than two hundred victims have been identified so far, and the total loss is estimated at
four million euros. The defence argued that the accused had been manipulated and threatened, and that he had tried to
stop several times. The judges were not convinced, noting that the transfers continued until the day of his arrest.
The bank, which was a civil party to the case, said it had since reinforced its internal controls and restricted the
number of employees allowed to export customer files. Consumer associations welcomed the verdict but called for
stronger obligations on banks to reimburse victims of such scams, which they say are increasing every year. Police
officers in charge of the investigation explained that the network had recruited insiders in at least two other
financial institutions, and that further arrests were expected in the coming months as the analysis of seized phones
continues. The convicted man has ten days to appeal the decision.`;

const OTHER_ARTICLE = `Hundreds of volunteers spent the weekend cleaning the beaches of the Crozon peninsula after a winter of
storms left plastic waste, fishing nets and driftwood scattered along the shore. Organisers from a local environmental
association said they had collected more than six tonnes of rubbish in two days, including a surprising number of
plastic bottles from other countries carried by currents across the Atlantic. Children from nearby schools joined the
effort and recorded each item in a database kept by marine researchers, who use the counts to track where pollution
comes from. The mayor thanked the volunteers and announced that the town would install new bins near the car parks and
organise regular collections during the summer season. Fishermen in the harbour said that lost nets remain a serious
danger for seabirds and seals, and called for a national scheme to buy back old equipment. Scientists pointed out that
microplastics are now found in almost every sample of sand they analyse, even on remote beaches. The association plans
another clean-up in the autumn and hopes to double the number of participants by working with sailing clubs and
campsites. Visitors were reminded that dunes are fragile and that walking outside marked paths damages plants whose
roots hold the sand in place. Several restaurants offered free meals to the volunteers at the end of the second day.`;

describe('NearDuplicates (real Redis)', () => {
  it('maps a near-identical fingerprint to the first content indexed, within 3 bits', async () => {
    const index = new NearDuplicates(redis, redisKeys(prefix));
    expect(await index.findOrAdd(BASE, 'hash-a')).toBeNull();
    // Canonical content seen again (a recrawl, another URL) is its own canonical.
    expect(await index.findOrAdd(BASE, 'hash-a')).toBeNull();
    expect(await index.findOrAdd(flip(BASE, 1, 40, 63), 'hash-b')).toEqual({ canonicalContentHash: 'hash-a', distance: 3 });
    // 3 flips in one band: the other three bands still lead to it.
    expect(await index.findOrAdd(flip(BASE, 0, 1, 2), 'hash-c')).toEqual({ canonicalContentHash: 'hash-a', distance: 3 });
    // Near-duplicates are not indexed themselves: asking again gives the same answer.
    expect(await index.findOrAdd(flip(BASE, 1, 40, 63), 'hash-b')).toEqual({ canonicalContentHash: 'hash-a', distance: 3 });
  });

  it('refuses fingerprints beyond the distance, whether they share a band or not', async () => {
    const index = new NearDuplicates(redis, redisKeys(prefix));
    expect(await index.findOrAdd(BASE, 'hash-a')).toBeNull();
    // 4 bits in one band (three bands shared): found as a candidate, refused on distance.
    expect(await index.findOrAdd(flip(BASE, 0, 1, 2, 3), 'hash-d')).toBeNull();
    // 4 bits, one per band: no band shared.
    expect(await index.findOrAdd(flip(BASE, 5, 21, 37, 53), 'hash-e')).toBeNull();
    // Both became canonicals of their own.
    expect(await index.findOrAdd(flip(BASE, 0, 1, 2, 3, 4), 'hash-f')).toEqual({ canonicalContentHash: 'hash-d', distance: 1 });
  });

  it('honours a configured distance', async () => {
    const strict = new NearDuplicates(redis, redisKeys(prefix), { maxDistance: 1 });
    expect(await strict.findOrAdd(BASE, 'hash-a')).toBeNull();
    expect(await strict.findOrAdd(flip(BASE, 9), 'hash-b')).toEqual({ canonicalContentHash: 'hash-a', distance: 1 });
    expect(await strict.findOrAdd(flip(BASE, 9, 10), 'hash-c')).toBeNull();
  });

  it('prefers the closest candidate', async () => {
    const index = new NearDuplicates(redis, redisKeys(prefix));
    expect(await index.findOrAdd(BASE, 'far')).toBeNull();
    expect(await index.findOrAdd(flip(BASE, 10, 11, 12, 13, 14), 'near')).toBeNull();
    expect(await index.findOrAdd(flip(BASE, 10, 11, 12, 13), 'probe')).toEqual({ canonicalContentHash: 'near', distance: 1 });
  });

  it('ends with one canonical when many workers add near-identical content at once', async () => {
    const clients = Array.from({ length: 12 }, () => testRedis());
    try {
      // Each fingerprint is one bit off BASE, so any two are 2 bits apart.
      const results = await Promise.all(clients.map((client, i) =>
        new NearDuplicates(client, redisKeys(prefix)).findOrAdd(flip(BASE, i * 5), `hash-${i}`)));
      const canonicals = results.filter((result) => result === null);
      expect(canonicals).toHaveLength(1);
      const winner = `hash-${results.indexOf(null)}`;
      for (const result of results) if (result) expect(result.canonicalContentHash).toBe(winner);
    } finally {
      await Promise.all(clients.map((client) => client.quit()));
    }
  });

  it('maps a mirrored article to the original across sites, and keeps another article apart', async () => {
    const index = new NearDuplicates(redis, redisKeys(prefix));
    const original = ARTICLE;
    const mirror = `Source: Ouest Info, 14 March 2024\n\n${ARTICLE.replace(/\s+/g, ' ')}\n\nShare on social networks`;
    const fingerprint = (text: string) => {
      const hash = simhash64(text);
      if (!hash) throw new Error('too short');
      return hash;
    };
    expect(await index.findOrAdd(fingerprint(original), contentHashOf(original))).toBeNull();
    const match = await index.findOrAdd(fingerprint(mirror), contentHashOf(mirror));
    expect(match?.canonicalContentHash).toBe(contentHashOf(original));
    expect(await index.findOrAdd(fingerprint(OTHER_ARTICLE), contentHashOf(OTHER_ARTICLE))).toBeNull();
  });

  it('stays bounded: each band keeps its newest entries, and entries expire', async () => {
    const keys = redisKeys(prefix);
    const index = new NearDuplicates(redis, keys, { maxPerBand: 2, ttlSecs: 60 });
    // Three fingerprints sharing their last band (the low 16 bits) but far apart elsewhere.
    const shared = [0x0000, 0xffff, 0x5555].map((upper, i) => ({ hi: (upper * 0x10001) >>> 0, lo: ((0x00ff ^ (i * 0x1111)) << 16 | 0xbeef) >>> 0 }));
    for (const [i, hash] of shared.entries()) expect(await index.findOrAdd(hash, `h${i}`)).toBeNull();
    const sharedBand = keys.nearDuplicateBand(3, 'beef');
    expect(await redis.zcard(sharedBand)).toBe(2);
    expect(await redis.zrange(sharedBand, 0, -1)).not.toContainEqual(expect.stringMatching(/h0$/));
    const ttl = await redis.ttl(sharedBand);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('forgets entries older than the TTL even before Redis expires their band', async () => {
    const index = new NearDuplicates(redis, redisKeys(prefix), { ttlSecs: 1 });
    expect(await index.findOrAdd(BASE, 'old')).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await index.findOrAdd(flip(BASE, 3), 'new')).toBeNull();
  });

  it('refuses invalid options', () => {
    expect(() => new NearDuplicates(redis, redisKeys(prefix), { maxDistance: -1 })).toThrow(ConfigError);
    expect(() => new NearDuplicates(redis, redisKeys(prefix), { maxPerBand: 0 })).toThrow(ConfigError);
  });
});

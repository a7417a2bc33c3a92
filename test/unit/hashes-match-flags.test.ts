// Hash-list matches as flags, and flags of several detectors merged per category.
import { describe, expect, it } from 'vitest';
import { hashMatchFlags, hashMatchWeight, type HashMatch } from '../../extractors/hashes/index.ts';
import { mergeFlags } from '../../extractors/merge-flags.ts';
import type { Flag } from '../../extractors/types.ts';

const SHA = 'ab'.repeat(32);
const match = (over: Partial<HashMatch>): HashMatch => ({ item: 0, list: 'l', category: 'child-abuse', kind: 'sha256', hash: SHA, listHash: SHA, distance: 0, meta: {}, ...over });

describe('hashMatchFlags', () => {
  it('makes one explained hit per list and media item, the strongest of its hash kinds', () => {
    const flags = hashMatchFlags([
      match({ kind: 'phash', hash: '00000000000000ff', listHash: '0000000000000000', distance: 8, meta: { source: 'partner', comment: 'c' } }),
      match({ kind: 'md5', hash: 'cd'.repeat(16), listHash: 'cd'.repeat(16) }),
      match({ item: 1, list: 'other', category: 'terrorism', kind: 'phash', hash: '0000000000000001', listHash: '0000000000000000', distance: 1 }),
    ], ['https://s.example/a.jpg', 'https://s.example/b.png']);
    expect(flags.map((f) => [f.category, f.score])).toEqual([['child-abuse', 1], ['terrorism', 0.992]]);
    expect(flags[0]!.rules).toEqual([{ ruleId: 'hashlist.l', weight: 1, terms: [], details: { mediaUrl: 'https://s.example/a.jpg', hashKind: 'md5', hash: 'cd'.repeat(16) } }]);
    expect(flags[1]!.rules[0]!.details).toEqual({ mediaUrl: 'https://s.example/b.png', hashKind: 'phash', hash: '0000000000000001', listHash: '0000000000000000', distance: '1' });
    expect(flags[0]!.tags.length).toBeGreaterThan(0);
  });

  it('weighs perceptual matches by distance, always above the strictest sensitivity (0.8)', () => {
    expect(hashMatchWeight({ kind: 'sha256', distance: 0 })).toBe(1);
    expect(hashMatchWeight({ kind: 'phash', distance: 0 })).toBe(1);
    expect(hashMatchWeight({ kind: 'phash', distance: 12 })).toBeGreaterThan(0.9);
    expect(hashMatchWeight({ kind: 'phash', distance: 12 })).toBeLessThan(hashMatchWeight({ kind: 'phash', distance: 2 }));
  });

  it('gives nothing for no match', () => {
    expect(hashMatchFlags([], [])).toEqual([]);
  });
});

describe('mergeFlags', () => {
  const flag = (category: Flag['category'], score: number, ruleId: string, weight = score): Flag => ({ category, score, tags: [`t:${category}`], rules: [{ ruleId, weight, terms: [] }] });

  it('merges flags of one category by noisy-OR, keeps the others, sorts by score', () => {
    const merged = mergeFlags([flag('fraud', 0.5, 'rules.a'), flag('drugs', 0.7, 'rules.b')], [flag('fraud', 0.6, 'phishing.x')], []);
    expect(merged.map((f) => [f.category, f.score])).toEqual([['fraud', 0.8], ['drugs', 0.7]]);
    expect(merged[0]!.rules.map((r) => r.ruleId)).toEqual(['phishing.x', 'rules.a']);
    expect(merged[0]!.tags).toEqual(['t:fraud']);
  });

  it('does not change its inputs and is order-independent', () => {
    const a = [flag('hate', 0.4, 'x')];
    const b = [flag('hate', 0.3, 'y')];
    const before = JSON.stringify([a, b]);
    expect(mergeFlags(a, b)[0]!.score).toBe(mergeFlags(b, a)[0]!.score);
    expect(JSON.stringify([a, b])).toBe(before);
  });
});

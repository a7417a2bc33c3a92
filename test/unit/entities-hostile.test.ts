// Hostile and degenerate inputs must finish quickly (no catastrophic regex backtracking, no
// quadratic walks) and return something sensible. The bounds are generous on purpose: this is a
// guard against blow-ups, not a benchmark (bench/entities-bench.ts measures speed).
import { describe, expect, it } from 'vitest';
import { extractEntities } from '../../extractors/entities/index.ts';
import type { Entity } from '../../extractors/types.ts';

const MB = 1_000_000;
const BOUND_MS = 2000;

function timed(text: string): { entities: Entity[]; ms: number } {
  const t0 = performance.now();
  const entities = extractEntities(text);
  return { entities, ms: performance.now() - t0 };
}

describe('hostile inputs finish quickly', () => {
  it.each([
    ['1 MB of digits', '7'.repeat(MB)],
    ['200k "@"', '@'.repeat(200_000)],
    ['a 100k-character word', 'a'.repeat(100_000)],
    ['a 1 MB base58 word', `1${'A'.repeat(MB)}`],
    ['500k spaced digits', '1 '.repeat(MB / 2)],
    ['a run of two-digit groups', '06 '.repeat(MB / 3)],
    ['a dotted run of letters', 'a.'.repeat(MB / 2)],
    ['a dotted run of digits', '1.'.repeat(MB / 2)],
    ['1 MB of colons', ':'.repeat(MB)],
    ['hex and colons', 'a:'.repeat(MB / 2)],
    ['a 1 MB URL', `http://${'a'.repeat(MB)}`],
    ['a URL of closing brackets', `http://x.fr/${')'.repeat(MB)}`],
    ['"+" before short numbers', '+1 '.repeat(MB / 3)],
    ['"00" prefixes', '00 33 '.repeat(MB / 6)],
    ['"0x" prefixes', '0x'.repeat(MB / 2)],
    ['".onion" suffixes', '.onion'.repeat(MB / 6)],
    ['IBAN heads', 'FR76 '.repeat(MB / 5)],
    ['"www." prefixes', 'www.'.repeat(MB / 4)],
    ['a 1 MB local part', `${'a'.repeat(MB)}@x.fr`],
    ['card-sized groups', '4111 '.repeat(MB / 5)],
  ])('%s: no entity', (_name, text) => {
    const { entities, ms } = timed(text);
    expect(ms).toBeLessThan(BOUND_MS);
    expect(entities).toEqual([]);
  });

  it('t.me prefixes: only the leading "t.me" as a domain', () => {
    const { entities, ms } = timed('t.me/'.repeat(MB / 5));
    expect(ms).toBeLessThan(BOUND_MS);
    expect(entities).toEqual([{ type: 'domain', value: 't.me', start: 0, end: 4, details: { tld: 'me' } }]);
  });

  it('many plausible international numbers: bounded work, no false positive', () => {
    const { entities, ms } = timed('+12345678 '.repeat(MB / 10));
    expect(ms).toBeLessThan(BOUND_MS);
    expect(entities).toEqual([]);
  });

  it('100k e-mails: all found', () => {
    const { entities, ms } = timed('a@b.fr '.repeat(100_000));
    expect(ms).toBeLessThan(BOUND_MS);
    expect(entities).toHaveLength(100_000);
    expect(entities.every((e) => e.type === 'email' && e.value === 'a@b.fr')).toBe(true);
  });

  it('handles packed with cues: all found as telegram', () => {
    const { entities, ms } = timed('tg @abcdef '.repeat(50_000));
    expect(ms).toBeLessThan(BOUND_MS);
    expect(entities).toHaveLength(50_000);
    expect(new Set(entities.map((e) => `${e.type}:${e.value}`))).toEqual(new Set(['telegram:abcdef']));
  });
});

import { describe, expect, it } from 'vitest';
import { alertId, contentHashOf, pageId } from '../../indexer/ids.ts';
import { ftsMatchExpression, foldForFts } from '../../indexer/embedded/fts-text.ts';
import { hostSuffixes, normaliseDomain, reversedHost } from '../../indexer/page-fields.ts';
import { parseSearchText, resolvePaging } from '../../indexer/search-input.ts';

const HASH = 'a'.repeat(64);

describe('pageId and alertId', () => {
  it('are 32 hex characters and deterministic', () => {
    expect(pageId('https://example.org/', HASH)).toMatch(/^[0-9a-f]{32}$/);
    expect(pageId('https://example.org/', HASH)).toBe(pageId('https://example.org/', HASH));
    expect(alertId(HASH, 'drugs')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('change with either part', () => {
    const base = pageId('https://example.org/a', HASH);
    expect(pageId('https://example.org/b', HASH)).not.toBe(base);
    expect(pageId('https://example.org/a', 'b'.repeat(64))).not.toBe(base);
    expect(alertId(HASH, 'drugs')).not.toBe(alertId(HASH, 'fraud'));
  });

  it('cannot be forged by moving characters across the boundary between parts', () => {
    expect(pageId('ab', 'c')).not.toBe(pageId('a', 'bc'));
    expect(pageId('a|b', 'c')).not.toBe(pageId('a', 'b|c'));
    expect(pageId('a\u0000b', 'c')).not.toBe(pageId('a', 'b\u0000c'));
    expect(alertId('x:', 'y')).not.toBe(alertId('x', ':y'));
  });

  it('keeps page ids and alert ids apart for the same inputs', () => {
    expect(pageId(HASH, 'drugs')).not.toBe(alertId(HASH, 'drugs'));
  });
});

describe('contentHashOf', () => {
  it('is the SHA-256 of the collapsed, trimmed text', () => {
    // sha256("a b") computed independently.
    expect(contentHashOf('  a \n\t b  ')).toBe('c8687a08aa5d6ed2044328fa6a697ab8e96dc34291e8c2034ae8c38e6fcc6d65');
  });

  it('ignores spacing differences but not word differences', () => {
    const hash = contentHashOf('Vente de cocaïne\n\npaiement en bitcoin');
    expect(contentHashOf('  Vente de   cocaïne paiement\u00a0en bitcoin ')).toBe(hash);
    expect(contentHashOf('Vente de cocaine paiement en bitcoin')).not.toBe(hash);
  });

  it('treats composed and decomposed accents alike', () => {
    expect(contentHashOf('cocai\u0308ne')).toBe(contentHashOf('cocaïne'));
  });
});

describe('parseSearchText', () => {
  it('splits words and keeps quoted phrases', () => {
    expect(parseSearchText('vente  "livraison rapide" cocaïne')).toEqual(['vente', 'livraison rapide', 'cocaïne']);
  });

  it('treats operators and punctuation as plain characters and drops pieces with no letter or digit', () => {
    expect(parseSearchText('a AND b OR NOT c')).toEqual(['a', 'AND', 'b', 'OR', 'NOT', 'c']);
    expect(parseSearchText('* ( ) " "" : ^ -')).toEqual([]);
    expect(parseSearchText('title:x NEAR(a b)')).toEqual(['title:x', 'NEAR(a', 'b)']);
  });

  it('runs an unbalanced quote to the end of the text', () => {
    expect(parseSearchText('vente "livraison rapide')).toEqual(['vente', 'livraison rapide']);
  });

  it('bounds the number of pieces', () => {
    expect(parseSearchText(Array.from({ length: 100 }, (_, i) => `w${i}`).join(' '))).toHaveLength(32);
  });
});

describe('ftsMatchExpression', () => {
  it('quotes every piece, doubling inner quotes, and folds ligatures', () => {
    expect(ftsMatchExpression(['cœur', 'NEAR(a', 'x"y'])).toBe('"coeur" "NEAR(a" "x""y"');
  });

  it('folds letters to letters one for one in token count', () => {
    expect(foldForFts('Œuvre Straße Søren ﬁn')).toBe('OEuvre Strasse Soren fin');
  });
});

describe('paging and domains', () => {
  it('defaults, clamps and floors limit and offset', () => {
    expect(resolvePaging(undefined, undefined)).toEqual({ limit: 20, offset: 0 });
    expect(resolvePaging(5000, -3)).toEqual({ limit: 1000, offset: 0 });
    expect(resolvePaging(7.9, 2.5)).toEqual({ limit: 7, offset: 2 });
    expect(resolvePaging(Number.NaN, Number.POSITIVE_INFINITY)).toEqual({ limit: 20, offset: 0 });
  });

  it('normalises user domains to stored host form', () => {
    expect(normaliseDomain(' Example.ORG. ')).toBe('example.org');
    expect(normaliseDomain('.example.org')).toBe('example.org');
    expect(normaliseDomain('https://Forum.Example.org/path?q=1')).toBe('forum.example.org');
    expect(normaliseDomain('exämple.org')).toBe('xn--exmple-cua.org');
    expect(normaliseDomain('   ')).toBeNull();
  });

  it('derives host suffixes and reversed hosts', () => {
    expect(hostSuffixes('a.b.example.org')).toEqual(['a.b.example.org', 'b.example.org', 'example.org', 'org']);
    expect(reversedHost('forum.example.org')).toBe('org.example.forum');
  });
});

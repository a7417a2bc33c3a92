// The query language parser: what each construct becomes, what stays plain text (backward
// compatibility), what is refused with a position, and the bounds hostile input meets.
import { describe, expect, it } from 'vitest';
import {
  MAX_QUERY_CHARS,
  MAX_QUERY_DEPTH,
  MAX_QUERY_TERMS,
  parseSearchQuery,
  searchTokens,
  SearchSyntaxError,
} from '../../indexer/search-syntax.ts';
import type { SearchNode } from '../../indexer/search-syntax.ts';
import { buildSearchSql, ftsExpression } from '../../indexer/embedded/search-sql.ts';
import { resolveSearch } from '../../indexer/search-input.ts';

/** A compact rendering of the AST, to state expectations readably. */
function show(node: SearchNode | null): string {
  if (node === null) return '∅';
  switch (node.kind) {
    case 'term':
      return `${node.field === 'any' ? '' : `${node.field}:`}[${node.tokens.join(' ')}]${node.prefix ? '*' : ''}`;
    case 'url':
      return `url<${node.value}>`;
    case 'filter':
      return `${node.field}=${node.value}`;
    case 'not':
      return `-${show(node.child)}`;
    default:
      return `(${node.children.map(show).join(node.kind === 'and' ? ' & ' : ' | ')})`;
  }
}
const parse = (text: string) => show(parseSearchQuery(text));

function syntaxError(text: string): SearchSyntaxError {
  try {
    parseSearchQuery(text);
  } catch (error) {
    if (error instanceof SearchSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected a SearchSyntaxError for ${JSON.stringify(text)}`);
}

describe('searchTokens', () => {
  it('splits on anything but letters and digits, lower-cases and removes accents and ligatures', () => {
    expect(searchTokens("L'Œuvre d’ÉTÉ, n°42 — straße e\u0301te\u0301")).toEqual(['l', 'oeuvre', 'd', 'ete', 'n', '42', 'strasse', 'ete']);
    expect(searchTokens('*** ( ) -- ')).toEqual([]);
  });
});

describe('parseSearchQuery', () => {
  it('keeps plain words and "phrases" meaning what they meant: all must match', () => {
    expect(parse('vente  "livraison rapide" cocaïne')).toBe('([vente] & [livraison rapide] & [cocaine])');
    expect(parse('vente "livraison rapide')).toBe('([vente] & [livraison rapide])'); // an unclosed quote runs to the end
    expect(parse('and or not e-mail')).toBe('([and] & [or] & [not] & [e mail])'); // lower case is text
    expect(parse('col:x http://example.org NEAR(a b)')).toBe('([col x] & [http example org] & [near] & [a] & [b])');
    expect(parse('* : ^ - "" ()')).toBe('∅');
    expect(parse('')).toBe('∅');
  });

  it('reads OR, AND, NOT and -, with NOT over AND over OR, and parentheses', () => {
    expect(parse('a OR b c')).toBe('([a] | ([b] & [c]))');
    expect(parse('(a OR b) c')).toBe('(([a] | [b]) & [c])');
    expect(parse('a AND NOT b -c')).toBe('([a] & -[b] & -[c])');
    expect(parse('-(a b) -"x y"')).toBe('(-([a] & [b]) & -[x y])');
    expect(parse('NOT NOT a')).toBe('[a]');
    expect(parse('a - b')).toBe('([a] & [b])'); // a lone '-' negates nothing
  });

  it('reads prefixes and text fields', () => {
    expect(parse('coca* "livraison rap"* a*b')).toBe('([coca]* & [livraison rap]* & [a b])');
    expect(parse('title:Cocaïne text:"paiement bitcoin" TITLE:vente*')).toBe('(title:[cocaine] & text:[paiement bitcoin] & title:[vente]*)');
  });

  it('reads filters with normalised values', () => {
    expect(parse('category:DRUGS target:T-1 lang:FR domain:https://Forum.Example.org/x site:.example.org')).toBe(
      '(category=drugs & target=T-1 & language=fr & domain=forum.example.org & domain=example.org)',
    );
    expect(parse('entity:email:Vendeur@Example.org entity:phone:"06 12 34 56 78"')).toBe(
      '(entity=email:vendeur@example.org & entity=phone:+33612345678)',
    );
    expect(parse('url:/WP-Admin/ (entity:btc:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa)')).toBe(
      '(url</wp-admin/> & entity=btc:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa)',
    );
    expect(parse('category:drugs OR -lang:en')).toBe('(category=drugs | -language=en)');
  });

  it('refuses bad syntax with a message and the position of the problem', () => {
    const cases: [string, RegExp, number][] = [
      ['(a OR b', /never closed/, 0],
      ['a) b', /'\)' without '\('/, 1],
      ['x AND', /ends where a term was expected/, 5],
      ['AND x', /AND needs a term/, 0],
      ['a OR OR b', /OR needs a term/, 5],
      ['NOT', /ends where a term/, 3],
      ['title: x', /title: needs a word/, 0],
      ['text:*', /text: needs a word/, 0],
      ['url:', /url: needs a value/, 0],
      ['category:cooking', /category: is one of/, 0],
      ['x entity:zz:1', /entity: an entity is TYPE:VALUE/, 2],
      ['entity:email:nope', /not a valid email/, 0],
      ['domain:..', /domain: ".." is not a domain/, 0],
    ];
    for (const [text, message, position] of cases) {
      const error = syntaxError(text);
      expect(error.message, text).toMatch(message);
      expect(error.position, text).toBe(position);
      expect(error.code).toBe('bad-query');
    }
  });

  it('bounds length, depth and the number of terms', () => {
    expect(syntaxError('a'.repeat(MAX_QUERY_CHARS + 1)).message).toMatch(/longer than 1000/);
    expect(parseSearchQuery('a'.repeat(MAX_QUERY_CHARS))).not.toBeNull();
    expect(syntaxError(`${'('.repeat(MAX_QUERY_DEPTH + 1)}a${')'.repeat(MAX_QUERY_DEPTH + 1)}`).message).toMatch(/nested more than/);
    expect(syntaxError(`${'-'.repeat(MAX_QUERY_DEPTH + 1)}a`).message).toMatch(/nested more than/);
    expect(parse(`${'('.repeat(MAX_QUERY_DEPTH)}a${')'.repeat(MAX_QUERY_DEPTH)}`)).toBe('[a]');
    const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' OR ');
    expect(parseSearchQuery(words(MAX_QUERY_TERMS))).not.toBeNull();
    expect(syntaxError(words(MAX_QUERY_TERMS + 1)).message).toMatch(/more than 32 terms/);
    // Hostile input of the maximal size parses quickly either way (no backtracking).
    for (const hostile of ['('.repeat(1000), '"'.repeat(1000), '-'.repeat(999), 'a OR '.repeat(199), '*:'.repeat(500), ')'.repeat(1000)]) {
      try {
        parseSearchQuery(hostile);
      } catch (error) {
        expect(error, hostile.slice(0, 10)).toBeInstanceOf(SearchSyntaxError);
      }
    }
  });
});

describe('resolveSearch', () => {
  it('parses the text and refuses an unknown histogram interval', () => {
    expect(show(resolveSearch({ text: 'a OR b' }).query)).toBe('([a] | [b])');
    expect(resolveSearch({ histogram: 'week', facets: true })).toMatchObject({ histogram: 'week', facets: true, query: null });
    expect(() => resolveSearch({ histogram: 'year' as never })).toThrow(/histogram is one of day, week, month/);
    expect(() => resolveSearch({ text: '(' })).toThrow(SearchSyntaxError);
  });
});

describe('FTS5 translation', () => {
  it('quotes every term, so user text is never FTS5 syntax', () => {
    const node = parseSearchQuery('title:"a NEAR(b" OR (b* -c) col:x^2 {text}:y')!;
    // OR binds loosest: title:"…" OR (b* AND col:x^2 AND {text}:y AND NOT c).
    expect(ftsExpression(node)).toBe('(title : "a NEAR(b" OR ("b" * AND "col:x^2" AND "{text}:y") NOT ("c"))');
  });

  it('ranks through one MATCH when the query is text, and uses SQL for what FTS5 cannot say', () => {
    const text = buildSearchSql(resolveSearch({ text: 'cocaine -heroine (vente OR achat)' }));
    expect(text.hasMatch).toBe(true);
    expect(Object.values(text.params)).toEqual(['("cocaine" AND ("vente" OR "achat")) NOT ("heroine")']);

    const negation = buildSearchSql(resolveSearch({ text: '-heroine' }));
    expect(negation.hasMatch).toBe(false);
    expect(negation.count).toMatch(/NOT \(p\.seq IN \(SELECT rowid FROM pages_fts WHERE pages_fts MATCH @q0\)\)/);

    const mixed = buildSearchSql(resolveSearch({ text: 'cocaine (vente OR category:drugs) url:login' }));
    expect(mixed.hasMatch).toBe(true);
    expect(mixed.params).toMatchObject({ q0: '("cocaine")', q1: '"vente"', q2: 'drugs', q3: 'login' });
    expect(mixed.count).toMatch(/instr\(lower\(p\.url\), @q3\) > 0/);
  });
});

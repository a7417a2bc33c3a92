// The investigators' query language (docs/search.md), parsed into a small AST that each backend
// translates (embedded/search-sql.ts: FTS5 MATCH + SQL, elasticsearch/search-bodies.ts: a bool
// query) and that search-match.ts evaluates in memory. User text never reaches a backend as query
// syntax: terms are carried as text and quoted or analysed by the translators.
//
// Plain words and "phrases" mean what they always meant (all must match). New: OR, NOT or a
// leading '-', parentheses, a trailing '*' for a prefix, and fields. Only upper-case AND/OR/NOT
// are operators, and only the known field names below are fields: 'and', 'col:x' or 'http://x'
// stay ordinary text.
import { parseEntityQuery } from '../extractors/entity-query.ts';
import { CATEGORIES } from '../extractors/types.ts';
import { foldForFts } from './embedded/fts-text.ts';
import { entityKey, normaliseDomain } from './page-fields.ts';

export const MAX_QUERY_CHARS = 1000;
/** Terms and filters in one query: what a person types, and what keeps the SQL and ES bodies small. */
export const MAX_QUERY_TERMS = 32;
/** Nesting of parentheses and negations. */
export const MAX_QUERY_DEPTH = 8;

export type TextField = 'any' | 'title' | 'text';
export type FilterField = 'category' | 'target' | 'language' | 'domain' | 'entity';

/**
 * A word or "phrase" to find. `text` is what the user typed (the backends tokenise it like the
 * indexed text); `tokens` is its folded tokens (searchTokens), never empty. With `prefix`, the
 * last token matches any word it begins.
 */
export interface TermNode {
  kind: 'term';
  field: TextField;
  text: string;
  tokens: string[];
  prefix: boolean;
}
/** `url:value`: the page URL contains `value` (ASCII case ignored). */
export interface UrlNode {
  kind: 'url';
  value: string;
}
/** An exact filter on a page field; `value` is normalised (entity: the pivot key `type:value`). */
export interface FilterNode {
  kind: 'filter';
  field: FilterField;
  value: string;
}
export interface AndNode {
  kind: 'and';
  children: SearchNode[];
}
export interface OrNode {
  kind: 'or';
  children: SearchNode[];
}
export interface NotNode {
  kind: 'not';
  child: SearchNode;
}
export type SearchNode = TermNode | UrlNode | FilterNode | AndNode | OrNode | NotNode;

/** Bad query syntax; `position` is the offset in the query text (the API returns 400 bad-query). */
export class SearchSyntaxError extends Error {
  readonly code = 'bad-query';
  readonly position: number;
  constructor(message: string, position: number) {
    super(`${message} (at position ${position})`);
    this.name = 'SearchSyntaxError';
    this.position = position;
  }
}

const TOKEN_SEPARATORS = /[^\p{L}\p{N}\p{Co}]+/u;
const MARKS = /\p{M}/gu;

/**
 * Words as the index sees them (FTS5 unicode61 with remove_diacritics 2, plus fts-text.ts
 * folding; the Elasticsearch analyzer mirrors it): runs of letters and digits, lower case, accents
 * removed. "L'Œuvre d'été" -> ['l', 'oeuvre', 'd', 'ete'].
 */
export function searchTokens(text: string): string[] {
  const folded = foldForFts(text).toLowerCase().normalize('NFD').replace(MARKS, '');
  return folded.split(TOKEN_SEPARATORS).filter((token) => token !== '');
}

type Lexeme =
  | { type: 'open' | 'close' | 'and' | 'or' | 'not' | 'minus'; position: number }
  | { type: 'word'; text: string; quoted: boolean; prefix: boolean; field?: string; position: number };

const FIELDS: Readonly<Record<string, TextField | 'url' | FilterField>> = {
  title: 'title', text: 'text', url: 'url', category: 'category', target: 'target', lang: 'language', language: 'language',
  domain: 'domain', site: 'domain', entity: 'entity',
};
const FIELD_PREFIX = new RegExp(`^(${Object.keys(FIELDS).join('|')}):`, 'iu');
const WORD_END = /[\s()"]/u;

/** Reads a quoted run from `start` (the opening quote); an unclosed quote runs to the end, as it always did. */
function readQuoted(input: string, start: number): { text: string; end: number } {
  const close = input.indexOf('"', start + 1);
  const end = close < 0 ? input.length : close + 1;
  return { text: input.slice(start + 1, close < 0 ? input.length : close), end };
}

function lex(input: string): Lexeme[] {
  const lexemes: Lexeme[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/u.test(ch)) {
      i += 1;
    } else if (ch === '(' || ch === ')') {
      lexemes.push({ type: ch === '(' ? 'open' : 'close', position: i });
      i += 1;
    } else if (ch === '-' && i + 1 < input.length && !/[\s)]/u.test(input[i + 1]!)) {
      // A leading '-' negates what follows it (-word, -"phrase", -(group)); a lone '-' is no term.
      lexemes.push({ type: 'minus', position: i });
      i += 1;
    } else if (ch === '"') {
      const { text, end } = readQuoted(input, i);
      const prefix = input[end] === '*';
      lexemes.push({ type: 'word', text, quoted: true, prefix, position: i });
      i = end + (prefix ? 1 : 0);
    } else {
      let end = i;
      while (end < input.length && !WORD_END.test(input[end]!)) end += 1;
      const raw = input.slice(i, end);
      if (raw === 'AND' || raw === 'OR' || raw === 'NOT') {
        lexemes.push({ type: raw.toLowerCase() as 'and' | 'or' | 'not', position: i });
        i = end;
        continue;
      }
      const field = FIELD_PREFIX.exec(raw);
      if (field !== null && raw.endsWith(':') && input[end] === '"') {
        // title:"a phrase", entity:phone:"06 12 34 56 78"
        const { text, end: after } = readQuoted(input, end);
        const prefix = input[after] === '*';
        lexemes.push({ type: 'word', text: raw.slice(field[0].length) + text, quoted: true, prefix, field: field[1]!.toLowerCase(), position: i });
        i = after + (prefix ? 1 : 0);
        continue;
      }
      const value = field === null ? raw : raw.slice(field[0].length);
      const prefix = value.length > 1 && value.endsWith('*');
      const lexeme: Lexeme = { type: 'word', text: prefix ? value.slice(0, -1) : value, quoted: false, prefix, position: i };
      if (field !== null) lexeme.field = field[1]!.toLowerCase();
      lexemes.push(lexeme);
      i = end;
    }
  }
  return lexemes;
}

const CATEGORY_SET: ReadonlySet<string> = new Set(CATEGORIES);
/** ASCII-only lower case, as SQLite's lower() does: the URL filter must agree across backends. */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/gu, (run) => run.toLowerCase());
}

/** A word lexeme as a node, or null when it holds nothing searchable (it is dropped, as it always was). */
function wordNode(word: Extract<Lexeme, { type: 'word' }>): SearchNode | null {
  const field = word.field === undefined ? 'any' : FIELDS[word.field]!;
  const fail = (message: string): never => {
    throw new SearchSyntaxError(message, word.position);
  };
  if (field === 'any' || field === 'title' || field === 'text') {
    const tokens = searchTokens(word.text);
    if (tokens.length === 0) {
      if (field !== 'any') fail(`${word.field}: needs a word or a "phrase"`);
      return null;
    }
    return { kind: 'term', field, text: word.text, tokens, prefix: word.prefix };
  }
  const value = word.text.trim();
  if (value === '' || word.prefix) fail(`${word.field}: needs a value (no '*')`);
  switch (field) {
    case 'url':
      return { kind: 'url', value: asciiLower(value) };
    case 'category':
      if (!CATEGORY_SET.has(value.toLowerCase())) fail(`category: is one of ${CATEGORIES.join(', ')}`);
      return { kind: 'filter', field, value: value.toLowerCase() };
    case 'language':
      return { kind: 'filter', field, value: value.toLowerCase() };
    case 'target':
      return { kind: 'filter', field, value };
    case 'domain': {
      const domain = normaliseDomain(value);
      return domain === null ? fail(`domain: "${value}" is not a domain`) : { kind: 'filter', field, value: domain };
    }
    case 'entity': {
      const parsed = parseEntityQuery(value);
      if (!parsed.ok) return fail(`entity: ${parsed.message}`);
      return { kind: 'filter', field, value: entityKey(parsed.query.type, parsed.query.value) };
    }
  }
}

class Parser {
  #at = 0;
  #terms = 0;
  constructor(
    private readonly lexemes: Lexeme[],
    private readonly length: number,
  ) {}

  parse(): SearchNode | null {
    if (this.lexemes.length === 0) return null;
    const node = this.#or(0);
    const rest = this.lexemes[this.#at];
    if (rest !== undefined) throw new SearchSyntaxError(rest.type === 'close' ? "')' without '('" : `unexpected ${describe(rest)}`, rest.position);
    return node;
  }

  #or(depth: number): SearchNode | null {
    const children = [this.#and(depth)];
    while (this.#peek()?.type === 'or') {
      this.#at += 1;
      children.push(this.#and(depth));
    }
    return combine('or', children);
  }

  #and(depth: number): SearchNode | null {
    const children = [this.#unary(depth)];
    for (;;) {
      const next = this.#peek();
      if (next === undefined || next.type === 'or' || next.type === 'close') break;
      if (next.type === 'and') this.#at += 1;
      children.push(this.#unary(depth));
    }
    return combine('and', children);
  }

  #unary(depth: number): SearchNode | null {
    const lexeme = this.#peek();
    if (lexeme === undefined) throw new SearchSyntaxError('the query ends where a term was expected', this.length);
    if (depth > MAX_QUERY_DEPTH) throw new SearchSyntaxError(`nested more than ${MAX_QUERY_DEPTH} levels deep`, lexeme.position);
    if (lexeme.type === 'not' || lexeme.type === 'minus') {
      this.#at += 1;
      const child = this.#unary(depth + 1);
      if (child === null) return null;
      return child.kind === 'not' ? child.child : { kind: 'not', child };
    }
    if (lexeme.type === 'open') {
      this.#at += 1;
      if (this.#peek()?.type === 'close') {
        this.#at += 1;
        return null;
      }
      const inner = this.#or(depth + 1);
      if (this.#peek()?.type !== 'close') throw new SearchSyntaxError("'(' is never closed", lexeme.position);
      this.#at += 1;
      return inner;
    }
    if (lexeme.type === 'word') {
      this.#at += 1;
      const node = wordNode(lexeme);
      if (node !== null && ++this.#terms > MAX_QUERY_TERMS) {
        throw new SearchSyntaxError(`more than ${MAX_QUERY_TERMS} terms`, lexeme.position);
      }
      return node;
    }
    throw new SearchSyntaxError(lexeme.type === 'close' ? "')' without '('" : `${describe(lexeme)} needs a term before and after it`, lexeme.position);
  }

  #peek(): Lexeme | undefined {
    return this.lexemes[this.#at];
  }
}

function describe(lexeme: Lexeme): string {
  return lexeme.type === 'word' ? `"${lexeme.text}"` : lexeme.type === 'minus' ? "'-'" : lexeme.type.toUpperCase();
}

/** AND/OR of the non-empty children, flattened; a lone child stands for itself. */
function combine(kind: 'and' | 'or', children: (SearchNode | null)[]): SearchNode | null {
  const kept: SearchNode[] = [];
  for (const child of children) {
    if (child === null) continue;
    if (child.kind === kind) kept.push(...child.children);
    else kept.push(child);
  }
  if (kept.length <= 1) return kept[0] ?? null;
  return { kind, children: kept };
}

/**
 * Parses query text into an AST; null when nothing searchable is left (match everything).
 * Throws SearchSyntaxError on bad syntax: unbalanced parentheses, a dangling AND/OR/NOT, a field
 * without a value, an unknown category or entity type, too long, too deep, too many terms.
 */
export function parseSearchQuery(text: string): SearchNode | null {
  if (text.length > MAX_QUERY_CHARS) throw new SearchSyntaxError(`longer than ${MAX_QUERY_CHARS} characters`, MAX_QUERY_CHARS);
  return new Parser(lex(text), text.length).parse();
}

/** ANDs nodes (for structured filters next to the text query); null when there are none. */
export function andNodes(nodes: readonly (SearchNode | null)[]): SearchNode | null {
  return combine('and', [...nodes]);
}

// The query language evaluated in memory against one page, with the index's semantics: saved
// searches run on every new page without a round trip to the index. Words are tokenised as the
// index does (search-syntax.ts searchTokens); a phrase is consecutive words within the title or
// within the text; a prefix matches any word it begins; filters read the same derived fields the
// backends store (page-fields.ts). test/unit/search-match.test.ts checks agreement with the
// embedded index on generated pages and queries.
import type { PageDocument } from './types.ts';
import type { SearchNode, TermNode } from './search-syntax.ts';
import { asciiLower, searchTokens } from './search-syntax.ts';
import { hostOf, pageCategories, pageEntityKeys } from './page-fields.ts';
import type { ResolvedSearch } from './search-input.ts';

/** What a page offers the matcher, computed once per page however many queries run on it. */
export interface MatchablePage {
  title: string[];
  text: string[];
  url: string;
  host: string;
  targetId: string;
  language: string | null;
  categories: ReadonlySet<string>;
  entityKeys: ReadonlySet<string>;
  fetchedMs: number;
}

export function matchablePage(page: PageDocument): MatchablePage {
  return {
    title: searchTokens(page.title),
    text: searchTokens(page.text),
    url: asciiLower(page.url),
    host: hostOf(page.url),
    targetId: page.targetId,
    language: page.language,
    categories: new Set(pageCategories(page)),
    entityKeys: new Set(pageEntityKeys(page)),
    fetchedMs: Date.parse(page.fetchedAt),
  };
}

/** Whether `tokens` holds `phrase` as consecutive words, the last one possibly a prefix. */
function containsPhrase(tokens: readonly string[], phrase: readonly string[], prefix: boolean): boolean {
  const last = phrase.length - 1;
  for (let start = 0; start + last < tokens.length; start += 1) {
    let i = 0;
    while (i < last && tokens[start + i] === phrase[i]) i += 1;
    if (i < last) continue;
    const token = tokens[start + last]!;
    if (prefix ? token.startsWith(phrase[last]!) : token === phrase[last]) return true;
  }
  return false;
}

function matchesTerm(term: TermNode, page: MatchablePage): boolean {
  const inTitle = term.field !== 'text' && containsPhrase(page.title, term.tokens, term.prefix);
  return inTitle || (term.field !== 'title' && containsPhrase(page.text, term.tokens, term.prefix));
}

function isSameOrSubdomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/** Whether the page matches the parsed query (null matches every page). */
export function matchesQuery(node: SearchNode | null, page: PageDocument | MatchablePage): boolean {
  const matchable = 'entities' in page ? matchablePage(page) : page;
  return node === null || evaluate(node, matchable);
}

function evaluate(node: SearchNode, page: MatchablePage): boolean {
  switch (node.kind) {
    case 'term':
      return matchesTerm(node, page);
    case 'url':
      return page.url.includes(node.value);
    case 'filter':
      switch (node.field) {
        case 'category':
          return page.categories.has(node.value);
        case 'entity':
          return page.entityKeys.has(node.value);
        case 'target':
          return page.targetId === node.value;
        case 'language':
          return page.language === node.value;
        case 'domain':
          return isSameOrSubdomain(page.host, node.value);
      }
      return false;
    case 'not':
      return !evaluate(node.child, page);
    case 'and':
      return node.children.every((child) => evaluate(child, page));
    case 'or':
      return node.children.some((child) => evaluate(child, page));
  }
}

/**
 * A whole search (text and structured filters, as search() takes them) against one page; paging,
 * facets and histogram are ignored. Resolve the saved query once (resolveSearch, which throws
 * SearchSyntaxError on bad syntax), then match each new page.
 */
export function matchesSearch(search: ResolvedSearch, page: PageDocument | MatchablePage): boolean {
  const matchable = 'entities' in page ? matchablePage(page) : page;
  if (search.entityKey !== undefined && !matchable.entityKeys.has(search.entityKey)) return false;
  if (search.category !== undefined && !matchable.categories.has(search.category)) return false;
  if (search.targetId !== undefined && matchable.targetId !== search.targetId) return false;
  if (search.language !== undefined && matchable.language !== search.language) return false;
  if (search.domain !== undefined && !isSameOrSubdomain(matchable.host, search.domain)) return false;
  if (search.from !== undefined && matchable.fetchedMs < Date.parse(search.from)) return false;
  if (search.to !== undefined && matchable.fetchedMs > Date.parse(search.to)) return false;
  return matchesQuery(search.query, matchable);
}

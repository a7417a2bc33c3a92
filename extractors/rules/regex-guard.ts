// Regex rules run on RE2 (re2js, a pure-JavaScript port): matching time is linear in the text
// whatever the pattern, so a crafted page cannot stall a worker with a pattern such as `(a+)+$`.
// Patterns are compiled once, at load; what RE2 does not support (lookaround, backreferences,
// JavaScript-only escapes) is a load error with a message that says so and what to write instead.
//
// RE2 syntax: https://github.com/google/re2/wiki/Syntax. `\w`, `\d`, `\b` and `\s` are ASCII-only
// (as in JavaScript's `u` mode for the first three); the text is handed over with its Unicode
// spaces read as plain spaces (see `regexInput`), so `\s` also matches the no-break spaces of
// French typography ("12 €").

import { RE2JS, RE2Set } from 're2js';

export const MAX_PATTERN_LENGTH = 300;

/** A compiled regex rule pattern. */
export type CompiledPattern = RE2JS;

/** Returns why `pattern` is refused, or undefined when it is accepted. */
export function checkPattern(pattern: string): string | undefined {
  const result = compilePattern(pattern, true);
  return 'error' in result ? result.error : undefined;
}

export function compilePattern(pattern: string, ignoreCase: boolean): { regex: CompiledPattern } | { error: string } {
  if (pattern.length > MAX_PATTERN_LENGTH) return { error: `pattern longer than ${MAX_PATTERN_LENGTH} characters` };
  // RE2's own messages for these are obscure ("invalid named capture" for a lookbehind).
  const unsupported = unsupportedSyntax(pattern);
  if (unsupported) return { error: unsupported };
  try {
    const regex = RE2JS.compile(pattern, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
    // A pattern that matches nothing at all (`x*`, `a|`) would find an empty match at every
    // position: such matches never count, so the rule could only be a mistake.
    if (regex.test('')) return { error: 'the pattern matches the empty string; make at least one character required' };
    return { regex };
  } catch (err) {
    const message = (err as Error).message.replace(/^error parsing regexp: /, '');
    const hint = /\\u/.test(pattern) && /escape/.test(message) ? ' (RE2 writes code points as \\x{e9}, not \\u00e9)' : '';
    return { error: `invalid pattern (RE2 syntax): ${message}${hint}` };
  }
}

/** Lookaround and backreferences, outside character classes and escapes. */
export function unsupportedSyntax(pattern: string): string | undefined {
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || next === 'k') return 'backreferences are not supported by RE2 (matching must stay linear)';
      i += 2;
      continue;
    }
    if (ch === '[') {
      i = skipClass(pattern, i);
      continue;
    }
    if (ch === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2, i + 4);
      if (rest.startsWith('=') || rest.startsWith('!')) return 'lookahead is not supported by RE2: match the context instead, or use a near rule';
      if (rest === '<=' || rest === '<!') return 'lookbehind is not supported by RE2: match the context instead, or use a near rule';
    }
    i++;
  }
  return undefined;
}

function skipClass(pattern: string, at: number): number {
  let i = at + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  while (i < pattern.length && pattern[i] !== ']') {
    // POSIX classes such as [[:alpha:]] nest one level of brackets.
    if (pattern[i] === '[' && pattern[i + 1] === ':') {
      const close = pattern.indexOf(':]', i + 2);
      i = close < 0 ? i + 1 : close + 2;
      continue;
    }
    i += pattern[i] === '\\' ? 2 : 1;
  }
  return i + 1;
}

/**
 * All regex rules of a rule set in one RE2 set: one DFA pass over a text says which patterns
 * match anywhere, and only those are run again for their positions (most texts match none, and a
 * per-pattern search costs several times more than the set's single pass).
 */
export class PatternSet {
  private readonly set: RE2Set | undefined;

  constructor(patterns: readonly { pattern: string; ignoreCase: boolean }[]) {
    if (patterns.length === 0) return;
    const set = new RE2Set(RE2Set.UNANCHORED, 0);
    for (const p of patterns) set.add(p.ignoreCase ? `(?i:${p.pattern})` : p.pattern);
    set.compile();
    this.set = set;
  }

  /**
   * Indexes (in the order given) of the patterns that match somewhere in `text`; undefined when
   * the set cannot tell (its DFA ran out of its memory budget): then every pattern must be run.
   */
  matching(text: string): Set<number> | undefined {
    try {
      return new Set(this.set?.match(text) ?? []);
    } catch {
      return undefined;
    }
  }
}

const UNICODE_SPACES = /[\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/g;

/**
 * The text regex rules run on: the original with every Unicode space replaced by an ASCII space.
 * Each of those is one UTF-16 unit, so offsets into it are offsets into the original.
 */
export function regexInput(text: string): string {
  UNICODE_SPACES.lastIndex = 0;
  return UNICODE_SPACES.test(text) ? text.replace(UNICODE_SPACES, ' ') : text;
}

/** Matches of `regex` in `text`, as [start, end) UTF-16 offsets, empty matches skipped. */
export function* patternMatches(regex: CompiledPattern, text: string, max: number): Generator<[number, number]> {
  // matchAll rather than a Matcher's find() loop: several times faster in re2js (measured 2.1 vs
  // 13.5 ms on a 5 KB text for a case-insensitive card-dump pattern), same positions.
  let found = 0;
  for (const m of regex.matchAll(text)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    if (end > start) {
      found++;
      yield [start, end];
      if (found >= max) return;
    }
  }
}

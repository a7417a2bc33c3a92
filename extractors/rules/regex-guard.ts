// Regex rules run with the JavaScript engine, which backtracks: a pattern such as `(a+)+$` can
// take exponential time on a crafted page. Until patterns move to a linear-time engine (RE2),
// only a safe subset is accepted: no backreferences, no lookaround (neither exists in RE2), and
// no repeated group whose body can match in several ways (see findNestedQuantifier).

export const MAX_PATTERN_LENGTH = 300;

/** Returns why `pattern` is refused, or undefined when it is accepted. */
export function checkPattern(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) return `pattern longer than ${MAX_PATTERN_LENGTH} characters`;
  if (/\\[1-9]|\\k</.test(pattern)) return 'backreferences are not allowed';
  if (/\(\?<?[=!]/.test(pattern)) return 'lookahead and lookbehind are not allowed';
  const nested = findNestedQuantifier(pattern);
  if (nested) return nested;
  try {
    new RegExp(pattern, 'gu');
  } catch (err) {
    return `invalid pattern: ${(err as Error).message}`;
  }
  return undefined;
}

interface GroupFacts {
  /** Contains a quantifier that can repeat (+, *, {2,}...). */
  repeat: boolean;
  /** Contains an unbounded quantifier (+, *, {n,}). */
  unbounded: boolean;
  /** Contains an alternation. */
  alt: boolean;
}

function findNestedQuantifier(pattern: string): string | undefined {
  const stack: GroupFacts[] = [];
  const mark = (facts: Partial<GroupFacts>): void => {
    const top = stack[stack.length - 1];
    if (!top) return;
    if (facts.repeat) top.repeat = true;
    if (facts.unbounded) top.unbounded = true;
    if (facts.alt) top.alt = true;
  };
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === '[') {
      i = skipClass(pattern, i);
      continue;
    }
    if (ch === '(') {
      stack.push({ repeat: false, unbounded: false, alt: false });
      i++;
      continue;
    }
    if (ch === '|') {
      mark({ alt: true });
      i++;
      continue;
    }
    if (ch === ')') {
      const inner = stack.pop() ?? { repeat: false, unbounded: false, alt: false };
      const q = readQuantifier(pattern, i + 1);
      // A repeated group whose body can match the same text in several ways backtracks
      // exponentially: refuse an unbounded repeat of a body that repeats or alternates, and any
      // repeat of a body with an unbounded part.
      if (q && q.repeats && ((q.unbounded && (inner.repeat || inner.alt)) || inner.unbounded)) {
        return 'nested quantifiers (a repeated group containing a repeat or an alternation) are not allowed';
      }
      mark({ repeat: inner.repeat || Boolean(q?.repeats), unbounded: inner.unbounded || Boolean(q?.unbounded) });
      i += 1 + (q?.length ?? 0);
      continue;
    }
    const q = readQuantifier(pattern, i);
    if (q) {
      mark({ repeat: q.repeats, unbounded: q.unbounded });
      i += q.length;
      continue;
    }
    i++;
  }
  return undefined;
}

function skipClass(pattern: string, at: number): number {
  let i = at + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
  return i + 1;
}

interface Quantifier {
  length: number;
  /** More than one repetition possible. */
  repeats: boolean;
  unbounded: boolean;
}

function readQuantifier(pattern: string, at: number): Quantifier | undefined {
  const ch = pattern[at];
  let length = 0;
  let repeats = false;
  let unbounded = false;
  if (ch === '*' || ch === '+') {
    length = 1;
    repeats = true;
    unbounded = true;
  } else if (ch === '?') {
    length = 1;
  } else if (ch === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(at));
    if (!m) return undefined;
    length = m[0].length;
    const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
    repeats = max > 1;
    unbounded = max === Infinity;
  } else {
    return undefined;
  }
  if (pattern[at + length] === '?') length++; // lazy modifier
  return { length, repeats, unbounded };
}

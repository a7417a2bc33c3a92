// Extra spellings under which a folded word is also matched.
//
// Leetspeak: digits and a few symbols read as letters (0->o, 1->i or l, 3->e, 4->a, 5->s, 7->t,
// @->a, $->s, !->i, |->l), only in words that are mostly letters (at least two letters, and no
// fewer letters than digits), so that "2024", "1000mg" or "h24" keep their numeric reading.
//
// Number shape: a word with digits is also read with each run of digits as '#' ("10g" -> "#g",
// "2024" -> "#"), so a lexicon can say "a quantity in grams" as "#g" or "# g".
//
// Stretched letters: a run of three or more identical letters is never legitimate spelling in
// French or English, so a word that has one is also read with every such run shortened to one
// letter ("coooocaine" -> "cocaine") and to two letters ("weeeeed" -> "weed"), and, since such a
// word is deliberately stretched anyway, with every doubled letter undone too ("ccoooccaaaine"
// -> "cocaine"). Words without a run of three are matched only as written, so legitimate double
// letters stay distinct ("pass" is never read as "pas"). Lexicon terms are not rewritten: they are
// written with their normal spelling.

const LEET: Readonly<Record<string, string>> = {
  '0': 'o', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i', '|': 'l',
};

function isAsciiDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isLeetSymbol(code: number): boolean {
  return code === 0x40 || code === 0x24 || code === 0x21 || code === 0x7c;
}

/** Whether `word` has a run of 3+ identical letters (digits excluded: "1000" is a number). */
export function hasStretchedLetters(word: string): boolean {
  let run = 1;
  for (let i = 1; i < word.length; i++) {
    const code = word.charCodeAt(i);
    if (code === word.charCodeAt(i - 1) && !isAsciiDigit(code) && !isLeetSymbol(code)) {
      run++;
      if (run >= 3) return true;
    } else {
      run = 1;
    }
  }
  return false;
}

/** Shortens every run of 3+ identical letters to `keep` letters. */
export function shortenRuns(word: string, keep: 1 | 2): string {
  let out = '';
  let i = 0;
  while (i < word.length) {
    const ch = word[i]!;
    let j = i + 1;
    while (j < word.length && word[j] === ch) j++;
    const len = j - i;
    const code = ch.charCodeAt(0);
    out += len >= 3 && !isAsciiDigit(code) && !isLeetSymbol(code) ? ch.repeat(keep) : word.slice(i, j);
    i = j;
  }
  return out;
}

/** Shortens every run of 2+ identical letters to one. */
function collapseRuns(word: string): string {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i);
    if (i > 0 && code === word.charCodeAt(i - 1) && !isAsciiDigit(code) && !isLeetSymbol(code)) continue;
    out += word[i];
  }
  return out;
}

/** Replaces each run of ASCII digits by a single '#'. */
export function numberShape(word: string): string {
  return word.replace(/[0-9]+/g, '#');
}

function leetRead(word: string, one: 'i' | 'l'): string {
  let out = '';
  for (const ch of word) out += ch === '1' ? one : (LEET[ch] ?? ch);
  return out;
}

/**
 * The other readings of a folded word (see the file comment), without the word itself;
 * undefined when there are none (the common case, decided cheaply by the caller).
 */
export function wordVariants(word: string): string[] | undefined {
  let letters = 0;
  let digits = 0;
  let symbols = 0;
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i);
    if (isAsciiDigit(code)) digits++;
    else if (isLeetSymbol(code)) symbols++;
    else letters++;
  }
  const readings: string[] = [];
  if ((digits > 0 || symbols > 0) && letters >= 2 && letters >= digits) {
    readings.push(leetRead(word, 'i'));
    if (word.includes('1')) readings.push(leetRead(word, 'l'));
  }
  if (digits > 0) readings.push(numberShape(word));
  const bases = [word, ...readings];
  for (const base of bases) {
    if (hasStretchedLetters(base)) readings.push(shortenRuns(base, 1), shortenRuns(base, 2), collapseRuns(base));
  }
  const unique = [...new Set(readings)].filter((r) => r !== word);
  return unique.length > 0 ? unique : undefined;
}

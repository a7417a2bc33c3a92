// What the FTS5 table sees. The unicode61 tokenizer (remove_diacritics 2) folds case and accents
// but leaves letters without a decomposition alone (œ, æ, ß, ø, ł, the ﬁ ligatures), which the
// Elasticsearch asciifolding filter does fold. The same folding is applied to indexed text and
// to queries so both backends agree that "oeuvre" finds "œuvre".
//
// Every replacement maps letters to letters, so the folded text has exactly the tokens of the
// original in the same order: snippet(), which re-tokenizes the original text from the content
// table, still lands on the right words.

const LETTER_FOLDS: Readonly<Record<string, string>> = {
  œ: 'oe', Œ: 'OE', æ: 'ae', Æ: 'AE', ß: 'ss', ẞ: 'SS', ø: 'o', Ø: 'O',
  đ: 'd', Đ: 'D', ł: 'l', Ł: 'L', þ: 'th', Þ: 'TH', ð: 'd', Ð: 'D',
  ħ: 'h', Ħ: 'H', ŧ: 't', Ŧ: 'T', ı: 'i', ĳ: 'ij', Ĳ: 'IJ',
  ﬀ: 'ff', ﬁ: 'fi', ﬂ: 'fl', ﬃ: 'ffi', ﬄ: 'ffl', ﬅ: 'st', ﬆ: 'st',
};
const FOLDABLE = new RegExp(`[${Object.keys(LETTER_FOLDS).join('')}]`, 'gu');

export function foldForFts(text: string): string {
  return text.replace(FOLDABLE, (letter) => LETTER_FOLDS[letter] ?? letter);
}

/**
 * An FTS5 MATCH expression from parsed search pieces: every piece becomes a quoted string (a
 * phrase of its tokens) and pieces are joined by spaces, which FTS5 reads as AND. Inside a
 * quoted string nothing is syntax, so no user input can produce an FTS5 syntax error.
 */
export function ftsMatchExpression(pieces: readonly string[]): string {
  return pieces.map((piece) => `"${foldForFts(piece).replaceAll('"', '""')}"`).join(' ');
}

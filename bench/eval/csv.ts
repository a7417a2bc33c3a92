// Minimal RFC 4180 reader for the labelled corpora (quoted fields, doubled quotes, CRLF, newlines
// inside quotes). The corpora are a few MB: one pass over the string is plenty.

export type CsvRecord = Record<string, string>;

export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Rows as records keyed by the header row; throws when a required column is missing. */
export function parseCsv(text: string, required: readonly string[], source: string): CsvRecord[] {
  const [header, ...rows] = parseCsvRows(text);
  if (!header) throw new Error(`${source}: empty CSV file`);
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new Error(`${source}: missing column(s) ${missing.join(', ')} (found: ${header.join(', ')})`);
  return rows.map((cells) => Object.fromEntries(header.map((name, k) => [name, cells[k] ?? ''])));
}

// CSV as RFC 4180 writes it (CRLF line ends; a field holding a comma, a quote, CR or LF is quoted,
// its quotes doubled), with spreadsheet formula injection neutralised: an exported page title is
// attacker-written text, and a cell starting with =, +, -, @, tab or CR would run as a formula
// in Excel or LibreOffice when the investigator opens the file. Such a cell gets a leading ',
// which spreadsheets show as text (OWASP "CSV Injection").

const FORMULA_START = /^[=+\-@\t\r]/u;
const NEEDS_QUOTES = /[",\r\n]/u;

/** One cell: null and undefined are empty, arrays are joined with '; '. */
export type CsvValue = string | number | boolean | null | undefined | readonly string[];

export function csvCell(value: CsvValue): string {
  let text = value === null || value === undefined ? '' : Array.isArray(value) ? value.join('; ') : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF-terminated. */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

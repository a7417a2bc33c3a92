// Partner hash lists, one line at a time (a list of a million hashes is never held as text):
// one hash per line (also `sha256sum` output: hash, spaces, file name), or CSV / TSV / semicolon
// files with a header naming the hash column(s) and optional `category`, `source`, `comment`
// columns. BOM, CRLF, blank lines and `#` comments are ignored. Every bad line becomes a rejection
// naming file:line and why; it never stops the import.
import { CATEGORIES, type Category } from '../types.ts';
import { HEX_LENGTH, isHashKind, kindOfLength, normalizeHex, type HashKind, type KindOption } from './hash-kinds.ts';

export interface HashListEntry {
  hash: string;
  kind: HashKind;
  /** Physical line in the file, from 1. */
  line: number;
  category?: Category;
  source?: string;
  comment?: string;
}

export interface HashListRejection {
  file: string;
  line: number;
  reason: 'not-hex' | 'bad-length' | 'kind-mismatch' | 'bad-category' | 'bad-csv' | 'no-hash';
  message: string;
}

export type ParsedLine = { entries: HashListEntry[]; rejections: HashListRejection[] };

export interface HashListParserOptions {
  /** Shown in rejections. */
  file: string;
  /** `auto`: by hex length (or the column's name); otherwise every hash must be of this kind. */
  kind: Exclude<KindOption, 'pdq'>;
}

// Column names that hold hashes, and the kind they imply (`hash` implies nothing).
const HASH_COLUMNS: Readonly<Record<string, HashKind | 'auto'>> = {
  hash: 'auto', 'hash-value': 'auto', hash_value: 'auto', value: 'auto',
  sha256: 'sha256', 'sha-256': 'sha256', sha_256: 'sha256',
  md5: 'md5', 'md-5': 'md5',
  phash: 'phash', 'p-hash': 'phash', perceptual: 'phash', perceptual_hash: 'phash',
};
const META_COLUMNS = ['category', 'source', 'comment'] as const;
const MAX_META_CHARS = 200;
/** No list line is this long; a longer one is junk (or a binary file), not read further. */
const MAX_LINE_CHARS = 8192;
const DELIMITERS = [',', ';', '\t'] as const;

interface Header {
  delimiter: string;
  hashColumns: { index: number; kind: HashKind | 'auto'; name: string }[];
  meta: Partial<Record<(typeof META_COLUMNS)[number], number>>;
}

export class HashListParser {
  private readonly options: HashListParserOptions;
  private lineNo = 0;
  /** undefined: not decided yet (no content line seen); null: no header, one hash per line. */
  private header: Header | null | undefined;

  constructor(options: HashListParserOptions) {
    this.options = options;
  }

  /** Feeds the next physical line (without its newline); returns what it holds. */
  push(rawLine: string): ParsedLine {
    this.lineNo++;
    let text = this.lineNo === 1 && rawLine.charCodeAt(0) === 0xfeff ? rawLine.slice(1) : rawLine;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('//')) return { entries: [], rejections: [] };
    if (trimmed.length > MAX_LINE_CHARS) return { entries: [], rejections: [this.reject('bad-csv', `line of ${trimmed.length} characters (at most ${MAX_LINE_CHARS})`)] };
    if (this.header === undefined) {
      this.header = readHeader(trimmed);
      if (this.header) return { entries: [], rejections: [] };
    }
    return this.header ? this.csvLine(trimmed, this.header) : this.bareLine(trimmed);
  }

  private bareLine(text: string): ParsedLine {
    // `sha256sum` / `md5sum` output: the hash, then spaces (and `*` in binary mode), then the name.
    const token = text.split(/[\s,;]+/, 1)[0]!;
    return this.readHash(token, 'auto', {});
  }

  private csvLine(text: string, header: Header): ParsedLine {
    const cells = splitCsv(text, header.delimiter);
    if (!cells) return { entries: [], rejections: [this.reject('bad-csv', 'unbalanced quotes')] };
    const meta: Pick<HashListEntry, 'category' | 'source' | 'comment'> = {};
    const rawCategory = cellAt(cells, header.meta.category);
    if (rawCategory) {
      const category = rawCategory.toLowerCase();
      if (!(CATEGORIES as readonly string[]).includes(category)) {
        return { entries: [], rejections: [this.reject('bad-category', `unknown category "${rawCategory.slice(0, 60)}" (one of ${CATEGORIES.join(', ')})`)] };
      }
      meta.category = category as Category;
    }
    const source = cellAt(cells, header.meta.source);
    if (source) meta.source = source.slice(0, MAX_META_CHARS);
    const comment = cellAt(cells, header.meta.comment);
    if (comment) meta.comment = comment.slice(0, MAX_META_CHARS);

    const result: ParsedLine = { entries: [], rejections: [] };
    for (const column of header.hashColumns) {
      const cell = cellAt(cells, column.index);
      if (!cell) continue;
      const parsed = this.readHash(cell, column.kind, meta, column.name);
      result.entries.push(...parsed.entries);
      result.rejections.push(...parsed.rejections);
    }
    if (result.entries.length === 0 && result.rejections.length === 0) {
      result.rejections.push(this.reject('no-hash', `no value in column ${header.hashColumns.map((c) => c.name).join(' / ')}`));
    }
    return result;
  }

  private readHash(raw: string, columnKind: HashKind | 'auto', meta: Pick<HashListEntry, 'category' | 'source' | 'comment'>, column?: string): ParsedLine {
    const shown = raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
    const hash = normalizeHex(raw);
    if (!hash) return { entries: [], rejections: [this.reject('not-hex', `"${shown}" is not a hexadecimal hash`)] };
    const byLength = kindOfLength(hash.length);
    const wanted = this.options.kind !== 'auto' ? this.options.kind : columnKind !== 'auto' ? columnKind : byLength;
    if (!wanted) {
      return { entries: [], rejections: [this.reject('bad-length', `${hash.length} hex digits fit no hash kind (sha256: 64, md5: 32, phash: 16)`)] };
    }
    if (hash.length !== HEX_LENGTH[wanted]) {
      const why = this.options.kind !== 'auto' ? `--kind ${wanted}` : `column ${column ?? '?'}`;
      return { entries: [], rejections: [this.reject('kind-mismatch', `${hash.length} hex digits, but ${why} needs ${HEX_LENGTH[wanted]}`)] };
    }
    return { entries: [{ hash, kind: wanted, line: this.lineNo, ...meta }], rejections: [] };
  }

  private reject(reason: HashListRejection['reason'], message: string): HashListRejection {
    return { file: this.options.file, line: this.lineNo, reason, message: `${this.options.file}:${this.lineNo}: ${message}` };
  }
}

/** A header when the first content line names a hash column and is not itself a hash. */
function readHeader(line: string): Header | null {
  const delimiter = DELIMITERS.reduce((best, d) => (count(line, d) > count(line, best) ? d : best), DELIMITERS[0] as string);
  const cells = splitCsv(line, delimiter);
  if (!cells) return null;
  const names = cells.map((cell) => cell.trim().toLowerCase());
  const hashColumns = names.flatMap((name, index) => {
    const kind = HASH_COLUMNS[name];
    return kind ? [{ index, kind, name }] : [];
  });
  if (hashColumns.length === 0) return null;
  // A column named `hash` and a value column both present: the specific names win over `hash`.
  const specific = hashColumns.filter((column) => column.kind !== 'auto' && isHashKind(column.kind));
  const meta: Header['meta'] = {};
  for (const name of META_COLUMNS) {
    const index = names.indexOf(name);
    if (index >= 0) meta[name] = index;
  }
  return { delimiter, hashColumns: specific.length > 0 ? specific : hashColumns.slice(0, 1), meta };
}

/** RFC 4180 fields of one line (quotes, doubled quotes); null when a quote is left open. */
export function splitCsv(line: string, delimiter: string): string[] | null {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === delimiter) {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += ch;
    }
  }
  if (quoted) return null;
  cells.push(cell.trim());
  return cells;
}

function cellAt(cells: readonly string[], index: number | undefined): string {
  return index === undefined ? '' : (cells[index] ?? '').trim();
}

function count(text: string, ch: string): number {
  let n = 0;
  for (const c of text) if (c === ch) n++;
  return n;
}

// The export writers: RFC 4180 CSV with formula injection neutralised, a streamed JSON document,
// and the batch-by-batch reading of a search (bounded, de-duplicated, ended by a short batch).
import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from '../../review/export/csv.ts';
import { jsonDocumentChunks } from '../../review/export/json-stream.ts';
import { csvChunks, EXPORT_BATCH, MAX_EXPORT_ROWS, planExport, type SearchFn } from '../../review/export/search-export.ts';
import { pagesIndexRequest, PAGES_MAX_RESULT_WINDOW } from '../../indexer/elasticsearch/mappings.ts';
import type { SearchHit, SearchQuery } from '../../indexer/types.ts';

/** A strict RFC 4180 reader, to check that what we write reads back as the same cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) throw new Error('unclosed quote');
        cell += text.slice(i, quote);
        i = quote + 1;
        if (text[i] === '"') {
          cell += '"';
          i += 1;
        } else break;
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`bare quote at ${i}`);
        cell += text[i];
        i += 1;
      }
    }
    row.push(cell);
    if (text[i] === ',') i += 1;
    else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else if (i < text.length) throw new Error(`expected , or CRLF at ${i}`);
  }
  if (row.length > 0) throw new Error('last record not CRLF-terminated');
  return rows;
}

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

function hit(n: number, title = `Page ${n}`): SearchHit {
  return { id: `p${String(n).padStart(5, '0')}`, url: `https://example.org/${n}`, title, fetchedAt: '2026-05-01T10:00:00.000Z', targetId: 't', language: 'fr', categories: ['fraud'], snippet: 's' };
}

/** An index of `count` hits in a fixed order; records every query it was asked. */
function fakeIndex(count: number, shiftAfterFirst = 0) {
  const asked: SearchQuery[] = [];
  const search: SearchFn = async (query) => {
    asked.push(query);
    // A page indexed between two batches pushes the rest down by `shiftAfterFirst`.
    const all = Array.from({ length: count + (asked.length > 1 ? shiftAfterFirst : 0) }, (_, i) => hit(asked.length > 1 ? Math.max(0, i - shiftAfterFirst) : i));
    const offset = query.offset ?? 0;
    return { total: all.length, hits: all.slice(offset, offset + (query.limit ?? 20)) };
  };
  return { search, asked };
}

describe('csvCell', () => {
  it('leaves plain text alone and writes empty cells for null and undefined', () => {
    expect(csvCell('Annonce ordinaire')).toBe('Annonce ordinaire');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(['fraud', 'drugs'])).toBe('fraud; drugs');
  });

  it('quotes commas, quotes, CR and LF, doubling the quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('il a dit "non"')).toBe('"il a dit ""non"""');
    expect(csvCell('ligne 1\nligne 2')).toBe('"ligne 1\nligne 2"');
    expect(csvCell('a\r\nb')).toBe('"a\r\nb"');
  });

  it.each(['=1+1', '+33 6 12 34 56 78', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd', '=HYPERLINK("http://x","clic")'])(
    'neutralises a cell starting a formula: %j',
    (value) => {
      const cell = csvCell(value);
      const [[read]] = parseCsv(`${cell}\r\n`) as [[string]];
      expect(read).toBe(`'${value}`);
    },
  );

  it('leaves a formula character that is not at the start', () => {
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell(' =1')).toBe(' =1');
  });
});

describe('csvRow', () => {
  it('writes CRLF-terminated records that read back as the same cells', () => {
    const cells = ['id', 'Titre, "cité"', 'multi\nligne', '=cmd|" /C calc"!A0', ''];
    const text = csvRow(cells) + csvRow(['x', 'y', 'z', 'w', 'v']);
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(text);
    expect(rows).toEqual([['id', 'Titre, "cité"', 'multi\nligne', `'=cmd|" /C calc"!A0`, ''], ['x', 'y', 'z', 'w', 'v']]);
  });
});

describe('jsonDocumentChunks', () => {
  async function* items<T>(values: T[]): AsyncGenerator<T> {
    yield* values;
  }

  it('writes one JSON document with the list last', async () => {
    const text = await collect(jsonDocumentChunks({ total: 2, query: { q: 'a "b"' } }, 'pages', items([{ id: 1 }, { id: 2, t: '\u2028</script>' }])));
    expect(JSON.parse(text)).toEqual({ total: 2, query: { q: 'a "b"' }, pages: [{ id: 1 }, { id: 2, t: '\u2028</script>' }] });
  });

  it('writes an empty list, and keeps the list last even if the head names it', async () => {
    const text = await collect(jsonDocumentChunks({ pages: 'ignored', total: 0 }, 'pages', items([])));
    expect(JSON.parse(text)).toEqual({ total: 0, pages: [] });
    expect(Object.keys(JSON.parse(text))).toEqual(['total', 'pages']);
  });
});

describe('planExport', () => {
  it('reads every matching page in batches, in the index order', async () => {
    const index = fakeIndex(25);
    const plan = await planExport(index.search, { text: 'x', histogram: 'day', facets: true }, { batch: 10 });
    expect(plan).toMatchObject({ total: 25, rows: 25, truncated: false });
    const ids: string[] = [];
    for await (const h of plan.hits) ids.push(h.id);
    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => hit(i).id));
    expect(index.asked.map((q) => [q.offset, q.limit])).toEqual([[0, 10], [10, 10], [20, 5]]);
    // Facets and histograms are not wanted for an export, and the filters are kept.
    expect(index.asked.every((q) => q.text === 'x' && q.facets === false && q.histogram === undefined)).toBe(true);
  });

  it('stops at the row limit and says the export was cut', async () => {
    const index = fakeIndex(95);
    const plan = await planExport(index.search, {}, { batch: 20, maxRows: 50 });
    expect(plan).toMatchObject({ total: 95, rows: 50, truncated: true });
    const ids: string[] = [];
    for await (const h of plan.hits) ids.push(h.id);
    expect(ids).toHaveLength(50);
    expect(new Set(ids).size).toBe(50);
    expect(index.asked.map((q) => [q.offset, q.limit])).toEqual([[0, 20], [20, 20], [40, 10]]);
  });

  it('writes a page once when new pages push it into the next batch', async () => {
    const index = fakeIndex(15, 3);
    const plan = await planExport(index.search, {}, { batch: 10 });
    const ids: string[] = [];
    for await (const h of plan.hits) ids.push(h.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(Array.from({ length: 15 }, (_, i) => hit(i).id));
  });

  it('writes just the header for an empty result', async () => {
    const plan = await planExport(fakeIndex(0).search, {});
    expect(plan).toMatchObject({ total: 0, rows: 0, truncated: false });
    expect(parseCsv(await collect(csvChunks(plan.hits)))).toEqual([['id', 'url', 'title', 'fetchedAt', 'targetId', 'language', 'categories', 'snippet']]);
  });

  it('passes a bad query error through before anything is written', async () => {
    const failing: SearchFn = async () => {
      throw new Error('bad syntax');
    };
    await expect(planExport(failing, { text: '(' })).rejects.toThrow('bad syntax');
  });
});

describe('export depth on Elasticsearch', () => {
  it('the pages index lets an export page as deep as its largest file', () => {
    const request = pagesIndexRequest('vigie-pages');
    expect(request.settings?.max_result_window).toBe(PAGES_MAX_RESULT_WINDOW);
    expect(MAX_EXPORT_ROWS + EXPORT_BATCH).toBeLessThanOrEqual(PAGES_MAX_RESULT_WINDOW);
  });
});

// Partner hash lists in the shapes they arrive in: bare lines, sha256sum output, CSV with a header,
// semicolons and tabs, quotes, BOM, CRLF, comments; every bad line reported as file:line and skipped.
import { describe, expect, it } from 'vitest';
import { HashListParser, splitCsv, type HashListEntry, type HashListRejection } from '../../extractors/hashes/hash-list-parser.ts';
import { kindOfLength, normalizeHex } from '../../extractors/hashes/hash-kinds.ts';

const SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
const PHASH = 'c3a5f0e1b2d49687';

function parse(text: string, kind: 'auto' | 'sha256' | 'md5' | 'phash' = 'auto'): { entries: HashListEntry[]; rejections: HashListRejection[] } {
  const parser = new HashListParser({ file: 'list.csv', kind });
  const entries: HashListEntry[] = [];
  const rejections: HashListRejection[] = [];
  for (const line of text.split('\n')) {
    const parsed = parser.push(line);
    entries.push(...parsed.entries);
    rejections.push(...parsed.rejections);
  }
  return { entries, rejections };
}

describe('HashListParser', () => {
  it('reads one hash per line, by length, in any case, with 0x, BOM, CRLF, blanks and comments', () => {
    const text = `\ufeff# partner list 2026-11\r\n${SHA.toUpperCase()}\r\n\r\n0x${MD5}\r\n  ${PHASH}  \r\n// note\r\n`;
    const { entries, rejections } = parse(text);
    expect(rejections).toEqual([]);
    expect(entries.map((e) => [e.kind, e.hash, e.line])).toEqual([
      ['sha256', SHA, 2],
      ['md5', MD5, 4],
      ['phash', PHASH, 5],
    ]);
  });

  it('reads sha256sum / md5sum output (hash, spaces, file name)', () => {
    const { entries } = parse(`${SHA}  photo one.jpg\n${MD5} *archive.zip`);
    expect(entries.map((e) => e.kind)).toEqual(['sha256', 'md5']);
  });

  it('reads CSV with a header naming the hash column and optional category/source/comment', () => {
    const text = [
      'id,SHA256,category,source,comment',
      `1,${SHA},child-abuse,partner-a,"seen on ""board"", 2026"`,
      `2,${SHA.replace('e3', 'aa')},,,`,
      `3,${MD5},child-abuse,x,y`,
      `4,,child-abuse,x,y`,
      `5,${SHA.replace('e3', 'bb')},kittens,x,y`,
    ].join('\n');
    const { entries, rejections } = parse(text);
    expect(entries).toEqual([
      { hash: SHA, kind: 'sha256', line: 2, category: 'child-abuse', source: 'partner-a', comment: 'seen on "board", 2026' },
      { hash: SHA.replace('e3', 'aa'), kind: 'sha256', line: 3 },
    ]);
    expect(rejections.map((r) => [r.line, r.reason])).toEqual([[4, 'kind-mismatch'], [5, 'no-hash'], [6, 'bad-category']]);
    expect(rejections[0]!.message).toMatch(/^list\.csv:4: 32 hex digits, but column sha256 needs 64/);
  });

  it('reads several hash columns per row, semicolon and tab delimited', () => {
    const semicolon = parse(`md5;sha256;phash\n${MD5};${SHA};${PHASH}`);
    expect(semicolon.entries.map((e) => e.kind)).toEqual(['md5', 'sha256', 'phash']);
    const tabs = parse(`hash\tcomment\n${PHASH}\tfirst\n${MD5}\tsecond`);
    expect(tabs.entries.map((e) => [e.kind, e.comment])).toEqual([['phash', 'first'], ['md5', 'second']]);
  });

  it('reports every bad line with file:line and keeps going', () => {
    const { entries, rejections } = parse(`${SHA}\nnot-a-hash\n${SHA.slice(0, 40)}\n"unclosed\n${MD5}`);
    expect(entries).toHaveLength(2);
    expect(rejections.map((r) => [r.line, r.reason])).toEqual([[2, 'not-hex'], [3, 'bad-length'], [4, 'not-hex']]);
    expect(rejections.every((r) => r.message.startsWith(`list.csv:${r.line}: `))).toBe(true);
  });

  it('with an explicit kind, refuses hashes of another length', () => {
    const { entries, rejections } = parse(`${PHASH}\n${MD5}`, 'phash');
    expect(entries.map((e) => e.kind)).toEqual(['phash']);
    expect(rejections[0]).toMatchObject({ line: 2, reason: 'kind-mismatch' });
    expect(rejections[0]!.message).toContain('--kind phash needs 16');
  });

  it('treats a first line that is a hash as data, not as a header', () => {
    expect(parse(`${SHA},x\n${MD5},y`).entries).toHaveLength(2);
  });
});

describe('hash helpers', () => {
  it('normalises hex and tells kinds by length', () => {
    expect(normalizeHex(' 0xABcd ')).toBe('abcd');
    expect(normalizeHex('xyz')).toBeNull();
    expect(normalizeHex('')).toBeNull();
    expect([kindOfLength(64), kindOfLength(32), kindOfLength(16), kindOfLength(40)]).toEqual(['sha256', 'md5', 'phash', null]);
  });

  it('splits CSV fields with quotes', () => {
    expect(splitCsv('a, "b,c" ,"d""e"', ',')).toEqual(['a', 'b,c', 'd"e']);
    expect(splitCsv('"open', ',')).toBeNull();
  });
});

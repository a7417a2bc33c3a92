// The building blocks of `npm run eval` (bench/eval): CSV reading, the figures, the MLMA label
// mapping and the rewrite of the generated section of docs/evaluation.md.
import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvRows } from '../../bench/eval/csv.ts';
import { accuracy, macroF1, scores } from '../../bench/eval/metrics.ts';
import { mlmaClass } from '../../bench/eval/mlma.ts';
import { BEGIN_MARKER, END_MARKER, spliceGenerated } from '../../bench/eval/report.ts';

describe('eval CSV reader', () => {
  it('reads quoted fields with commas, doubled quotes, newlines and CRLF', () => {
    const text = '\uFEFFa,b,c\r\n1,"x, y","say ""hi"""\r\n2,"two\nlines",\n';
    expect(parseCsvRows(text)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['2', 'two\nlines', ''],
    ]);
  });

  it('keys rows by header and names missing columns', () => {
    expect(parseCsv('tweet,sentiment\nhello,normal\n', ['tweet'], 'f.csv')).toEqual([{ tweet: 'hello', sentiment: 'normal' }]);
    expect(() => parseCsv('tweet\nhello\n', ['tweet', 'sentiment'], 'f.csv')).toThrow(/f\.csv: missing column\(s\) sentiment/);
    expect(() => parseCsv('', ['tweet'], 'f.csv')).toThrow(/empty/);
  });
});

describe('eval figures', () => {
  it('computes precision, recall, F1, accuracy and the macro F1 of both classes', () => {
    const c = { tp: 8, fp: 2, fn: 4, tn: 6 };
    const s = scores(c);
    expect(s.precision).toBeCloseTo(0.8);
    expect(s.recall).toBeCloseTo(8 / 12);
    expect(s.f1).toBeCloseTo((2 * 0.8 * (8 / 12)) / (0.8 + 8 / 12));
    // Negative class: precision 6/10, recall 6/8.
    const negF1 = (2 * 0.6 * 0.75) / (0.6 + 0.75);
    expect(macroF1(c)).toBeCloseTo((s.f1 + negF1) / 2);
    expect(accuracy(c)).toBeCloseTo(14 / 20);
  });

  it('gives 0 rather than NaN when a class is empty', () => {
    expect(scores({ tp: 0, fp: 0, fn: 0, tn: 5 })).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(Number.isNaN(macroF1({ tp: 0, fp: 0, fn: 0, tn: 0 }))).toBe(false);
  });
});

describe('MLMA label mapping', () => {
  it('counts any hateful annotation as hate, normal alone as not, the rest as other', () => {
    expect(mlmaClass('hateful')).toBe('hateful');
    expect(mlmaClass('offensive_hateful')).toBe('hateful');
    expect(mlmaClass('fearful_abusive_hateful_disrespectful_normal')).toBe('hateful');
    expect(mlmaClass('normal')).toBe('normal');
    expect(mlmaClass('offensive_normal')).toBe('other');
    expect(mlmaClass('abusive')).toBe('other');
  });
});

describe('generated section of the evaluation doc', () => {
  it('replaces only what lies between the markers, and appends them when absent', () => {
    const doc = `# Title\n\nNotes.\n${BEGIN_MARKER}\nold table\n${END_MARKER}\n\nAfter.\n`;
    const out = spliceGenerated(doc, 'new table\n');
    expect(out).toBe(`# Title\n\nNotes.\n${BEGIN_MARKER}\nnew table\n${END_MARKER}\n\nAfter.\n`);
    expect(spliceGenerated(out, 'newer')).toContain(`${BEGIN_MARKER}\nnewer\n${END_MARKER}`);
    expect(spliceGenerated('# Eval\n', 'table')).toBe(`# Eval\n\n${BEGIN_MARKER}\ntable\n${END_MARKER}\n`);
  });
});

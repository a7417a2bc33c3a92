// Binary classification counts and the figures derived from them.

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface Scores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export function emptyCounts(): Counts {
  return { tp: 0, fp: 0, fn: 0, tn: 0 };
}

export function count(counts: Counts, expected: boolean, predicted: boolean): void {
  if (expected && predicted) counts.tp++;
  else if (!expected && predicted) counts.fp++;
  else if (expected) counts.fn++;
  else counts.tn++;
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** Precision, recall and F1 of the positive class. */
export function scores(c: Counts): Scores {
  const precision = ratio(c.tp, c.tp + c.fp);
  const recall = ratio(c.tp, c.tp + c.fn);
  const f1 = ratio(2 * precision * recall, precision + recall);
  return { precision, recall, f1, support: c.tp + c.fn };
}

/** Mean of the F1 of the positive class and of the negative class (the classes swapped). */
export function macroF1(c: Counts): number {
  const negative: Counts = { tp: c.tn, fp: c.fn, fn: c.fp, tn: c.tp };
  return (scores(c).f1 + scores(negative).f1) / 2;
}

export function accuracy(c: Counts): number {
  return ratio(c.tp + c.tn, c.tp + c.fp + c.fn + c.tn);
}

export function fmt(value: number, digits = 3): string {
  return value.toFixed(digits);
}

// What every validator returns: the canonical value used for pivots, plus facts worth showing.
export interface Validated {
  value: string;
  details?: Record<string, string>;
}

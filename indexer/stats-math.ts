// Arithmetic the alert statistics share between backends: ISO week labels and percentiles.

/** The ISO 8601 week (UTC) of a time, as 'YYYY-Www': weeks start on Monday, week 1 holds the year's first Thursday. */
export function isoWeekOf(timeMs: number): string {
  const date = new Date(timeMs);
  const day = (date.getUTCDay() + 6) % 7; // Monday 0 .. Sunday 6
  // The Thursday of the same week decides the year and the week number.
  const thursday = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - day + 3);
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/**
 * The p-th percentile (0..100) of ascending values, interpolated linearly between the closest
 * ranks (the "R-7" definition spreadsheets and NumPy use); NaN for no values.
 */
export function percentile(sortedValues: readonly number[], p: number): number {
  if (sortedValues.length === 0) return Number.NaN;
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sortedValues.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sortedValues[low]!;
  return lowValue + (sortedValues[high]! - lowValue) * (rank - low);
}

/** Hours rounded to hundredths, as statistics report them. */
export function roundHours(hours: number): number {
  return Math.round(hours * 100) / 100;
}

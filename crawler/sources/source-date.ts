// Dates of sitemap entries (W3C datetime: `2024-05-01`, `2024-05-01T10:00+02:00`) and feed items
// (RFC 822 in RSS: `Wed, 01 May 2024 10:00:00 GMT`; RFC 3339 in Atom and Dublin Core). They are
// only compared with the value seen at the previous run, so what matters is a stable spelling:
// the same instant written two ways gives one string.

/** Longest raw date kept when it cannot be parsed (it is still compared as is). */
export const MAX_RAW_DATE_CHARS = 100;

// ISO date-times without seconds (`2024-05-01T10:00+02:00`) are valid W3C datetimes that some
// engines refuse; adding `:00` makes them plain ISO 8601.
const ISO_WITHOUT_SECONDS = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(Z|[+-]\d{2}:?\d{2})?$/i;
// Years outside this range are junk (and Date would accept them).
const MIN_YEAR = 1990;
const MAX_YEAR = 2200;

export interface SourceDate {
  /** ISO 8601 UTC (`2024-05-01T08:00:00.000Z`) when parseable, else the trimmed raw value. */
  value: string;
  /** Epoch milliseconds, for ordering; null when the value could not be parsed. */
  timeMs: number | null;
}

/** Null for an empty value. */
export function parseSourceDate(raw: string | null | undefined): SourceDate | null {
  const text = (raw ?? '').trim().replace(/\s+/g, ' ');
  if (text === '') return null;
  const iso = ISO_WITHOUT_SECONDS.exec(text);
  const candidate = iso ? `${iso[1]}:00${iso[2] ?? ''}` : text;
  const timeMs = Date.parse(candidate);
  if (Number.isNaN(timeMs)) return { value: text.slice(0, MAX_RAW_DATE_CHARS), timeMs: null };
  const year = new Date(timeMs).getUTCFullYear();
  if (year < MIN_YEAR || year > MAX_YEAR) return { value: text.slice(0, MAX_RAW_DATE_CHARS), timeMs: null };
  return { value: new Date(timeMs).toISOString(), timeMs };
}

// Option parsers shared by commands: every bad value is a clear usage error, never NaN.
import { InvalidArgumentError } from 'commander';

export function positiveInt(name: string, max = 10_000_000) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > max) {
      throw new InvalidArgumentError(`${name} must be a whole number between 0 and ${max}`);
    }
    return parsed;
  };
}

export function oneOf<T extends string>(name: string, allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`${name} must be one of: ${allowed.join(', ')}`);
    }
    return value as T;
  };
}

export function fraction(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (value.trim() === '' || !(parsed >= 0 && parsed <= 1)) throw new InvalidArgumentError(`${name} must be a number between 0 and 1`);
    return parsed;
  };
}

/** A date or ISO time (`--since 2026-01-31`), normalised to an ISO timestamp. */
export function isoDate(name: string) {
  return (value: string): string => {
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) throw new InvalidArgumentError(`${name} must be a date such as 2026-01-31 or 2026-01-31T12:00:00Z`);
    return date.toISOString();
  };
}

export const DATA_DIR_HELP = 'data directory (index, local Redis files); default ./data or VIGIE_DATA_DIR';

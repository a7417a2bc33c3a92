// What scanners hand to the resolver: an entity plus the facts needed to settle overlaps.
import type { Entity, EntityType } from '../types.ts';
import type { Validated } from './validators/validated.ts';

export interface Candidate extends Entity {
  /** For a url: where its host lies, to decide which entities may nest inside it. */
  hostStart?: number;
  hostEnd?: number;
  /** Emitted by the url scanner for the url's own host (a domain or ip entity). */
  ofUrl?: boolean;
}

export function candidate(type: EntityType, found: Validated, start: number, end: number): Candidate {
  const c: Candidate = { type, value: found.value, start, end };
  if (found.details && Object.keys(found.details).length > 0) c.details = found.details;
  return c;
}

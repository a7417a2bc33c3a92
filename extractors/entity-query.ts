// `TYPE:VALUE` as investigators type it (CLI --entity, API ?entity=), normalised exactly like
// extracted entities so the pivot finds them: `phone:06 12 34 56 78` → `phone:+33612345678`.
import { normalizeEntityValue } from './entities/index.ts';
import { ENTITY_TYPES, type EntityType } from './types.ts';

export type EntityQuery = { type: EntityType; value: string };

export type EntityQueryResult = { ok: true; query: EntityQuery } | { ok: false; message: string };

export function parseEntityQuery(raw: string): EntityQueryResult {
  const colon = raw.indexOf(':');
  const type = raw.slice(0, colon).trim().toLowerCase() as EntityType;
  if (colon < 0 || !ENTITY_TYPES.includes(type)) {
    return { ok: false, message: `an entity is TYPE:VALUE with TYPE one of ${ENTITY_TYPES.join(', ')}` };
  }
  const rawValue = raw.slice(colon + 1).trim();
  const value = normalizeEntityValue(type, rawValue);
  if (value === null) return { ok: false, message: `"${rawValue}" is not a valid ${type}` };
  return { ok: true, query: { type, value } };
}

// Canonical JSON (RFC 8785, the JSON Canonicalization Scheme) for the values Vigie signs: object
// keys sorted by UTF-16 code units, no whitespace, ECMAScript number and string serialization.
// Signatures are over these exact bytes, so anyone can re-derive them with any JCS library.
// Only plain JSON data is accepted: anything ambiguous (NaN, undefined in an array, a Date, a
// lone surrogate) is refused rather than silently changed.

const MAX_DEPTH = 64;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function canonicalJson(value: unknown): string {
  return serialize(value, 0);
}

export function canonicalJsonBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

function serialize(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new TypeError(`canonical JSON: nested deeper than ${MAX_DEPTH} levels (or a cycle)`);
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: ${value} is not a JSON number`);
      // ECMAScript's shortest round-trip form is the one RFC 8785 prescribes (-0 becomes 0).
      return JSON.stringify(value);
    case 'string':
      return serializeString(value);
    case 'object':
      return Array.isArray(value) ? serializeArray(value, depth) : serializeObject(value, depth);
    default:
      throw new TypeError(`canonical JSON: a ${typeof value} is not JSON data`);
  }
}

function serializeString(value: string): string {
  if (LONE_SURROGATE.test(value)) throw new TypeError('canonical JSON: string with a lone surrogate');
  return JSON.stringify(value);
}

function serializeArray(items: readonly unknown[], depth: number): string {
  const parts = items.map((item, index) => {
    if (item === undefined) throw new TypeError(`canonical JSON: undefined at array index ${index}`);
    return serialize(item, depth + 1);
  });
  return `[${parts.join(',')}]`;
}

function serializeObject(value: object, depth: number): string {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(`canonical JSON: a ${value.constructor?.name ?? 'non-plain'} object is not JSON data`);
  }
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is RFC 8785's order. Undefined members are
  // left out, as JSON.stringify does, so optional fields may be absent or undefined alike.
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  const parts = keys.map((key) => `${serializeString(key)}:${serialize(record[key], depth + 1)}`);
  return `{${parts.join(',')}}`;
}

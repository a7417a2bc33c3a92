// Canonical JSON as RFC 8785 defines it: the examples of the RFC itself, and refusals of values
// that would otherwise be signed ambiguously.
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonBytes } from '../../crawler/evidence/canonical-json.ts';

describe('canonicalJson', () => {
  it('matches the RFC 8785 section 3.2.2 example', () => {
    const input = String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`;
    expect(canonicalJson(JSON.parse(input))).toBe(
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    );
  });

  it('sorts keys by UTF-16 code units (RFC 8785 section 3.2.3)', () => {
    const input = JSON.parse(String.raw`{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}`);
    const expectedOrder: Array<[string, string]> = [
      ['\r', 'Carriage Return'],
      ['1', 'One'],
      ['\u0080', 'Control'],
      ['\u00f6', 'Latin Small Letter O With Diaeresis'],
      ['\u20ac', 'Euro Sign'],
      ['\ud83d\ude00', 'Emoji: Grinning Face'],
      ['\ufb33', 'Hebrew Letter Dalet With Dagesh'],
    ];
    expect(canonicalJson(input)).toBe(`{${expectedOrder.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}`);
  });

  it('sorts nested objects, keeps array order, and writes no whitespace', () => {
    expect(canonicalJson({ b: [3, { z: 1, a: 2 }, 1], a: { y: null, x: 'é' } })).toBe('{"a":{"x":"é","y":null},"b":[3,{"a":2,"z":1},1]}');
    expect(canonicalJsonBytes({ x: 'é' }).equals(Buffer.from('{"x":"é"}', 'utf8'))).toBe(true);
  });

  it('serializes numbers the ECMAScript way', () => {
    expect(canonicalJson([-0, 1e21, 1e-7, 0.1 + 0.2, 100, -1.5])).toBe('[0,1e+21,1e-7,0.30000000000000004,100,-1.5]');
  });

  it('leaves out undefined members, as optional fields', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it('refuses what is not plain JSON data', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/not a JSON number/);
    expect(() => canonicalJson([Infinity])).toThrow(/not a JSON number/);
    expect(() => canonicalJson([1, undefined])).toThrow(/undefined at array index 1/);
    expect(() => canonicalJson({ when: new Date(0) })).toThrow(/Date object/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/bigint/);
    expect(() => canonicalJson({ s: 'a\ud800b' })).toThrow(/lone surrogate/);
    expect(() => canonicalJson({ ['\udc00']: 1 })).toThrow(/lone surrogate/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(/deeper than/);
  });

  it('accepts well-formed surrogate pairs and objects without a prototype', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: '😀', a: 1 });
    expect(canonicalJson(bare)).toBe('{"a":1,"b":"😀"}');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64Strict, encodeBase64 } from '../../src/server/validation/base64.js';
import { UnserializableOutputError, encodeOutput } from '../../src/server/validation/encodeOutput.js';
import { MAX_DEPTH, parseStrictJson } from '../../src/server/validation/strictJson.js';

const parse = (text: string | Uint8Array) => parseStrictJson(typeof text === 'string' ? Buffer.from(text) : text);

describe('parseStrictJson', () => {
  it('parses exactly what JSON.parse parses for well-formed documents', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const text = JSON.stringify(value);
        expect(parse(text)).toEqual({ ok: true, value: JSON.parse(text) });
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['{} x', 'Unexpected content'],
    ['{}{}', 'Unexpected content'],
    ['{"a":1,"a":2}', "Duplicate member 'a'"],
    ['{"a":1,}', 'Expected a member name'],
    ['[1,]', 'Unexpected character'],
    ["{'a':1}", 'Expected a member name'],
    ['{"a":01}', "Expected ',' or '}'"],
    ['{"a":NaN}', 'Unexpected character'],
    ['{"a":1e999}', 'Number out of range'],
    ['{"a":"\u0001"}', 'Control character in string'],
    ['{"a":"\\x"}', 'Invalid escape'],
    ['{"a":"\\u12"}', 'Invalid \\u escape'],
    ['{"a":"', 'Unterminated string'],
    ['', 'Unexpected end of input'],
    ['\uFEFF{}', 'Unexpected character'],
    [`${'['.repeat(MAX_DEPTH + 1)}${']'.repeat(MAX_DEPTH + 1)}`, 'Nesting too deep'],
  ])('rejects %j', (text, why) => {
    const r = parse(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.type).toBe('SerializationException');
      expect(r.error.message).toContain(why);
    }
  });

  it('accepts surrounding whitespace and the deepest allowed nesting', () => {
    expect(parse(' \n\t{"a" : [ 1 , 2 ] }\r\n')).toEqual({ ok: true, value: { a: [1, 2] } });
    expect(parse(`${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}`).ok).toBe(true);
  });

  it('rejects invalid UTF-8', () => {
    const r = parse(Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]));
    expect(r.ok || r.error.message).toBe('The request body is not valid UTF-8');
  });

  it('never throws, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.string({ maxLength: 64 }).map((s) => Buffer.from(s))), (bytes) => {
        const r = parseStrictJson(bytes);
        if (!r.ok) expect(r.error.type).toBe('SerializationException');
      }),
      { numRuns: 500 },
    );
  });
});

describe('strict base64', () => {
  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(decodeBase64Strict(encodeBase64(bytes))).toEqual(bytes);
      }),
    );
  });

  it('accepts a string exactly when it is the canonical encoding of its bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'AQgw+/=_-\n '.split('')), maxLength: 12 }), (text) => {
        const decoded = decodeBase64Strict(text);
        const canonical = Buffer.from(text, 'base64').toString('base64') === text;
        expect(decoded !== undefined).toBe(canonical);
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with decoding and encoding again, whatever the last symbols and padding (property)', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const symbol = fc.constantFrom(...alphabet.split(''));
    const text = fc
      .tuple(fc.uint8Array({ maxLength: 40 }), fc.array(symbol, { maxLength: 3 }), fc.constantFrom('', '=', '==', '==='))
      .map(([bytes, tail, pad]) => Buffer.from(bytes).toString('base64').replace(/=+$/, '') + tail.join('') + pad);
    fc.assert(
      fc.property(text, (t) => {
        const decoded = decodeBase64Strict(t);
        const canonical = /^[A-Za-z0-9+/]*={0,2}$/.test(t) && t.length % 4 === 0 && Buffer.from(t, 'base64').toString('base64') === t;
        expect(decoded !== undefined).toBe(canonical);
        if (decoded !== undefined) expect(Buffer.from(decoded).equals(Buffer.from(t, 'base64'))).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });

  it('hands out a fresh copy, not a view of a shared pool', () => {
    const bytes = decodeBase64Strict('aGk=');
    expect(bytes?.buffer.byteLength).toBe(2);
  });
});

describe('encodeOutput', () => {
  it('writes blobs as base64, dates as fractional epoch seconds, and omits undefined', () => {
    const text = encodeOutput({
      CiphertextBlob: Uint8Array.from([1, 2, 3]),
      KeyMetadata: { CreationDate: new Date(1764072000123), DeletionDate: undefined, Enabled: true, EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'] },
      Truncated: false,
    });
    expect(text).toBe('{"CiphertextBlob":"AQID","KeyMetadata":{"CreationDate":1764072000.123,"Enabled":true,"EncryptionAlgorithms":["SYMMETRIC_DEFAULT"]},"Truncated":false}');
  });

  it('answers {} for empty outputs', () => {
    expect(encodeOutput({})).toBe('{}');
    expect(encodeOutput(undefined)).toBe('{}');
  });

  it('refuses values no KMS shape has (a bug, reported as an internal error)', () => {
    expect(() => encodeOutput({ a: new Map() })).toThrow(UnserializableOutputError);
    expect(() => encodeOutput({ a: Number.NaN })).toThrow(UnserializableOutputError);
    expect(() => encodeOutput({ a: new Date(Number.NaN) })).toThrow(UnserializableOutputError);
    expect(() => encodeOutput({ a: 1n })).toThrow(UnserializableOutputError);
    expect(() => encodeOutput([1])).toThrow(UnserializableOutputError);
  });
});

describe('encodeOutput against the plain encoding (copy to JSON values, then JSON.stringify)', () => {
  type Json = null | boolean | number | string | Json[] | { [member: string]: Json };
  const reference = (output: unknown): string => {
    const toJson = (value: unknown): Json | undefined => {
      if (value === undefined) return undefined;
      if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
      if (typeof value === 'number') {
        if (!Number.isFinite(value)) throw new UnserializableOutputError('non-finite');
        return value;
      }
      if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new UnserializableOutputError('invalid Date');
        return value.getTime() / 1000;
      }
      if (Array.isArray(value)) return value.map((item: unknown) => toJson(item) ?? null);
      if (typeof value === 'object') {
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) throw new UnserializableOutputError('unexpected object');
        const out = Object.create(null) as { [member: string]: Json };
        for (const [name, member] of Object.entries(value)) {
          const json = toJson(member);
          if (json !== undefined) out[name] = json;
        }
        return out;
      }
      throw new UnserializableOutputError('unexpected');
    };
    const json = toJson(output ?? {});
    if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new UnserializableOutputError('output is not a structure');
    return JSON.stringify(json);
  };
  const outcome = (f: () => string) => {
    try {
      return { text: f() };
    } catch (e) {
      return { error: e instanceof UnserializableOutputError };
    }
  };
  const leaf = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 6 }),
    fc.double(),
    fc.integer(),
    fc.constantFrom(-0, 1e21, 5e-324, Number.MAX_VALUE),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.uint8Array({ maxLength: 12 }),
    fc.date(),
    fc.constantFrom(new Date(Number.NaN), new Map(), 1n, Symbol('s'), () => 1),
  );
  const key = fc.oneof(fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('__proto__', '0', '10', '2', 'constructor', 'a"b'));
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('struct'), tie('bare')),
    array: fc.array(tie('tree'), { maxLength: 4 }),
    struct: fc.array(fc.tuple(key, tie('tree')), { maxLength: 5 }).map((pairs) => {
      const o: Record<string, unknown> = {};
      for (const [k, v] of pairs) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
      return o;
    }),
    bare: fc.array(fc.tuple(key, tie('tree')), { maxLength: 3 }).map((pairs) => Object.assign(Object.create(null) as object, Object.fromEntries(pairs))),
  }));

  it('writes the same text, and refuses the same values (property)', () => {
    fc.assert(
      fc.property(fc.oneof(tree, fc.constantFrom(undefined, null, [], 'x', new Uint8Array(2), new Date(0))), (output) => {
        expect(outcome(() => encodeOutput(output))).toEqual(outcome(() => reference(output)));
      }),
      { numRuns: 10_000 },
    );
  });
});

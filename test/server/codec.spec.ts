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

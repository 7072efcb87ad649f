// chain.ts and the canonical JSON of json.ts: the bytes every hash is computed over. An
// independent reference encoder (a Hash fed field by field) pins the format; properties show
// that the encoding is canonical and that any change to any field changes the hash.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chainFieldsOf, eventHash, GENESIS_HASH, metadataWithLinks, type ChainFields } from '../../src/store/chain.js';
import type { Json, JsonObject, RecordedEvent } from '../../src/store/eventStore.js';
import { canonicalJson, decodeJsonObject, encodeJsonObject } from '../../src/store/json.js';

/** The documented encoding, written out plainly. */
const referenceHash = (e: ChainFields): string => {
  const h = createHash('sha256');
  const lp = (s: string): void => {
    const bytes = Buffer.from(s, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    h.update(length).update(bytes);
  };
  const revision = Buffer.alloc(8);
  revision.writeBigUInt64BE(BigInt(e.revision));
  lp('keyledger/event/v1');
  lp(e.stream);
  h.update(revision);
  lp(e.id);
  lp(e.type);
  lp(e.data);
  lp(e.metadata);
  h.update(Buffer.from(e.prev, 'hex'));
  return h.digest('hex');
};

const arbObject = fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), fc.jsonValue({ maxDepth: 3 })).map((o) => o as unknown as JsonObject);
const arbFields: fc.Arbitrary<ChainFields> = fc.record({
  stream: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  revision: fc.oneof(fc.nat(1000), fc.constant(Number.MAX_SAFE_INTEGER), fc.integer({ min: 2 ** 32 - 2, max: 2 ** 32 + 2 })),
  id: fc.uuid(),
  type: fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
  data: arbObject.map((o) => encodeJsonObject(o, 'data')),
  metadata: arbObject.map((o) => encodeJsonObject(o, 'metadata')),
  prev: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
});

/** Deep copy with every object's members inserted in a shuffled order. */
const reorder = (value: Json, seed: number): Json => {
  if (Array.isArray(value)) return value.map((v) => reorder(v, seed));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).sort(([a], [b]) => ((a.length * 31 + seed) % 7) - ((b.length * 31 + seed) % 7));
  const out: Record<string, Json> = {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: reorder(v, seed), enumerable: true, writable: true, configurable: true });
  return out;
};

describe('canonical JSON', () => {
  it('sorts members recursively by UTF-16 code units, without whitespace', () => {
    // 'e\u0301' (e + combining acute) sorts before '\u00e9' (precomposed é): no normalization.
    expect(canonicalJson({ b: 1, a: [{ d: true, c: null }], '\u00e9': 'x', 'e\u0301': 'y', '10': 0, '9': 0 } as JsonObject)).toBe(
      '{"10":0,"9":0,"a":[{"c":null,"d":true}],"b":1,"e\u0301":"y","\u00e9":"x"}',
    );
    // A supplementary character (a surrogate pair, 0xD83D…) sorts before U+FF01 in UTF-16 order,
    // as RFC 8785 §3.2.3 requires, though it comes after it in code-point order.
    expect(canonicalJson({ '\uff01': 1, '\u{1f511}': 2 })).toBe('{"🔑":2,"！":1}');
    expect(canonicalJson({ n: [-0, 1e21, 1e-7, 0.1, 2 ** 53] })).toBe('{"n":[0,1e+21,1e-7,0.1,9007199254740992]}');
  });

  it('does not depend on member order, and is a fixed point of parse (property)', () => {
    fc.assert(
      fc.property(arbObject, fc.nat(), (value, seed) => {
        const text = canonicalJson(value);
        expect(canonicalJson(reorder(value, seed))).toBe(text);
        expect(canonicalJson(decodeJsonObject(text))).toBe(text);
        expect(encodeJsonObject(value, 'v')).toBe(text);
        // Parsed canonical text has its members in canonical order (but for integer-like keys),
        // which takes encodeJsonObject's one-JSON.stringify path.
        expect(encodeJsonObject(JSON.parse(text), 'v')).toBe(text);
      }),
    );
  });

  it('keeps an own "__proto__" member as data', () => {
    const value = JSON.parse('{"z":1,"__proto__":{"polluted":true}}') as JsonObject;
    expect(canonicalJson(value)).toBe('{"__proto__":{"polluted":true},"z":1}');
  });
});

describe('the event hash', () => {
  it('is SHA-256 over the documented length-prefixed encoding (property)', () => {
    fc.assert(
      fc.property(arbFields, (fields) => {
        expect(eventHash(fields)).toBe(referenceHash(fields));
      }),
    );
  });

  it('changes when any field changes (property)', () => {
    const change = (f: ChainFields, field: keyof ChainFields, salt: number): ChainFields => {
      switch (field) {
        case 'revision':
          return { ...f, revision: f.revision === 0 ? 1 : f.revision - 1 };
        case 'prev': {
          const prev = Buffer.from(f.prev, 'hex');
          prev[salt % 32] = (prev[salt % 32] ?? 0) ^ (1 << (salt % 8));
          return { ...f, prev: prev.toString('hex') };
        }
        case 'data':
        case 'metadata':
          return { ...f, [field]: f[field] === '{}' ? '{"":0}' : '{}' };
        default:
          return { ...f, [field]: `${f[field]}x` };
      }
    };
    const fields: (keyof ChainFields)[] = ['stream', 'revision', 'id', 'type', 'data', 'metadata', 'prev'];
    fc.assert(
      fc.property(arbFields, fc.constantFrom(...fields), fc.nat(), (f, field, salt) => {
        expect(eventHash(change(f, field, salt))).not.toBe(eventHash(f));
      }),
    );
  });

  it('does not let one field slide into the next', () => {
    const base: ChainFields = { stream: 'ab', revision: 0, id: 'i', type: 'c', data: '{}', metadata: '{}', prev: GENESIS_HASH };
    expect(eventHash({ ...base, stream: 'a', type: 'bc' })).not.toBe(eventHash(base));
    expect(eventHash({ ...base, data: '{"a":1}', metadata: '{}' })).not.toBe(eventHash({ ...base, data: '{}', metadata: '{"a":1}' }));
  });

  it('matches the reference for any UTF-16 text, lone surrogates and escapes included, whatever size came before (property)', () => {
    // Every code unit, so unpaired surrogates too (UTF-8 encodes each as U+FFFD on both sides),
    // and now and then a field far larger than the encoder's scratch buffer and its cached views.
    const anyText = (maxLength: number) => fc.string({ unit: fc.nat(0xffff).map((u) => String.fromCharCode(u)), maxLength });
    const big = fc.oneof({ weight: 4, arbitrary: anyText(200) }, { weight: 1, arbitrary: fc.constantFrom('"\\u00e9\\n"', 'é'.repeat(9_000), '🔑'.repeat(5_000)) });
    const fields: fc.Arbitrary<ChainFields> = fc.record({
      stream: anyText(40),
      revision: fc.oneof(fc.nat(1000), fc.constant(Number.MAX_SAFE_INTEGER), fc.integer({ min: 2 ** 32 - 2, max: 2 ** 32 + 2 })),
      id: anyText(40),
      type: anyText(20),
      data: big,
      metadata: big,
      prev: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
    });
    fc.assert(
      fc.property(fc.array(fields, { minLength: 1, maxLength: 6 }), (events) => {
        for (const e of events) expect(eventHash(e)).toBe(referenceHash(e));
      }),
    );
  });

  it('hashes inputs larger than its scratch buffer', () => {
    const fields: ChainFields = { stream: 's', revision: 1, id: 'i', type: 't', data: `{"x":"${'é'.repeat(40_000)}"}`, metadata: '{}', prev: GENESIS_HASH };
    expect(eventHash(fields)).toBe(referenceHash(fields));
  });

  it('refuses a prev that is not 64 lowercase hex and a revision that is not a count', () => {
    const base: ChainFields = { stream: 's', revision: 0, id: 'i', type: 't', data: '{}', metadata: '{}', prev: GENESIS_HASH };
    // 'š' (U+0161) and 'ı' (U+0131) have the low bytes of 'a' and '1': Node's hex decoder alone would take them.
    for (const prev of ['00'.repeat(31), 'AB'.repeat(32), `${'0'.repeat(62)}zz`, `${GENESIS_HASH}00`, `š${'0'.repeat(63)}`, `ı${'0'.repeat(63)}`, `İ${'0'.repeat(63)}`]) {
      expect(() => eventHash({ ...base, prev })).toThrow(TypeError);
    }
    expect(() => eventHash({ ...base, revision: -1 })).toThrow(RangeError);
  });
});

describe('the link in metadata', () => {
  it('is added to stored metadata on the way out, and taken off again to recompute the hash', () => {
    const prev = GENESIS_HASH;
    for (const metadata of ['{}', '{"a":{"b":[1]},"z":"y"}']) {
      const hash = eventHash({ stream: 's', revision: 0, id: 'i', type: 't', data: '{"d":1}', metadata, prev });
      const event: RecordedEvent = {
        stream: 's',
        revision: 0,
        position: 1,
        id: 'i',
        type: 't',
        data: decodeJsonObject('{"d":1}'),
        metadata: decodeJsonObject(metadataWithLinks(metadata, prev, hash)),
      };
      expect(event.metadata['prev']).toBe('0'.repeat(64));
      expect(event.metadata['hash']).toBe(hash);
      const fields = chainFieldsOf(event);
      expect(fields.metadata).toBe(metadata);
      expect(eventHash(fields)).toBe(fields.hash);
    }
  });
});

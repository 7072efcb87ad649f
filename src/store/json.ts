// Event data and metadata cross the store as JSON text. JSON.stringify is lossy without a word
// (undefined members vanish, NaN and Infinity become null, a Date becomes a string, array holes
// become null), and a silent change to an audit record is exactly what an event log must not
// allow. So every value is checked before it is stored, and a value that would not read back
// as itself is a TypeError for the caller instead.
//
// The text stored is CANONICAL (DESIGN.md, "Tamper evidence"): object members sorted by key in
// UTF-16 code-unit order, recursively, no whitespace, numbers and strings exactly as
// JSON.stringify writes them (ECMA-262 Number::toString, shortest round trip; -0 as 0). That is
// the JSON Canonicalization Scheme of RFC 8785 §3.2, except that a lone surrogate is kept as
// its \uXXXX escape (JSON.stringify's well-formed output) instead of refused. The same value
// always gives the same bytes, so the hash chain can hash the stored text as it is, and
// `canonicalJson(JSON.parse(text)) === text` for every stored text.
import type { Json, JsonObject } from './eventStore.js';

const isPlainObject = (value: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

const fail = (path: string, why: string): never => {
  throw new TypeError(`${path} is not JSON: ${why}`);
};

/** Checks `value` and writes its canonical text in the same walk. */
const encode = (value: unknown, path: string, ancestors: Set<object>): string => {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      // -0 is accepted and reads back as 0, as it does everywhere JSON goes.
      if (!Number.isFinite(value)) fail(path, String(value));
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      return fail(path, typeof value);
  }
  if (value === null) return 'null';
  if (ancestors.has(value)) fail(path, 'circular reference');
  ancestors.add(value);
  let text: string;
  if (Array.isArray(value)) {
    text = '[';
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) fail(`${path}[${i}]`, 'array hole');
      text += (i === 0 ? '' : ',') + encode(value[i], `${path}[${i}]`, ancestors);
    }
    text += ']';
  } else {
    if (!isPlainObject(value)) fail(path, `instance of ${value.constructor?.name ?? 'a class'}`);
    if (Object.getOwnPropertySymbols(value).length > 0) fail(path, 'symbol keys');
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    text = '{';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      text += `${i === 0 ? '' : ','}${JSON.stringify(key)}:${encode(record[key], `${path}.${key}`, ancestors)}`;
    }
    text += '}';
  }
  ancestors.delete(value);
  return text;
};

/** Deeper than this, `inCanonicalOrder` leaves the value to `encode`, which catches cycles. */
const FAST_DEPTH = 32;

/**
 * True when `encode` accepts `value` and every object in it already has its members in
 * canonical order: then JSON.stringify writes the canonical text itself (the same quoting and
 * number forms, since `encode` uses it for every string and number), in one native call
 * instead of a string built member by member — which was a tenth of the main thread's time
 * per Encrypt. The service builds its hot events' data and metadata in that order. False for
 * anything else, including anything nested deeper than FAST_DEPTH, which `encode` then walks.
 */
const inCanonicalOrder = (value: unknown, depth: number): boolean => {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth > FAST_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!(i in value) || !inCanonicalOrder(value[i], depth + 1)) return false;
    return true;
  }
  if (!isPlainObject(value) || Object.getOwnPropertySymbols(value).length > 0) return false;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if ((i > 0 && (keys[i - 1] as string) >= key) || !inCanonicalOrder(record[key], depth + 1)) return false;
  }
  return true;
};

/** Canonical JSON text of a plain JSON object, or a TypeError naming the first offending member. */
export const encodeJsonObject = (value: unknown, path: string): string => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'expected an object');
  return inCanonicalOrder(value, 0) ? JSON.stringify(value) : encode(value, path, new Set());
};

/** Canonical JSON text of a value already known to be JSON (e.g. just parsed). */
export const canonicalJson = (value: Json): string => encode(value, '$', new Set());

// Indexes and for-in rather than Object.values: no array allocated per object frozen, which
// showed as a fifth of an audit query's time (every event read is parsed and frozen).
export const deepFreeze = (value: Json): Json => {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) deepFreeze(value[i] as Json);
  } else {
    for (const key in value) deepFreeze(value[key] as Json);
  }
  Object.freeze(value);
  return value;
};

/**
 * Parses stored JSON text. The result is frozen: one recorded event is handed to every
 * subscriber, so a consumer that mutated it would corrupt what the others see.
 */
export const decodeJsonObject = (text: string): JsonObject => {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError('stored event JSON is not an object');
  }
  return deepFreeze(value as JsonObject) as JsonObject;
};

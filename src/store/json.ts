// Event data and metadata cross the store as JSON text. JSON.stringify is lossy without a word
// (undefined members vanish, NaN and Infinity become null, a Date becomes a string, array holes
// become null), and a silent change to an audit record is exactly what an event log must not
// allow. So every value is checked before it is stored, and a value that would not read back
// as itself is a TypeError for the caller instead.
import type { Json, JsonObject } from './eventStore.js';

const isPlainObject = (value: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

const fail = (path: string, why: string): never => {
  throw new TypeError(`${path} is not JSON: ${why}`);
};

const check = (value: unknown, path: string, ancestors: Set<object>): void => {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      // -0 is accepted and reads back as 0, as it does everywhere JSON goes.
      if (!Number.isFinite(value)) fail(path, String(value));
      return;
    case 'object':
      break;
    default:
      return fail(path, typeof value);
  }
  if (value === null) return;
  if (ancestors.has(value)) fail(path, 'circular reference');
  ancestors.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) fail(`${path}[${i}]`, 'array hole');
      check(value[i], `${path}[${i}]`, ancestors);
    }
  } else {
    if (!isPlainObject(value)) fail(path, `instance of ${value.constructor?.name ?? 'a class'}`);
    if (Object.getOwnPropertySymbols(value).length > 0) fail(path, 'symbol keys');
    for (const [key, member] of Object.entries(value)) check(member, `${path}.${key}`, ancestors);
  }
  ancestors.delete(value);
};

/** JSON text of a plain JSON object, or a TypeError naming the first offending member. */
export const encodeJsonObject = (value: unknown, path: string): string => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'expected an object');
  check(value, path, new Set());
  return JSON.stringify(value);
};

const deepFreeze = (value: Json): Json => {
  if (typeof value === 'object' && value !== null) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
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

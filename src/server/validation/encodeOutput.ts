// Serializes a response the way AWS JSON 1.1 does (reference/aws-kms-api.md §4; @smithy/core
// codec-v2): Uint8Array → standard padded base64, Date → epoch seconds as a JSON number with
// the fraction kept (1764072000.123), undefined members omitted, member names unchanged.
// Generic over the output shapes, so one function serves every operation.
import { encodeBase64 } from './base64.js';

type Json = null | boolean | number | string | Json[] | { [member: string]: Json };

/** Thrown for a value no KMS shape contains: a bug in the service, reported as KMSInternalException. */
export class UnserializableOutputError extends Error {}

const toJson = (value: unknown, path: string): Json | undefined => {
  if (value === undefined) return undefined;
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new UnserializableOutputError(`non-finite number at ${path}`);
    return value;
  }
  if (value instanceof Uint8Array) return encodeBase64(value);
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new UnserializableOutputError(`invalid Date at ${path}`);
    return ms / 1000;
  }
  if (Array.isArray(value)) return value.map((item: unknown, i) => toJson(item, `${path}[${i}]`) ?? null);
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new UnserializableOutputError(`unexpected object at ${path}`);
    // No prototype, so a member named "__proto__" stays a member.
    const out = Object.create(null) as { [member: string]: Json };
    for (const [name, member] of Object.entries(value)) {
      const json = toJson(member, `${path}.${name}`);
      if (json !== undefined) out[name] = json;
    }
    return out;
  }
  throw new UnserializableOutputError(`unexpected ${typeof value} at ${path}`);
};

/** Thrown by `textOf` for anything it leaves to toJson, which then reports it with its path. */
const NOT_PLAIN = Symbol('not plain');

/**
 * The JSON text of `value` written directly, member by member, for what outputs are made of
 * (strings, finite numbers, booleans, null, blobs, dates, arrays and plain structures):
 * exactly JSON.stringify(toJson(value)), without the copy, the entries arrays and the path
 * strings toJson builds for every member. Anything else throws NOT_PLAIN.
 */
const textOf = (value: unknown): string | undefined => {
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw NOT_PLAIN;
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw NOT_PLAIN;
  }
  if (value === null) return 'null';
  // Standard base64 needs no escaping inside a JSON string.
  if (value instanceof Uint8Array) return `"${encodeBase64(value)}"`;
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw NOT_PLAIN;
    return JSON.stringify(ms / 1000);
  }
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) text += `${i === 0 ? '' : ','}${textOf(value[i]) ?? 'null'}`;
    return `${text}]`;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN;
  let text = '';
  for (const name of Object.keys(value)) {
    const member = textOf((value as Record<string, unknown>)[name]);
    if (member !== undefined) text += `${text === '' ? '{' : ','}${JSON.stringify(name)}:${member}`;
  }
  return text === '' ? '{}' : `${text}}`;
};

/** The JSON text of an operation's output; `{}` for empty outputs. */
export const encodeOutput = (output: unknown): string => {
  const value = output ?? {};
  if (typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date)) {
    try {
      const text = textOf(value);
      if (text !== undefined) return text;
    } catch (e) {
      if (e !== NOT_PLAIN) throw e;
    }
  }
  // The general path: the same text, and the errors with their paths.
  const json = toJson(value, '$');
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new UnserializableOutputError('output is not a structure');
  return JSON.stringify(json);
};

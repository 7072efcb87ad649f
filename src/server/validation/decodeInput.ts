// Turns a parsed JSON body into a typed request, the way the AWS service front end does:
//   - a value of the wrong JSON type is a SerializationException (nothing else is checked);
//   - constraint violations are all collected into one ValidationException:
//       "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy
//        constraint: Member must have value greater than or equal to 1"
//     with the member path in lowerCamelCase, list elements as `tags.1.member.tagKey`, `; `
//     between violations, and `Value null at '...'` for a missing required member;
//   - blobs and sensitive strings are never echoed ("Value at 'plaintext' failed …");
//   - JSON null means "not set" and unknown members are ignored (AWS JSON 1.1 behaviour).
import { type WireResult, fail, ok, wireError } from '../wireError.js';
import { decodeBase64Strict } from './base64.js';
import type { AnyMemberSchema, ListMember, MemberSchema } from './schema.js';
import type { JsonObject, JsonValue } from './strictJson.js';

class TypeMismatch extends Error {}

const describe = (v: JsonValue): string => {
  if (v === null) return 'NULL_VALUE';
  if (Array.isArray(v)) return 'START_ARRAY';
  if (typeof v === 'object') return 'START_OBJECT';
  if (typeof v === 'string') return 'STRING_VALUE';
  if (typeof v === 'number') return 'NUMBER_VALUE';
  return v ? 'TRUE_VALUE' : 'FALSE_VALUE';
};

/** Jackson-style wording, as AWS's Java front end reports type errors. */
const mismatch = (v: JsonValue, expected: string): never => {
  if (Array.isArray(v)) throw new TypeMismatch('Start of list found where not expected.');
  if (v !== null && typeof v === 'object') throw new TypeMismatch('Start of structure or map found where not expected.');
  throw new TypeMismatch(`${describe(v)} can not be converted to ${expected}`);
};

const isObject = (v: JsonValue): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

export const wireName = (member: string): string => member.charAt(0).toLowerCase() + member.slice(1);

interface Violations {
  readonly list: string[];
}

const violation = (out: Violations, shown: string | undefined, path: string, constraint: string): void => {
  const value = shown === undefined ? 'Value' : `Value '${shown}'`;
  out.list.push(`${value} at '${path}' failed to satisfy constraint: Member must ${constraint}`);
};

const lengthChecks = (out: Violations, length: number, shown: string | undefined, path: string, min?: number, max?: number): void => {
  if (min !== undefined && length < min) violation(out, shown, path, `have length greater than or equal to ${min}`);
  if (max !== undefined && length > max) violation(out, shown, path, `have length less than or equal to ${max}`);
};

const patterns = new Map<string, RegExp>();
const fullMatch = (pattern: string, value: string): boolean => {
  let re = patterns.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`, 'u');
    patterns.set(pattern, re);
  }
  return re.test(value);
};

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

const decodeString = (m: Extract<MemberSchema, { kind: 'string' | 'enum' }>, v: JsonValue, path: string, out: Violations): string => {
  if (typeof v !== 'string') return mismatch(v, 'a String');
  if (m.kind === 'enum') {
    if (!m.values.includes(v)) violation(out, v, path, `satisfy enum value set: [${m.values.join(', ')}]`);
    return v;
  }
  const shown = m.sensitive ? undefined : v;
  lengthChecks(out, v.length, shown, path, m.min, m.max);
  if (m.pattern !== undefined && !fullMatch(m.pattern, v)) violation(out, shown, path, `satisfy regular expression pattern: ${m.pattern}`);
  return v;
};

const decodeList = (m: ListMember, v: JsonValue, path: string, out: Violations): string[] => {
  if (!Array.isArray(v)) return mismatch(v, 'a List');
  const items = v.map((item, i) => {
    if (item === null) throw new TypeMismatch('Null values are not allowed in lists.');
    return decodeString(m.member, item, `${path}.${i + 1}.member`, out);
  });
  lengthChecks(out, items.length, `[${items.join(', ')}]`, path, m.min, m.max);
  return items;
};

const decodeTags = (v: JsonValue, path: string, out: Violations): { TagKey: string; TagValue: string }[] => {
  if (!Array.isArray(v)) return mismatch(v, 'a List');
  return v.map((item, i) => {
    if (!isObject(item)) return mismatch(item, 'a Structure');
    const at = `${path}.${i + 1}.member`;
    const tag = { TagKey: '', TagValue: '' };
    for (const [name, schema] of [
      ['TagKey', { kind: 'string', min: 1, max: 128 }],
      ['TagValue', { kind: 'string', min: 0, max: 256 }],
    ] as const) {
      const raw = item[name];
      if (raw === undefined || raw === null) out.list.push(`Value null at '${at}.${wireName(name)}' failed to satisfy constraint: Member must not be null`);
      else tag[name] = decodeString(schema, raw, `${at}.${wireName(name)}`, out);
    }
    return tag;
  });
};

const decodeMember = (m: MemberSchema, v: JsonValue, path: string, out: Violations): unknown => {
  switch (m.kind) {
    case 'string':
    case 'enum':
      return decodeString(m, v, path, out);
    case 'integer': {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < INT_MIN || v > INT_MAX) return mismatch(v, 'an Integer');
      if (m.min !== undefined && v < m.min) violation(out, String(v), path, `have value greater than or equal to ${m.min}`);
      if (m.max !== undefined && v > m.max) violation(out, String(v), path, `have value less than or equal to ${m.max}`);
      return v;
    }
    case 'boolean':
      return typeof v === 'boolean' ? v : mismatch(v, 'a Boolean');
    case 'blob': {
      if (typeof v !== 'string') return mismatch(v, 'a Blob');
      const bytes = decodeBase64Strict(v);
      if (!bytes) throw new TypeMismatch(`Value at '${path}' is not valid base64.`);
      lengthChecks(out, bytes.length, undefined, path, m.min, m.max);
      return bytes;
    }
    case 'timestamp': {
      const date = typeof v === 'number' ? new Date(v * 1000) : mismatch(v, 'a Timestamp');
      return Number.isNaN(date.getTime()) ? mismatch(v, 'a Timestamp') : date;
    }
    case 'map': {
      if (!isObject(v)) return mismatch(v, 'a Map');
      return Object.fromEntries(Object.entries(v).map(([k, value]) => [k, typeof value === 'string' ? value : mismatch(value, 'a String')]));
    }
    case 'list':
      return decodeList(m, v, path, out);
    case 'tags':
      return decodeTags(v, path, out);
  }
};

export const validationError = (violations: readonly string[]) =>
  wireError(
    'ValidationException',
    `${violations.length} validation error${violations.length === 1 ? '' : 's'} detected: ${violations.join('; ')}`,
  );

type Members = readonly (readonly [name: string, member: AnyMemberSchema, wireName: string])[];

/** Each schema's members and their wire names, listed once: the schemas are constant tables. */
const schemaMembers = new WeakMap<object, Members>();

const membersOf = (schema: Readonly<Record<string, AnyMemberSchema>>): Members => {
  let members = schemaMembers.get(schema);
  if (members === undefined) {
    members = Object.entries(schema).map(([name, member]) => [name, member, wireName(name)] as const);
    schemaMembers.set(schema, members);
  }
  return members;
};

/**
 * Decodes a request structure. The caller's schema is what links the result to its type
 * (see StructureSchema); here it is walked generically.
 */
export const decodeStructure = <T>(schema: Readonly<Record<string, AnyMemberSchema>>, body: JsonValue): WireResult<T> => {
  if (!isObject(body)) {
    return fail(wireError('SerializationException', Array.isArray(body) ? 'Start of list found where not expected.' : `${describe(body)} can not be converted to a Structure`));
  }
  const out: Violations = { list: [] };
  const decoded: Record<string, unknown> = {};
  try {
    for (const [name, member, wire] of membersOf(schema)) {
      const raw = Object.hasOwn(body, name) ? body[name] : undefined;
      if (raw === undefined || raw === null) {
        if (member.required) out.list.push(`Value null at '${wire}' failed to satisfy constraint: Member must not be null`);
        continue;
      }
      decoded[name] = decodeMember(member, raw, wire, out);
    }
  } catch (e) {
    if (e instanceof TypeMismatch) return fail(wireError('SerializationException', e.message));
    throw e;
  }
  if (out.list.length > 0) return fail(validationError(out.list));
  return ok(decoded as T);
};

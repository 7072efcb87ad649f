import { describe, expect, it } from 'vitest';
import { decodeInput, isOperationName, operations } from '../../src/server/operations.js';
import type { StructureSchema } from '../../src/server/validation/schema.js';
import type { JsonValue } from '../../src/server/validation/strictJson.js';
import type { OperationName } from '../../src/service/shapes.js';

const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
const b64 = (n: number) => Buffer.alloc(n, 7).toString('base64');

const errorOf = (operation: OperationName, body: JsonValue) => {
  const r = decodeInput(operation, body);
  return r.ok ? undefined : { type: r.error.type, message: r.error.message, status: r.error.status };
};
const validation = (message: string) => ({ type: 'ValidationException', message, status: 400 });
const serialization = (message: string) => ({ type: 'SerializationException', message, status: 400 });

/** Required members of each request, as the service model (and shapes.ts) has them. */
const requiredMembers: Record<OperationName, string[]> = {
  CreateKey: [],
  DescribeKey: ['keyId'],
  ListKeys: [],
  UpdateKeyDescription: ['keyId', 'description'],
  EnableKey: ['keyId'],
  DisableKey: ['keyId'],
  ScheduleKeyDeletion: ['keyId'],
  CancelKeyDeletion: ['keyId'],
  EnableKeyRotation: ['keyId'],
  DisableKeyRotation: ['keyId'],
  GetKeyRotationStatus: ['keyId'],
  RotateKeyOnDemand: ['keyId'],
  ListKeyRotations: ['keyId'],
  CreateAlias: ['aliasName', 'targetKeyId'],
  UpdateAlias: ['aliasName', 'targetKeyId'],
  DeleteAlias: ['aliasName'],
  ListAliases: [],
  TagResource: ['keyId', 'tags'],
  UntagResource: ['keyId', 'tagKeys'],
  ListResourceTags: ['keyId'],
  GetKeyPolicy: ['keyId'],
  PutKeyPolicy: ['keyId', 'policy'],
  ListKeyPolicies: ['keyId'],
  Encrypt: ['keyId', 'plaintext'],
  Decrypt: [],
  ReEncrypt: ['destinationKeyId'],
  GenerateDataKey: ['keyId'],
  GenerateDataKeyWithoutPlaintext: ['keyId'],
  GenerateRandom: [],
  GetKeyLastUsage: ['keyId'],
};

describe('the operations table', () => {
  it('covers exactly the operations of shapes.ts', () => {
    expect(Object.keys(operations).sort()).toEqual(Object.keys(requiredMembers).sort());
    expect(isOperationName('Encrypt')).toBe(true);
    expect(isOperationName('toString')).toBe(false);
    expect(isOperationName('Sign')).toBe(false);
  });

  it.each(Object.entries(requiredMembers))('%s requires exactly %j', (operation, members) => {
    const error = errorOf(operation as OperationName, {});
    const base = operation === 'Decrypt' || operation === 'ReEncrypt' ? ['ciphertextBlob'] : [];
    const expected = [...members, ...(members.length === 0 ? base : [])];
    if (expected.length === 0) {
      if (operation.startsWith('GenerateDataKey')) return;
      expect(error).toBeUndefined();
      return;
    }
    const n = expected.length;
    expect(error).toEqual(
      validation(
        `${n} validation error${n === 1 ? '' : 's'} detected: ${expected.map((m) => `Value null at '${m}' failed to satisfy constraint: Member must not be null`).join('; ')}`,
      ),
    );
  });
});

describe('constraint messages, in AWS wording', () => {
  it('integer ranges (the exact message AWS returns)', () => {
    expect(errorOf('GenerateDataKey', { KeyId: KEY, NumberOfBytes: 0 })).toEqual(
      validation("1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1"),
    );
    expect(errorOf('GenerateRandom', { NumberOfBytes: 1025 })?.message).toBe(
      "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
    );
    expect(errorOf('EnableKeyRotation', { KeyId: KEY, RotationPeriodInDays: 89 })?.message).toContain("Value '89' at 'rotationPeriodInDays'");
    expect(errorOf('ScheduleKeyDeletion', { KeyId: KEY, PendingWindowInDays: 366 })?.message).toContain('less than or equal to 365');
    expect(errorOf('ScheduleKeyDeletion', { KeyId: KEY, PendingWindowInDays: 3 })).toBeUndefined(); // 7–30 is the domain's rule
  });

  it('string lengths', () => {
    expect(errorOf('DescribeKey', { KeyId: '' })).toEqual(
      validation("1 validation error detected: Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1"),
    );
    expect(errorOf('DescribeKey', { KeyId: 'k'.repeat(2049) })?.message).toBe(
      `1 validation error detected: Value '${'k'.repeat(2049)}' at 'keyId' failed to satisfy constraint: Member must have length less than or equal to 2048`,
    );
    expect(errorOf('UpdateKeyDescription', { KeyId: KEY, Description: '' })).toBeUndefined();
    expect(errorOf('UpdateKeyDescription', { KeyId: KEY, Description: 'd'.repeat(8193) })?.message).toContain('less than or equal to 8192');
  });

  it('patterns, printed as the model writes them', () => {
    expect(errorOf('DeleteAlias', { AliasName: 'alias/bad name' })).toEqual(
      validation(
        "1 validation error detected: Value 'alias/bad name' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
      ),
    );
    expect(errorOf('PutKeyPolicy', { KeyId: KEY, Policy: '{"a":"\u0001"}' })?.message).toContain(
      'Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
    );
    expect(errorOf('PutKeyPolicy', { KeyId: KEY, Policy: '{\n\t"Version": "2012-10-17 é"\r\n}' })).toBeUndefined();
    expect(errorOf('GetKeyPolicy', { KeyId: KEY, PolicyName: 'not-default' })?.message).toContain('pattern: [\\w]+');
    expect(errorOf('ListKeys', { Marker: 'm\u0100' })?.message).toContain("at 'marker' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0020-\\u00FF]*");
  });

  it('enums, with the values in the model order', () => {
    expect(errorOf('Encrypt', { KeyId: KEY, Plaintext: b64(1), EncryptionAlgorithm: 'AES' })).toEqual(
      validation(
        "1 validation error detected: Value 'AES' at 'encryptionAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE]",
      ),
    );
    expect(errorOf('GenerateDataKey', { KeyId: KEY, KeySpec: 'AES_257' })?.message).toBe(
      "1 validation error detected: Value 'AES_257' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]",
    );
    expect(errorOf('CreateKey', { KeySpec: 'ML_DSA_65', KeyUsage: 'SIGN_VERIFY' })).toBeUndefined();
    expect(errorOf('CreateKey', { CustomerMasterKeySpec: 'ML_DSA_65' })?.type).toBe('ValidationException');
  });

  it('blob lengths in decoded bytes, never echoing the value', () => {
    const plaintext = b64(4097);
    const error = errorOf('Encrypt', { KeyId: KEY, Plaintext: plaintext });
    expect(error).toEqual(
      validation("1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096"),
    );
    expect(errorOf('Encrypt', { KeyId: KEY, Plaintext: b64(4096) })).toBeUndefined();
    expect(errorOf('Encrypt', { KeyId: KEY, Plaintext: '' })?.message).toBe(
      "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    expect(errorOf('Decrypt', { CiphertextBlob: b64(6145) })?.message).toContain("Value at 'ciphertextBlob'");
  });

  it('list lengths and list members', () => {
    const tokens = Array.from({ length: 11 }, (_, i) => `t${i}`);
    expect(errorOf('DescribeKey', { KeyId: KEY, GrantTokens: tokens })?.message).toBe(
      `1 validation error detected: Value '[${tokens.join(', ')}]' at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10`,
    );
    expect(errorOf('DescribeKey', { KeyId: KEY, GrantTokens: ['ok', ''] })?.message).toBe(
      "1 validation error detected: Value '' at 'grantTokens.2.member' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    expect(errorOf('Decrypt', { CiphertextBlob: b64(8), DryRunModifiers: ['NOPE'] })?.message).toContain("at 'dryRunModifiers.1.member'");
  });

  it('tags: both members required, with their own lengths', () => {
    expect(errorOf('TagResource', { KeyId: KEY, Tags: [{ TagKey: '' }] })).toEqual(
      validation(
        "2 validation errors detected: Value '' at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length greater than or equal to 1; Value null at 'tags.1.member.tagValue' failed to satisfy constraint: Member must not be null",
      ),
    );
    expect(errorOf('TagResource', { KeyId: KEY, Tags: [{ TagKey: 'k', TagValue: '' }] })).toBeUndefined();
    expect(errorOf('TagResource', { KeyId: KEY, Tags: [{ TagKey: 'k', TagValue: 'v'.repeat(257) }] })?.message).toContain(
      "at 'tags.1.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256",
    );
  });

  it('reports every violation, in member order', () => {
    expect(errorOf('Encrypt', { KeyId: '', EncryptionAlgorithm: 'X' })?.message).toBe(
      "3 validation errors detected: Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value null at 'plaintext' failed to satisfy constraint: Member must not be null; " +
        "Value 'X' at 'encryptionAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE]",
    );
  });

  it('ListAliases and ListResourceTags have their documented page sizes', () => {
    expect(errorOf('ListAliases', { Limit: 101 })?.message).toContain("Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100");
    expect(errorOf('ListResourceTags', { KeyId: KEY, Limit: 51 })?.message).toContain('less than or equal to 50');
    expect(errorOf('ListKeys', { Limit: 1000 })).toBeUndefined();
    expect(errorOf('ListKeys', { Limit: 0 })?.message).toContain('greater than or equal to 1');
  });
});

describe('cross-member rules', () => {
  it('GenerateDataKey needs exactly one of KeySpec and NumberOfBytes', () => {
    const message = validation('Please specify either number of bytes or key spec.');
    expect(errorOf('GenerateDataKey', { KeyId: KEY })).toEqual(message);
    expect(errorOf('GenerateDataKeyWithoutPlaintext', { KeyId: KEY, KeySpec: 'AES_256', NumberOfBytes: 32 })).toEqual(message);
    expect(errorOf('GenerateDataKey', { KeyId: KEY, KeySpec: 'AES_128' })).toBeUndefined();
    expect(errorOf('GenerateDataKeyWithoutPlaintext', { KeyId: KEY, NumberOfBytes: 64 })).toBeUndefined();
  });

  it('Decrypt and ReEncrypt need CiphertextBlob unless told to ignore it', () => {
    expect(errorOf('Decrypt', { DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] })).toBeUndefined();
    expect(errorOf('ReEncrypt', { DestinationKeyId: KEY })?.message).toBe(
      "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null",
    );
  });
});

describe('type errors are SerializationException', () => {
  it.each<[OperationName, JsonValue, string]>([
    ['DescribeKey', { KeyId: 5 }, 'NUMBER_VALUE can not be converted to a String'],
    ['DescribeKey', { KeyId: true }, 'TRUE_VALUE can not be converted to a String'],
    ['DescribeKey', { KeyId: { a: 1 } }, 'Start of structure or map found where not expected.'],
    ['DescribeKey', { KeyId: ['a'] }, 'Start of list found where not expected.'],
    ['GenerateRandom', { NumberOfBytes: '5' }, 'STRING_VALUE can not be converted to an Integer'],
    ['GenerateRandom', { NumberOfBytes: 1.5 }, 'NUMBER_VALUE can not be converted to an Integer'],
    ['GenerateRandom', { NumberOfBytes: 2 ** 31 }, 'NUMBER_VALUE can not be converted to an Integer'],
    ['CreateKey', { MultiRegion: 'true' }, 'STRING_VALUE can not be converted to a Boolean'],
    ['Encrypt', { KeyId: KEY, Plaintext: 'aGk', EncryptionContext: {} }, "Value at 'plaintext' is not valid base64."],
    ['Encrypt', { KeyId: KEY, Plaintext: 'aG k=' }, "Value at 'plaintext' is not valid base64."],
    ['Encrypt', { KeyId: KEY, Plaintext: 'aGk=\n' }, "Value at 'plaintext' is not valid base64."],
    ['Encrypt', { KeyId: KEY, Plaintext: '-_8=' }, "Value at 'plaintext' is not valid base64."],
    ['Encrypt', { KeyId: KEY, Plaintext: 'aGl=' }, "Value at 'plaintext' is not valid base64."],
    ['Encrypt', { KeyId: KEY, Plaintext: 123 }, 'NUMBER_VALUE can not be converted to a Blob'],
    ['Encrypt', { KeyId: KEY, Plaintext: 'aGk=', EncryptionContext: { a: 1 } }, 'NUMBER_VALUE can not be converted to a String'],
    ['Encrypt', { KeyId: KEY, Plaintext: 'aGk=', EncryptionContext: ['a'] }, 'Start of list found where not expected.'],
    ['DescribeKey', { KeyId: KEY, GrantTokens: 'a' }, 'STRING_VALUE can not be converted to a List'],
    ['DescribeKey', { KeyId: KEY, GrantTokens: [null] }, 'Null values are not allowed in lists.'],
    ['TagResource', { KeyId: KEY, Tags: ['k'] }, 'STRING_VALUE can not be converted to a Structure'],
    ['ListKeys', [], 'Start of list found where not expected.'],
    ['ListKeys', 'x', 'STRING_VALUE can not be converted to a Structure'],
  ])('%s %j', (operation, body, message) => {
    expect(errorOf(operation, body)).toEqual(serialization(message));
  });
});

describe('decoded inputs', () => {
  it('decodes blobs to bytes, keeps maps and lists, drops nulls and unknown members', () => {
    const r = decodeInput('Encrypt', {
      KeyId: 'alias/app',
      Plaintext: 'aGVsbG8=',
      EncryptionContext: { tenant: 't1', __proto__: 'x' } as JsonValue,
      GrantTokens: ['g'],
      EncryptionAlgorithm: null,
      Surprise: { nested: [1, 2] },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.Plaintext).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(r.value.Plaintext).toString()).toBe('hello');
    expect(r.value).not.toHaveProperty('EncryptionAlgorithm');
    expect(r.value).not.toHaveProperty('Surprise');
    expect(r.value.GrantTokens).toEqual(['g']);
    expect(r.value.EncryptionContext?.tenant).toBe('t1');
  });

  it('keeps a map member named __proto__ as data', () => {
    const members = JSON.parse('{"KeyId":"k","Plaintext":"aGk=","EncryptionContext":{"__proto__":"x"}}') as JsonValue;
    const r = decodeInput('Encrypt', members);
    expect(r.ok && Object.getOwnPropertyDescriptor(r.value.EncryptionContext, '__proto__')?.value).toBe('x');
    expect(r.ok && Object.getPrototypeOf(r.value.EncryptionContext)).toBe(Object.prototype);
  });

  it('decodes tags and integers', () => {
    const r = decodeInput('CreateKey', { Tags: [{ TagKey: 'k', TagValue: 'v', Extra: 1 }], Description: 'd', MultiRegion: false });
    expect(r).toEqual({ ok: true, value: { Tags: [{ TagKey: 'k', TagValue: 'v' }], Description: 'd', MultiRegion: false } });
  });
});

describe('StructureSchema ties the table to shapes.ts at compile time', () => {
  type T = { A: string; B?: number; C?: 'x' | 'y'; D: Uint8Array };
  it('compiles only schemas that match their type', () => {
    // @ts-expect-error A is required, so it must say so
    const missingRequired: StructureSchema<T> = { A: { kind: 'string' }, B: { kind: 'integer' }, C: { kind: 'enum', values: ['x'] }, D: { kind: 'blob', required: true } };
    // @ts-expect-error B is a number, not a string
    const wrongKind: StructureSchema<T> = { A: { kind: 'string', required: true }, B: { kind: 'string' }, C: { kind: 'enum', values: ['x'] }, D: { kind: 'blob', required: true } };
    // @ts-expect-error 'z' is not a value of C
    const wrongEnum: StructureSchema<T> = { A: { kind: 'string', required: true }, B: { kind: 'integer' }, C: { kind: 'enum', values: ['z'] }, D: { kind: 'blob', required: true } };
    // @ts-expect-error D is not described
    const missingMember: StructureSchema<T> = { A: { kind: 'string', required: true }, B: { kind: 'integer' }, C: { kind: 'enum', values: ['x'] } };
    const fine: StructureSchema<T> = { A: { kind: 'string', required: true }, B: { kind: 'integer' }, C: { kind: 'enum', values: ['x', 'y'] }, D: { kind: 'blob', required: true } };
    expect([missingRequired, wrongKind, wrongEnum, missingMember, fine]).toHaveLength(5);
  });
});

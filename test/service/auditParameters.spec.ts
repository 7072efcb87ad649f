import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditParameters } from '../../src/service/auditParameters.js';

const camel = (member: string): string => member.charAt(0).toLowerCase() + member.slice(1);
/** The order the audit record lists members in, by a plain stable sort on their camel names. */
const referenceOrder = (members: string[]): string[] =>
  [...members].sort((a, b) => (camel(a) < camel(b) ? -1 : camel(a) > camel(b) ? 1 : 0)).map(camel);

describe('auditParameters', () => {
  it('lists members in the order of their camelCase names (property)', () => {
    const name = fc.oneof(
      fc.constantFrom('KeyId', 'Plaintext', 'EncryptionAlgorithm', 'GrantTokens', 'DryRun', 'keyId', 'Keyid', 'K', 'k', 'Ä', 'ä', 'İx', 'ǅa', '_a', '1', ''),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 9 }), (members) => {
        const input = Object.fromEntries(members.map((m) => [m, 'v']));
        const expected = Object.keys(Object.fromEntries(referenceOrder(Object.keys(input)).map((m) => [m, 'v'])));
        expect(Object.keys(auditParameters(input))).toEqual(expected);
      }),
      { numRuns: 5_000 },
    );
  });
});

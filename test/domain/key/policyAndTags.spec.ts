// PutKeyPolicy, the default key policy, TagResource and UntagResource
// (reference/aws-kms-api.md §1.4, §1.10, §5).
import { describe, expect, it } from 'vitest';
import { defaultKeyPolicy, type Tag } from '../../../src/domain/key/index.js';
import { ARN, command, given, histories, keyCreated, keyTagged, scope, T3 } from './fixtures.js';

const put = (policy: string, policyName = 'default') => command('PutKeyPolicy', { policyName, policy });
const tag = (TagKey: string, TagValue = ''): Tag => ({ TagKey, TagValue });
const tags = (n: number, prefix = 'k'): Tag[] => Array.from({ length: n }, (_, i) => tag(`${prefix}${i}`));

describe('defaultKeyPolicy', () => {
  it('is AWS’s default policy, pretty-printed as GetKeyPolicy returns it', () =>
    expect(defaultKeyPolicy('111122223333')).toBe(
      `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::111122223333:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`,
    ));

  it('is valid JSON with the account root as principal', () =>
    expect(JSON.parse(defaultKeyPolicy('444455556666'))).toEqual({
      Version: '2012-10-17',
      Id: 'key-default-1',
      Statement: [
        { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'kms:*', Resource: '*' },
      ],
    }));
});

describe('PutKeyPolicy', () => {
  const policy = '{"Version":"2012-10-17","Statement":[]}';

  it.each(Object.keys(histories) as (keyof typeof histories)[])('records the new policy in every state a key exists in (%s)', (state) =>
    given(histories[state]).when(put(policy)).then([{ type: 'KeyPolicyPut', data: { at: T3, policyName: 'default', policy } }]));

  it('replaces the policy in the key state', () =>
    given(histories.Enabled).when(put(policy)).thenState((key) => expect(key).toMatchObject({ policy })));

  it('records nothing when the policy is unchanged', () =>
    given(histories.Enabled).when(put(defaultKeyPolicy(scope.account))).thenNothing());

  it('refuses a policy name other than default', () =>
    given(histories.Enabled).when(put(policy, 'custom')).thenThrows('ValidationException'));

  it('accepts a policy of exactly 32768 UTF-8 bytes', () => {
    const exact = `{"a":"${'x'.repeat(32_768 - 8)}"}`;
    expect(new TextEncoder().encode(exact).length).toBe(32_768);
    given(histories.Enabled).when(put(exact)).then([{ type: 'KeyPolicyPut', data: { at: T3, policyName: 'default', policy: exact } }]);
  });

  it('counts bytes, not characters: 32768 characters of é are over the quota', () => {
    const wide = `{"a":"${'é'.repeat(16_381)}"}`;
    expect(wide.length).toBeLessThan(32_768);
    given(histories.Enabled).when(put(wide)).thenThrows('LimitExceededException');
  });

  it.each(['not json', '{"a":', '', '[]', '"policy"', 'null', '42'])('refuses %j as malformed', (bad) =>
    given(histories.Enabled).when(put(bad)).thenThrows('MalformedPolicyDocumentException'));
});

describe('TagResource', () => {
  const tagResource = (...t: Tag[]) => command('TagResource', { tags: t });

  it.each(['Enabled', 'Disabled'] as const)('records the new tags (%s)', (state) =>
    given(histories[state]).when(tagResource(tag('team', 'payments'))).then([keyTagged([tag('team', 'payments')], T3)]));

  it('is refused while the key is pending deletion', () =>
    given(histories.PendingDeletion).when(tagResource(tag('a'))).thenThrows('KMSInvalidStateException', `${ARN} is pending deletion.`));

  it('upserts by TagKey: a new value keeps its position, new keys are appended', () =>
    given([keyCreated({ tags: [tag('a', '1'), tag('b', '2')] })])
      .when(tagResource(tag('c', '3'), tag('a', 'one')))
      .thenState((key) => expect(key).toMatchObject({ tags: [tag('a', 'one'), tag('b', '2'), tag('c', '3')] })));

  it('records only the tags whose value changes', () =>
    given([keyCreated({ tags: [tag('a', '1'), tag('b', '2')] })])
      .when(tagResource(tag('a', '1'), tag('b', 'two')))
      .then([keyTagged([tag('b', 'two')], T3)]));

  it('records nothing when every tag already has its value', () =>
    given([keyCreated({ tags: [tag('a', '1')] })]).when(tagResource(tag('a', '1'))).thenNothing());

  it.each(['aws:team', 'AWS:team', 'Aws:x'])('refuses the reserved prefix (%s)', (key) =>
    given(histories.Enabled).when(tagResource(tag(key))).thenThrows('TagException', 'Tags beginning with aws: are reserved'));

  it('refuses the same TagKey twice in one request', () =>
    given(histories.Enabled).when(tagResource(tag('a', '1'), tag('a', '2'))).thenThrows('TagException', 'Duplicate tag keys'));

  it('allows 50 tags per key and refuses the 51st', () => {
    given([keyCreated({ tags: tags(49) })]).when(tagResource(tag('new'))).then([keyTagged([tag('new')], T3)]);
    given([keyCreated({ tags: tags(50) })]).when(tagResource(tag('new'))).thenThrows('TagException', 'Too many tags');
  });

  it('lets a key at 50 tags change the value of one it has', () =>
    given([keyCreated({ tags: tags(50) })]).when(tagResource(tag('k7', 'v'))).then([keyTagged([tag('k7', 'v')], T3)]));

  it('accepts an empty TagValue and the maximum lengths', () =>
    given(histories.Enabled).when(tagResource(tag('x'.repeat(128), 'y'.repeat(256)), tag('e', ''))).then([
      keyTagged([tag('x'.repeat(128), 'y'.repeat(256)), tag('e', '')], T3),
    ]));

  const violation = (value: string, member: string, bound: string) =>
    `1 validation error detected: Value '${value}' at 'tags.1.member.${member}' failed to satisfy constraint: Member must have length ${bound}`;
  it.each([
    [tag(''), violation('', 'tagKey', 'greater than or equal to 1')],
    [tag('k'.repeat(129)), violation('k'.repeat(129), 'tagKey', 'less than or equal to 128')],
    [tag('k', 'v'.repeat(257)), violation('v'.repeat(257), 'tagValue', 'less than or equal to 256')],
  ])('refuses a tag outside the model’s lengths (%#)', (bad, message) =>
    given(histories.Enabled).when(tagResource(bad)).thenThrows('ValidationException', message));
});

describe('UntagResource', () => {
  const untag = (...tagKeys: string[]) => command('UntagResource', { tagKeys });
  const tagged = [keyCreated({ tags: [tag('a', '1'), tag('b', '2'), tag('c', '3')] })];

  it('removes the tags and records the keys removed', () => {
    given(tagged).when(untag('b', 'zzz', 'b')).then([{ type: 'KeyUntagged', data: { at: T3, tagKeys: ['b'] } }]);
    given(tagged).when(untag('a', 'c')).thenState((key) => expect(key).toMatchObject({ tags: [tag('b', '2')] }));
  });

  it('records nothing when none of the keys is present (not an error)', () => given(tagged).when(untag('x', 'y')).thenNothing());

  it('works on a Disabled key', () =>
    given([...tagged, { type: 'KeyDisabled', data: { at: T3 } }]).when(untag('a')).then([{ type: 'KeyUntagged', data: { at: T3, tagKeys: ['a'] } }]));

  it('is refused while the key is pending deletion', () =>
    given(histories.PendingDeletion).when(untag('a')).thenThrows('KMSInvalidStateException', `${ARN} is pending deletion.`));
});

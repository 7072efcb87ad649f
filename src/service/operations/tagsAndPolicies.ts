// TagResource, UntagResource, ListResourceTags (§1.10) and GetKeyPolicy, PutKeyPolicy,
// ListKeyPolicies (§1.4). Policies are stored and size-checked here; evaluating them is the
// authorization issue's work.
import type { Handler } from '../context.js';
import { runKeyCommand } from '../keyCommands.js';
import { ordinal, pageInfo, paginate } from '../pagination.js';
import { existingKey, resolveKeyArn } from '../resolve.js';
import { kmsError } from '../../domain/errors.js';

export const tagResource: Handler<'TagResource'> = async (svc, input, request) => {
  const keyArn = resolveKeyArn(input.KeyId, request, svc.aliases, false);
  return runKeyCommand(svc, request, 'TagResource', keyArn, 'TagResource', { tags: input.Tags }, () => ({}));
};

export const untagResource: Handler<'UntagResource'> = async (svc, input, request) => {
  const keyArn = resolveKeyArn(input.KeyId, request, svc.aliases, false);
  return runKeyCommand(svc, request, 'UntagResource', keyArn, 'UntagResource', { tagKeys: input.TagKeys }, () => ({}));
};

export const listResourceTags: Handler<'ListResourceTags'> = async (svc, input, request) => {
  const keyArn = resolveKeyArn(input.KeyId, request, svc.aliases, false);
  const key = existingKey(keyArn, svc.keys);
  const all = key.tags.map((tag, i) => ({ sortKey: ordinal(i), item: { TagKey: tag.TagKey, TagValue: tag.TagValue } }));
  const page = paginate('ListResourceTags', all, input.Limit, 50, input.Marker);
  return { Tags: page.items, ...pageInfo(page) };
};

const POLICY_NAME = 'default';

export const getKeyPolicy: Handler<'GetKeyPolicy'> = async (svc, input, request) => {
  const keyArn = resolveKeyArn(input.KeyId, request, svc.aliases, false);
  const key = existingKey(keyArn, svc.keys);
  const name = input.PolicyName ?? POLICY_NAME;
  if (name !== POLICY_NAME) throw kmsError('NotFoundException', `No such policy exists: ${name}`);
  return { Policy: key.policy, PolicyName: POLICY_NAME };
};

export const putKeyPolicy: Handler<'PutKeyPolicy'> = async (svc, input, request) => {
  const keyArn = resolveKeyArn(input.KeyId, request, svc.aliases, false);
  const fields = { policyName: input.PolicyName ?? POLICY_NAME, policy: input.Policy };
  return runKeyCommand(svc, request, 'PutKeyPolicy', keyArn, 'PutKeyPolicy', fields, () => ({}));
};

export const listKeyPolicies: Handler<'ListKeyPolicies'> = async (svc, input, request) => {
  const keyArn = resolveKeyArn(input.KeyId, request, svc.aliases, false);
  existingKey(keyArn, svc.keys);
  const page = paginate('ListKeyPolicies', [{ sortKey: ordinal(0), item: POLICY_NAME }], input.Limit, 100, input.Marker);
  return { PolicyNames: page.items, ...pageInfo(page) };
};

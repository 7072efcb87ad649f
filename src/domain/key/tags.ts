// Tags of a key: TagResource, UntagResource, and the rules CreateKey shares with them.
// Limits (reference/aws-kms-api.md §1.10, §5): TagKey 1–128 and TagValue 0–256 characters
// are model constraints (ValidationException); the reserved `aws:` prefix, duplicate keys in
// one request and more than 50 tags per key are TagException. Messages and the
// case-insensitive `aws:` test are LocalStack's, which it snapshot-tests against AWS.
import { kmsError } from '../errors.js';
import type { TagResource, UntagResource } from './commands.js';
import type { KeyEvent, Tag } from './events.js';
import { constraintViolation, requireLive, requireNotPendingDeletion } from './guards.js';
import type { Key } from './state.js';

export const MAX_TAGS_PER_KEY = 50;
const MAX_TAG_KEY_LENGTH = 128;
const MAX_TAG_VALUE_LENGTH = 256;

/** Model constraints on each tag (position is 1-based, as in AWS's message). */
export const checkTagShapes = (tags: readonly Tag[]): void => {
  tags.forEach(({ TagKey, TagValue }, i) => {
    const at = `tags.${i + 1}.member`;
    if (TagKey.length < 1) {
      throw constraintViolation(TagKey, `${at}.tagKey`, 'Member must have length greater than or equal to 1');
    }
    if (TagKey.length > MAX_TAG_KEY_LENGTH) {
      throw constraintViolation(TagKey, `${at}.tagKey`, `Member must have length less than or equal to ${MAX_TAG_KEY_LENGTH}`);
    }
    if (TagValue.length > MAX_TAG_VALUE_LENGTH) {
      throw constraintViolation(TagValue, `${at}.tagValue`, `Member must have length less than or equal to ${MAX_TAG_VALUE_LENGTH}`);
    }
  });
};

/** The service's tagging rules, given the tags the key has now. */
export const checkTagRules = (tags: readonly Tag[], current: readonly Tag[]): void => {
  if (new Set(tags.map((t) => t.TagKey)).size < tags.length) throw kmsError('TagException', 'Duplicate tag keys');
  if (tags.some((t) => t.TagKey.toLowerCase().startsWith('aws:'))) {
    throw kmsError('TagException', 'Tags beginning with aws: are reserved');
  }
  if (upsertTags(current, tags).length > MAX_TAGS_PER_KEY) throw kmsError('TagException', 'Too many tags');
};

/** TagResource semantics: an existing TagKey gets the new value in place; new keys are appended in order. */
export const upsertTags = (current: readonly Tag[], tags: readonly Tag[]): Tag[] =>
  tags.reduce<Tag[]>((acc, tag) => {
    const i = acc.findIndex((t) => t.TagKey === tag.TagKey);
    if (i < 0) return [...acc, tag];
    return acc.map((t, j) => (j === i ? tag : t));
  }, [...current]);

export const removeTags = (current: readonly Tag[], tagKeys: readonly string[]): Tag[] =>
  current.filter((t) => !tagKeys.includes(t.TagKey));

// A request that changes nothing records nothing: the KeyTagged event carries exactly the
// tags whose value is new, so the log holds facts, not retries. (AWS would answer the same
// request with success and a CloudTrail entry; our audit trail records the request anyway.)
export const tagResource = (command: TagResource, state: Key): KeyEvent[] => {
  checkTagShapes(command.tags);
  const key = requireNotPendingDeletion(requireLive(command.keyArn, state));
  checkTagRules(command.tags, key.tags);
  const changed = command.tags.filter((tag) => !key.tags.some((t) => t.TagKey === tag.TagKey && t.TagValue === tag.TagValue));
  if (changed.length === 0) return [];
  return [{ type: 'KeyTagged', data: { at: command.now, tags: changed } }];
};

/** Removing a tag the key does not have is not an error (AWS), and not a fact either. */
export const untagResource = (command: UntagResource, state: Key): KeyEvent[] => {
  const key = requireNotPendingDeletion(requireLive(command.keyArn, state));
  const present = [...new Set(command.tagKeys)].filter((k) => key.tags.some((t) => t.TagKey === k));
  if (present.length === 0) return [];
  return [{ type: 'KeyUntagged', data: { at: command.now, tagKeys: present } }];
};

// The key policy: PutKeyPolicy, the checks CreateKey shares with it, and AWS's default policy.
// A key has exactly one policy, named `default` (reference/aws-kms-api.md §1.4, §5). Whether a
// policy grants anything is the policy evaluator's business, not this file's: here a policy
// only has to be a JSON object within AWS's 32 KB quota.
import { kmsError } from '../errors.js';
import { PARTITION } from '../ids.js';
import type { PutKeyPolicy } from './commands.js';
import type { KeyEvent } from './events.js';
import { requireLive } from './guards.js';
import type { Key } from './state.js';

export const DEFAULT_POLICY_NAME = 'default';
/** Service quota, not adjustable: 32 KB counted in UTF-8 bytes. */
export const MAX_KEY_POLICY_BYTES = 32_768;

/**
 * The policy CreateKey applies when the request has none, byte for byte as GetKeyPolicy
 * returns it: AWS pretty-prints with `" : "` and opens the statement array inline
 * (AWS KMS developer guide, "Default key policy", `aws kms get-key-policy` example).
 */
export const defaultKeyPolicy = (account: string): string =>
  [
    '{',
    '  "Version" : "2012-10-17",',
    '  "Id" : "key-default-1",',
    '  "Statement" : [ {',
    '    "Sid" : "Enable IAM User Permissions",',
    '    "Effect" : "Allow",',
    '    "Principal" : {',
    `      "AWS" : "arn:${PARTITION}:iam::${account}:root"`,
    '    },',
    '    "Action" : "kms:*",',
    '    "Resource" : "*"',
    '  } ]',
    '}',
  ].join('\n');

const utf8 = new TextEncoder();

/** Size first (a quota, whatever the content), then shape. */
export const checkKeyPolicy = (policy: string): void => {
  const bytes = utf8.encode(policy).length;
  if (bytes > MAX_KEY_POLICY_BYTES) {
    throw kmsError(
      'LimitExceededException',
      `The key policy is ${bytes} bytes, which exceeds the maximum size of ${MAX_KEY_POLICY_BYTES} bytes.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    throw kmsError('MalformedPolicyDocumentException', 'The key policy is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw kmsError('MalformedPolicyDocumentException', 'The key policy must be a JSON object.');
  }
};

/**
 * Every state but Nonexistent/Deleted may take a new policy (AWS's key-state table: even a key
 * pending deletion). The same policy again records nothing.
 */
export const putKeyPolicy = (command: PutKeyPolicy, state: Key): KeyEvent[] => {
  // Unsure what AWS answers for another name (LocalStack: UnsupportedOperationException on
  // Put, NotFoundException on Get); the name is a request-shape error, so ValidationException.
  if (command.policyName !== DEFAULT_POLICY_NAME) {
    throw kmsError(
      'ValidationException',
      `Policy name ${command.policyName} is not valid. The only valid policy name is ${DEFAULT_POLICY_NAME}.`,
    );
  }
  const key = requireLive(command.keyArn, state);
  checkKeyPolicy(command.policy);
  if (command.policy === key.policy) return [];
  return [{ type: 'KeyPolicyPut', data: { at: command.now, policyName: command.policyName, policy: command.policy } }];
};

// Which key or alias an admin request names. A bare key id or alias name lives in the caller's
// account and Region — the scope of its signature — exactly as in a KMS request. An ARN names its
// own scope: the auditor and admin roles are the server operator's, not one account's, and see
// what `keyledger history` and `audit` see in the data directory (README, "Admin read API").
// Malformed references get KMS's answers (reference/aws-kms-api.md §1.12): NotFoundException
// "Invalid keyId …", InvalidArnException, or the alias-name ValidationException.
import { kmsError, isKmsError } from '../../domain/errors.js';
import { aliasArnOf, keyArnOf, parseAliasName, parseKeyRef, type AliasArn, type AliasName, type KeyArn, type Scope } from '../../domain/ids.js';

export interface NamedKey {
  readonly keyArn: KeyArn;
  readonly scope: Scope;
}

export interface NamedAlias {
  readonly aliasArn: AliasArn;
  readonly aliasName: AliasName;
  readonly scope: Scope;
}

/** A key id or key ARN; an alias is not a key here (its own endpoint answers "as of when?"). */
export const namedKey = (ref: string, caller: Scope): NamedKey => {
  const parsed = parseKeyRef(ref, false);
  if (parsed.kind !== 'keyId' && parsed.kind !== 'keyArn') throw kmsError('NotFoundException', `Invalid keyId ${ref}`);
  const scope = parsed.kind === 'keyArn' ? parsed.scope : { account: caller.account, region: caller.region };
  return { keyArn: keyArnOf(scope, parsed.keyId), scope };
};

/** An alias name (`alias/…`) or alias ARN. */
export const namedAlias = (ref: string, caller: Scope): NamedAlias => {
  const parsed = parseKeyRef(ref, true);
  if (parsed.kind !== 'aliasName' && parsed.kind !== 'aliasArn') {
    throw kmsError('ValidationException', `'${ref}' is a key, not an alias name or alias ARN`);
  }
  const scope = parsed.kind === 'aliasArn' ? parsed.scope : { account: caller.account, region: caller.region };
  const aliasName = parseAliasName(parsed.name);
  return { aliasArn: aliasArnOf(scope, aliasName), aliasName, scope };
};

/**
 * The same, for a filter criterion: there a malformed reference is a malformed parameter
 * (ValidationException naming it), not a key that does not exist.
 */
export const filterReference = <T>(parameter: string, expected: string, ref: string, parse: (ref: string) => T): T => {
  try {
    return parse(ref);
  } catch (e) {
    if (!isKmsError(e)) throw e;
    throw kmsError('ValidationException', `Value '${ref}' at '${parameter}' must be ${expected}`);
  }
};

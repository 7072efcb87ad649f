// Resolving a KeyId member to a key of the caller's account and Region. Which forms an
// operation accepts is AWS's rule (reference/aws-kms-api.md §1.12): aliases only where
// `allowAlias`. Keys of another Region are invisible; keys of another account are denied until
// key policies are evaluated (a later issue), since the default policy trusts only its own account.
import { kmsError } from '../domain/errors.js';
import { aliasArnOf, keyArnOf, parseKeyRef, type KeyArn, type Scope } from '../domain/ids.js';
import type { ExistingKey } from '../domain/key/state.js';
import type { AliasIndex } from '../projections/aliasIndex.js';
import type { KeyEntry, KeyViews } from '../projections/keyViews.js';

export interface Resolved {
  readonly keyArn: KeyArn;
  readonly entry: KeyEntry;
}

/** The key a reference names, or the error AWS gives. A deleted key does not exist. */
export const resolveKey = (
  ref: string,
  scope: Scope,
  views: { keys: KeyViews; aliases: AliasIndex },
  allowAlias: boolean,
): { keyArn: KeyArn; key: LiveKey } => {
  const keyArn = resolveKeyArn(ref, scope, views.aliases, allowAlias);
  return { keyArn, key: existingKey(keyArn, views.keys) };
};

export type LiveKey = Exclude<ExistingKey, { status: 'Deleted' }>;

export const existingKey = (keyArn: KeyArn, keys: KeyViews): LiveKey => {
  const key = keys.get(keyArn)?.key;
  if (!key || key.status === 'Nonexistent' || key.status === 'Deleted') {
    throw kmsError('NotFoundException', `Key '${keyArn}' does not exist`);
  }
  return key;
};

export const resolveKeyArn = (ref: string, scope: Scope, aliases: AliasIndex, allowAlias: boolean): KeyArn => {
  const parsed = parseKeyRef(ref, allowAlias);
  switch (parsed.kind) {
    case 'keyId':
      return keyArnOf(scope, parsed.keyId);
    case 'keyArn':
      assertSameScope(parsed.scope, scope, ref, `Key '${ref}' does not exist`);
      return keyArnOf(scope, parsed.keyId);
    case 'aliasName':
    case 'aliasArn': {
      if (parsed.kind === 'aliasArn') assertSameScope(parsed.scope, scope, ref, `Alias ${ref} is not found.`);
      const aliasArn = aliasArnOf(scope, parsed.name);
      const alias = aliases.get(aliasArn)?.alias;
      if (alias?.status !== 'Active') throw kmsError('NotFoundException', `Alias ${aliasArn} is not found.`);
      return keyArnOf(scope, alias.targetKeyId as Parameters<typeof keyArnOf>[1]);
    }
  }
};

const assertSameScope = (given: Scope, caller: Scope, ref: string, notFound: string): void => {
  if (given.region !== caller.region) throw kmsError('NotFoundException', notFound);
  if (given.account !== caller.account) {
    throw kmsError('AccessDeniedException', `User is not authorized to access ${ref}: cross-account use is not allowed`);
  }
};

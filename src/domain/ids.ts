// Identifiers of AWS KMS resources, parsed once at the edge (STYLE.md, habit 3).
// Formats: reference/aws-kms-api.md §5 "Identifiers".
import { kmsError } from './errors.js';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** `1234abcd-12ab-34cd-56ef-1234567890ab`, or `mrk-<32 hex>` for a multi-Region key. */
export type KeyId = Brand<string, 'KeyId'>;
/** `arn:aws:kms:<region>:<account>:key/<key-id>` */
export type KeyArn = Brand<string, 'KeyArn'>;
/** `alias/<name>` */
export type AliasName = Brand<string, 'AliasName'>;
/** `arn:aws:kms:<region>:<account>:alias/<name>` */
export type AliasArn = Brand<string, 'AliasArn'>;

/** Where a resource lives: two partitions never see each other's keys. */
export interface Scope {
  readonly account: string;
  readonly region: string;
}

export const PARTITION = 'aws';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const mrkPattern = /^mrk-[0-9a-f]{32}$/;
const accountPattern = /^\d{12}$/;
const regionPattern = /^([a-z]+-){2,3}\d+$/;
const arnPattern = /^arn:([a-z-]+):kms:([^:]*):([^:]*):(key|alias)\/(.+)$/;

export const isKeyId = (s: string): s is KeyId => uuidPattern.test(s) || mrkPattern.test(s);
export const isAccountId = (s: string): boolean => accountPattern.test(s);
export const isRegion = (s: string): boolean => regionPattern.test(s);

export const keyArnOf = (scope: Scope, keyId: KeyId): KeyArn =>
  `arn:${PARTITION}:kms:${scope.region}:${scope.account}:key/${keyId}` as KeyArn;

export const aliasArnOf = (scope: Scope, name: AliasName): AliasArn =>
  `arn:${PARTITION}:kms:${scope.region}:${scope.account}:${name}` as AliasArn;

/** The key id at the end of a key ARN this module made. */
export const keyIdOfArn = (arn: KeyArn): KeyId => arn.slice(arn.lastIndexOf('/') + 1) as KeyId;

/** A key reference as a caller wrote it (reference/aws-kms-api.md §1.12). */
export type KeyRef =
  | { readonly kind: 'keyId'; readonly keyId: KeyId }
  | { readonly kind: 'keyArn'; readonly scope: Scope; readonly keyId: KeyId }
  | { readonly kind: 'aliasName'; readonly name: AliasName }
  | { readonly kind: 'aliasArn'; readonly scope: Scope; readonly name: AliasName };

/**
 * Parses a KeyId member. `allowAlias` is true exactly for the operations whose KeyId accepts
 * an alias name or alias ARN (crypto operations and DescribeKey); management operations take
 * a key id or key ARN only.
 * AWS answers a malformed ARN with InvalidArnException and an unknown key id with
 * NotFoundException ("Invalid keyId …").
 */
export const parseKeyRef = (ref: string, allowAlias: boolean): KeyRef => {
  if (ref.startsWith('arn:')) {
    const m = arnPattern.exec(ref);
    const [, partition, region = '', account = '', kind, rest = ''] = m ?? [];
    if (!m || partition !== PARTITION || !regionPattern.test(region) || !accountPattern.test(account)) {
      throw kmsError('InvalidArnException', `ARN ${ref} is not valid`);
    }
    const scope = { region, account };
    if (kind === 'key') {
      if (!isKeyId(rest)) throw kmsError('NotFoundException', `Invalid keyId ${ref}`);
      return { kind: 'keyArn', scope, keyId: rest };
    }
    if (!allowAlias) throw kmsError('NotFoundException', `Invalid keyId ${ref}`);
    return { kind: 'aliasArn', scope, name: `alias/${rest}` as AliasName };
  }
  if (ref.startsWith('alias/')) {
    if (!allowAlias) throw kmsError('NotFoundException', `Invalid keyId ${ref}`);
    return { kind: 'aliasName', name: ref as AliasName };
  }
  if (!isKeyId(ref)) throw kmsError('NotFoundException', `Invalid keyId ${ref}`);
  return { kind: 'keyId', keyId: ref };
};

const aliasNamePattern = /^alias\/[a-zA-Z0-9/_-]+$/;

/**
 * Alias names: 1–256 characters, `alias/` then alphanumerics, `/`, `_` and `-` (the AWS docs'
 * rule; the model's pattern also admits `:`, which the service rejects). `alias/aws/` is
 * reserved for AWS managed keys.
 */
export const parseAliasName = (name: string): AliasName => {
  if (!aliasNamePattern.test(name) || name.length > 256) {
    throw kmsError(
      'ValidationException',
      `1 validation error detected: Value '${name}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^alias/[a-zA-Z0-9/_-]+$`,
    );
  }
  return name as AliasName;
};

export const isReservedAliasName = (name: string): boolean => name.startsWith('alias/aws/');

/** Stream names (DESIGN.md, "Streams and events"). */
export const keyStream = (arn: KeyArn): string => `key-${arn}`;
export const aliasStream = (arn: AliasArn): string => `alias-${arn}`;

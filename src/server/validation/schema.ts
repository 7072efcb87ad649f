// Member schemas: the constraint vocabulary of AWS's service model (botocore
// `data/kms/2014-11-01/service-2.json`: min/max, pattern, enum, required), narrowed to the
// member types KMS requests use. Strings are measured in UTF-16 code units, as the service's
// Java String.length() does; blobs in bytes after base64 decoding.
//
// `StructureSchema<T>` ties a schema to the request type in src/service/shapes.ts at compile
// time: every member must be described, with the kind its TypeScript type implies, and
// `required: true` exactly where the member is not optional.
import type { Tag } from '../../service/shapes.js';

export interface StringMember {
  readonly kind: 'string';
  readonly min?: number;
  readonly max?: number;
  /** As the model prints it; matched against the whole value (Java's String.matches). */
  readonly pattern?: string;
  /** Never echo the value in messages. */
  readonly sensitive?: true;
}
export interface EnumMember<V extends string = string> {
  readonly kind: 'enum';
  /** In the model's order: AWS lists them in that order in its messages. */
  readonly values: readonly V[];
}
export interface IntegerMember {
  readonly kind: 'integer';
  readonly min?: number;
  readonly max?: number;
}
export interface BooleanMember {
  readonly kind: 'boolean';
}
/** Base64 on the wire; never echoed in messages (plaintext, ciphertext). */
export interface BlobMember {
  readonly kind: 'blob';
  readonly min?: number;
  readonly max?: number;
}
/** Epoch seconds on the wire (a JSON number, fraction allowed). */
export interface TimestampMember {
  readonly kind: 'timestamp';
}
/** map<string, string>, e.g. an encryption context: the model puts no limits on it. */
export interface StringMapMember {
  readonly kind: 'map';
}
export interface ListMember<E extends StringMember | EnumMember = StringMember | EnumMember> {
  readonly kind: 'list';
  readonly member: E;
  readonly min?: number;
  readonly max?: number;
}
/** list<Tag>: TagKey 1–128 and TagValue 0–256, both required (model shapes TagKeyType, TagValueType). */
export interface TagListMember {
  readonly kind: 'tags';
}

export type MemberSchema =
  | StringMember
  | EnumMember
  | IntegerMember
  | BooleanMember
  | BlobMember
  | TimestampMember
  | StringMapMember
  | ListMember
  | TagListMember;

/** The schema a member of TypeScript type V must have. */
export type MemberSchemaFor<V> = [V] extends [Uint8Array]
  ? BlobMember
  : [V] extends [Date]
    ? TimestampMember
    : [V] extends [boolean]
      ? BooleanMember
      : [V] extends [number]
        ? IntegerMember
        : [V] extends [string]
          ? string extends V
            ? StringMember
            : EnumMember<V>
          : [V] extends [readonly Tag[]]
            ? TagListMember
            : [V] extends [readonly (infer E)[]]
              ? [E] extends [string]
                ? ListMember<string extends E ? StringMember : EnumMember<E>>
                : never
              : [V] extends [Readonly<Record<string, string>>]
                ? StringMapMember
                : never;

type RequiredFlag<T, K extends keyof T> = object extends Pick<T, K> ? { readonly required?: false } : { readonly required: true };

export type StructureSchema<T> = {
  readonly [K in keyof T & string]-?: MemberSchemaFor<NonNullable<T[K]>> & RequiredFlag<T, K>;
};

/** A schema entry seen without its TypeScript link, as the generic decoder walks it. */
export type AnyMemberSchema = MemberSchema & { readonly required?: boolean };

/** Marks a member required (model `required` list). */
export const required = <M extends MemberSchema>(member: M): M & { readonly required: true } => ({ ...member, required: true });

// The state of one alias, as `evolve` folds it from the alias's events: a union keyed on
// `status`. TargetKeyId is a key id, as ListAliases reports it; the alias and its key share an
// account and Region, so the key's ARN follows from the alias's.

export type Alias =
  | { readonly status: 'Nonexistent' }
  | {
      readonly status: 'Active';
      readonly aliasName: string;
      readonly aliasArn: string;
      readonly targetKeyId: string;
      readonly createdAt: string;
      readonly lastUpdatedAt: string;
    }
  | { readonly status: 'Deleted'; readonly aliasName: string; readonly aliasArn: string; readonly deletedAt: string };

export type ActiveAlias = Extract<Alias, { status: 'Active' }>;

export const initialAlias: Alias = { status: 'Nonexistent' };

// What a caller asks of one alias. An alias rule that involves keys (the target exists, is not
// pending deletion, has room for another alias, has the same type as the old target) is
// decided on snapshots of those keys carried in the command, so the decider stays pure; the
// service takes the snapshots from its key views.
//
// Commands name the alias by ARN and the target by key ARN because AWS's NotFoundException
// messages quote them, and a missing alias or key has no state to take them from.
import type { AliasArn, KeyArn } from '../ids.js';
import type { Key } from '../key/state.js';

export interface CreateAlias {
  readonly type: 'CreateAlias';
  /** As the caller wrote it; the decider checks it with `parseAliasName`. */
  readonly aliasName: string;
  readonly aliasArn: AliasArn;
  readonly targetKeyArn: KeyArn;
  readonly target: Key;
  /** How many aliases already point at the target (AWS allows 50 per key). */
  readonly aliasesOnTarget: number;
  readonly now: string;
}

export interface UpdateAlias {
  readonly type: 'UpdateAlias';
  readonly aliasArn: AliasArn;
  readonly targetKeyArn: KeyArn;
  readonly newTarget: Key;
  /** The key the alias names now; it may be pending deletion (AWS allows moving away from it). */
  readonly currentTarget: Key;
  /** How many aliases already point at the new target. */
  readonly aliasesOnTarget: number;
  readonly now: string;
}

export interface DeleteAlias {
  readonly type: 'DeleteAlias';
  readonly aliasArn: AliasArn;
  readonly now: string;
}

export type AliasCommand = CreateAlias | UpdateAlias | DeleteAlias;

// What `verify` reports when a link is broken: one problem, the first in log order, named by
// its stream and revision so that an operator can go and look.

export type ProblemKind =
  /** The event's content (stream, revision, id, type, data, metadata or its `prev`) no longer
   *  hashes to its stored hash, or it links to something other than its predecessor's hash. */
  | 'edited'
  /** A revision is absent from the middle of a stream: the next one follows its predecessor. */
  | 'missing'
  /** A revision sits at a log position out of its stream's order (e.g. two events swapped). */
  | 'reordered'
  /** A signed checkpoint put the stream's head at a revision the log no longer reaches. */
  | 'truncated'
  /** A signed checkpoint (or the store's index) names a stream of which no event is left. */
  | 'stream-removed'
  /** Events the signed checkpoints do not account for, before a checkpoint's position. */
  | 'inserted'
  /** The stream's chain is internally consistent, but its head differs from the signed one:
   *  events were edited and every later hash recomputed. */
  | 'rewritten'
  /** A checkpoint is malformed, not chained to its predecessor, inconsistent with its digest,
   *  or not signed by the given audit key. */
  | 'checkpoint-forged';

export interface VerifyProblem {
  readonly kind: ProblemKind;
  readonly stream: string;
  /** The first revision of `stream` that is not as it should be. */
  readonly revision: number;
  /** The log position of the offending event, when there is one. */
  readonly position?: number;
  /** The revision in `$checkpoints` of the signed checkpoint that proves the problem. */
  readonly checkpoint?: number;
  readonly detail: string;
}

export const problem = (
  kind: ProblemKind,
  stream: string,
  revision: number,
  detail: string,
  where: { readonly position?: number | undefined; readonly checkpoint?: number | undefined } = {},
): VerifyProblem => ({
  kind,
  stream,
  revision,
  ...(where.position === undefined ? {} : { position: where.position }),
  ...(where.checkpoint === undefined ? {} : { checkpoint: where.checkpoint }),
  detail,
});

// Verify, first pass: read `$checkpoints` and authenticate each checkpoint on its own terms —
// well-formed, numbered by its revision, chained to its predecessor's digest, digests that match
// its content, signed by the given audit key (RFC 8032 strict). The second pass (chainWalker.ts)
// then holds the log against the checkpoints that passed; a checkpoint that fails, and every one
// after it, is never trusted.
//
// Only each checkpoint's signed summary is kept; its list of heads (as long as the number of
// streams that moved in its hour) is read again when the walk reaches it, and must still hash to
// the authenticated headsDigest — so memory stays O(streams), however long the log.
import { auditKeyId, verifyAuditSignature } from '../../crypto/auditKey.js';
import type { EventStore, RecordedEvent } from '../../store/eventStore.js';
import {
  CHECKPOINT_RECORDED,
  CHECKPOINT_STREAM,
  NO_PREVIOUS,
  checkpointDigest,
  headsDigest,
  parseCheckpoint,
  type CheckpointData,
  type HeadEntry,
} from './checkpointFormat.js';
import { problem, type VerifyProblem } from './verifyProblem.js';

/** A checkpoint that passed, without its heads, with where its event sits in the log. */
export interface AuthenticCheckpoint extends Omit<CheckpointData, 'heads'> {
  readonly eventPosition: number;
}

/** A checkpoint recorded outside the log (e.g. the digest of the newest one, kept elsewhere):
 *  the log must still contain it. The only defence against rolling the whole log back. */
export interface CheckpointAnchor {
  readonly sequence: number;
  readonly digest: string;
}

export interface CheckpointLedger {
  readonly checkpoints: readonly AuthenticCheckpoint[];
  /** The first checkpoint that failed (or is missing), reported when the walk reaches it. */
  readonly forged?: VerifyProblem;
}

/** Why the checkpoint is not authentic, or undefined when it is. */
const inauthentic = (
  c: CheckpointData,
  revision: number,
  before: AuthenticCheckpoint | undefined,
  publicKey: Uint8Array,
): string | undefined => {
  if (c.sequence !== revision) return `it says it is checkpoint ${c.sequence} but is revision ${revision} of ${CHECKPOINT_STREAM}`;
  const previous = before?.digest ?? NO_PREVIOUS;
  if (c.previous !== previous) return `it chains to ${c.previous}, but the checkpoint before it has digest ${previous}`;
  if (before !== undefined && c.position < before.position) return `it covers position ${c.position}, before its predecessor's ${before.position}`;
  if (headsDigest(c.heads).toString('hex') !== c.headsDigest) return 'its heads do not hash to its headsDigest';
  const digest = checkpointDigest(c);
  if (digest.toString('hex') !== c.digest) return 'its content does not hash to its digest';
  const keyId = auditKeyId(publicKey);
  if (c.publicKeyId !== keyId) return `it names audit key ${c.publicKeyId}, not the given key ${keyId}`;
  if (!verifyAuditSignature(publicKey, digest, Buffer.from(c.signature, 'base64'))) return 'its signature does not verify under the audit key';
  return undefined;
};

/**
 * The checkpoint an event's data holds. Data that is not even JSON (a column edited past the
 * schema's checks: text that is no JSON object, a blob) is malformed like any other, not a SyntaxError.
 */
const checkpointIn = (event: RecordedEvent): ReturnType<typeof parseCheckpoint> => {
  let data: RecordedEvent['data'];
  try {
    data = event.data;
  } catch {
    return { malformed: 'its data is not a JSON object' };
  }
  return parseCheckpoint(data);
};

export const readCheckpointLedger = async (store: EventStore, publicKey: Uint8Array, anchor?: CheckpointAnchor): Promise<CheckpointLedger> => {
  const checkpoints: AuthenticCheckpoint[] = [];
  const forged = (revision: number, position: number, why: string): CheckpointLedger => ({
    checkpoints,
    forged: problem('checkpoint-forged', CHECKPOINT_STREAM, revision, `checkpoint ${revision} is forged: ${why}`, { position, checkpoint: revision }),
  });
  for await (const event of store.readStream(CHECKPOINT_STREAM)) {
    const { revision, position } = event;
    const expected = checkpoints.length;
    if (revision !== expected) {
      const detail = `checkpoint ${expected} is missing: checkpoint ${revision} (position ${position}) follows ${expected - 1}`;
      return { checkpoints, forged: problem('missing', CHECKPOINT_STREAM, expected, detail, { position, checkpoint: expected }) };
    }
    if (event.type !== CHECKPOINT_RECORDED) return forged(revision, position, `its type is ${event.type}`);
    const parsed = checkpointIn(event);
    if ('malformed' in parsed) return forged(revision, position, `malformed (${parsed.malformed})`);
    // A checkpoint can only vouch for events committed before it.
    if (parsed.position >= position) return forged(revision, position, `it covers position ${parsed.position}, not before its own ${position}`);
    const why = inauthentic(parsed, revision, checkpoints.at(-1), publicKey);
    if (why !== undefined) return forged(revision, position, why);
    const { heads: _heads, ...summary } = parsed;
    checkpoints.push({ ...summary, eventPosition: position });
  }
  if (anchor !== undefined) {
    const found = checkpoints[anchor.sequence];
    if (found === undefined) {
      const have = checkpoints.length;
      const detail = `the anchored checkpoint ${anchor.sequence} is gone: the log has ${have} authentic checkpoint(s); it was rolled back`;
      return { checkpoints, forged: problem('truncated', CHECKPOINT_STREAM, have, detail, { checkpoint: anchor.sequence }) };
    }
    if (found.digest !== anchor.digest) {
      const detail = `checkpoint ${anchor.sequence} has digest ${found.digest}, not the anchored ${anchor.digest}`;
      return forged(anchor.sequence, found.eventPosition, detail);
    }
  }
  return { checkpoints };
};

/** The heads of an authenticated checkpoint, read again; a problem if they changed since. */
export const headsOf = async (store: EventStore, c: AuthenticCheckpoint): Promise<readonly HeadEntry[] | VerifyProblem> => {
  for await (const event of store.readStream(CHECKPOINT_STREAM, { from: c.sequence, limit: 1 })) {
    const parsed = event.revision === c.sequence ? checkpointIn(event) : undefined;
    if (parsed !== undefined && !('malformed' in parsed) && headsDigest(parsed.heads).toString('hex') === c.headsDigest) return parsed.heads;
  }
  const detail = `checkpoint ${c.sequence} changed while verify was reading the log`;
  return problem('checkpoint-forged', CHECKPOINT_STREAM, c.sequence, detail, { position: c.eventPosition, checkpoint: c.sequence });
};

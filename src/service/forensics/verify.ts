// `keyledger verify` (DESIGN.md, "Tamper evidence"): recompute every event's hash chain and
// every signed checkpoint of a log, and name the FIRST broken link in log order — its kind,
// stream and revision. Offline by design: it needs an EventStore (e.g. `openSqliteStore({ path,
// readOnly: true })` on a COPY of the data directory) and the audit PUBLIC key; never the root
// key, and it never writes.
//
// How: one pass over `$checkpoints` authenticates the checkpoints (checkpointLedger.ts), then one
// streaming pass over the log in position order checks each event against its stream's chain
// and, as the walk passes each checkpoint's position, the heads against that checkpoint
// (chainWalker.ts). Memory is O(streams); the hot path parses no JSON (the store hands out the
// stored canonical bytes) and costs one SHA-256 per event.
//
// What it detects, and the evidence:
// - an event edited in data, metadata, type, id, stream or revision → 'edited' (its hash);
// - an event deleted from the middle of a stream → 'missing' (the revision gap);
// - two events swapped, or one moved → 'reordered' (revisions out of position order);
// - a stream's tail deleted, or a whole stream removed, BEFORE the last checkpoint's position →
//   'truncated' / 'stream-removed' (the signed heads);
// - a stream rewritten with every later hash recomputed → 'rewritten' (the signed head hash);
// - events slipped in before a checkpoint's position → 'inserted';
// - a checkpoint edited, forged, re-signed by another key, or cut out of the checkpoint chain →
//   'checkpoint-forged' (its digests, its `previous` link, its Ed25519 signature).
//
// What it cannot detect — say so whenever you show a clean result:
// - Truncation AFTER the last checkpoint: deleting the newest events of a stream, or whole
//   streams created after it, leaves a log that no signed statement contradicts. The store's own
//   (unsigned) index of stream heads catches a careless attacker; one who also edits the index
//   is invisible. Likewise deleting the newest checkpoints together with everything after the
//   one before rolls the log back to an earlier signed state. Only a checkpoint recorded outside
//   the log closes this: pass it as `anchor` (CloudTrail keeps its digest files in a separate S3
//   bucket for the same reason). `uncovered` reports how many events lie in that window.
// - The global order of events of DIFFERENT streams between two checkpoints: positions are the
//   adapter's and not hashed; each checkpoint only fixes which events precede it.
// - Anything done by a holder of the audit private key (the root key plus the vault): it can
//   sign whatever it likes. Verify proves integrity against everyone else.
// - Rows chained by schema migration 2 are vouched for only from that migration on.
import { segmentRanges } from '../../store/chainSegments.js';
import type { EventStore, StreamHead } from '../../store/eventStore.js';
import { ChainWalker } from './chainWalker.js';
import { CHECKPOINT_STREAM } from './checkpointFormat.js';
import { headsOf, readCheckpointLedger, type AuthenticCheckpoint, type CheckpointAnchor } from './checkpointLedger.js';
import type { VerifyProblem } from './verifyProblem.js';

export type { ProblemKind, VerifyProblem } from './verifyProblem.js';
export type { CheckpointAnchor } from './checkpointLedger.js';

export interface VerifyOptions {
  readonly store: EventStore;
  /** The audit public key, raw 32 bytes (parseAuditPublicKey reads the exported PEM). */
  readonly publicKey: Uint8Array;
  /** Called every `progressEvery` events (default 65536) and once at the end. */
  readonly onProgress?: (progress: { readonly events: number; readonly position: number }) => void;
  readonly progressEvery?: number;
  /** A checkpoint recorded outside the log, which the log must still contain. */
  readonly anchor?: CheckpointAnchor;
  /**
   * From how many events on the log is checked in segments on every core, when the store can
   * (EventStore.checkSegments; default 100,000 — below that, starting threads costs more than
   * it saves), and about how many events a segment holds (default 50,000).
   */
  readonly parallel?: { readonly fromEvents?: number; readonly segmentEvents?: number };
}

export type VerifyResult =
  | {
      readonly ok: true;
      readonly events: number;
      /** Streams, `$checkpoints` not counted. */
      readonly streams: number;
      readonly checkpoints: number;
      /** Log position the last checkpoint covers (0 when there is none). */
      readonly coveredPosition: number;
      /** Events after that position: their tail truncation would go unnoticed (see above). */
      readonly uncovered: number;
    }
  | { readonly ok: false; readonly problem: VerifyProblem; readonly events: number };

export const verifyLog = async (options: VerifyOptions): Promise<VerifyResult> => {
  const { store, publicKey, anchor } = options;
  const ledger = await readCheckpointLedger(store, publicKey, anchor);
  const index = (await store.streamHeads()).heads;
  const head = await store.headPosition();
  const { fromEvents = 100_000, segmentEvents = 50_000 } = options.parallel ?? {};
  // In segments when it pays; a log with a forged checkpoint goes straight to the walk, which
  // names it in its place.
  if (store.checkSegments !== undefined && head >= fromEvents && ledger.forged === undefined) {
    const fast = await verifyInSegments(options, ledger.checkpoints, index, head, segmentEvents);
    if (fast !== undefined) return fast;
  }
  return verifyInOnePiece(options, ledger, index);
};

/**
 * The log checked in segments on every core, stitched here in order, each checkpoint held
 * against the heads once the segments up to its position are in. Every check the walk in one
 * piece makes is made (chainSegments.ts, ChainWalker.absorb); at the first doubt this gives up
 * (undefined) and the walk in one piece finds and names the problem, so both report alike.
 */
const verifyInSegments = async (
  options: VerifyOptions,
  checkpoints: readonly AuthenticCheckpoint[],
  index: readonly StreamHead[],
  head: number,
  segmentEvents: number,
): Promise<VerifyResult | undefined> => {
  const { store, onProgress } = options;
  const ranges = segmentRanges(head, segmentEvents, checkpoints.map((c) => c.position));
  let done = 0;
  let doneEvents = 0;
  const summaries = await store.checkSegments!(ranges, (s) => {
    doneEvents += s.events;
    if (++done < ranges.length) onProgress?.({ events: doneEvents, position: s.through });
  });
  const walker = new ChainWalker(store);
  let events = 0;
  let uncovered = 0;
  let next = 0;
  const last = checkpoints.at(-1);
  for (const summary of summaries) {
    if (summary.broken !== undefined || !walker.absorb(summary.streams)) return undefined;
    events += summary.events;
    if (summary.after >= (last?.position ?? 0)) {
      for (const [stream, first, , revision] of summary.streams) if (stream !== CHECKPOINT_STREAM) uncovered += revision - first + 1;
    }
    for (let c = checkpoints[next]; c !== undefined && c.position <= summary.through; c = checkpoints[++next]) {
      const heads = await headsOf(store, c);
      if ('kind' in heads || (await walker.check(c, heads)) !== undefined) return undefined;
    }
  }
  // The segments end at the head read before them; a live log may have grown since. What came
  // later is the walk's to check next time, as it would be had this verify started earlier.
  for (let c = checkpoints[next]; c !== undefined; c = checkpoints[++next]) {
    const heads = await headsOf(store, c);
    if ('kind' in heads || (await walker.check(c, heads)) !== undefined) return undefined;
  }
  if (walker.checkIndex(index) !== undefined) return undefined;
  onProgress?.({ events, position: head });
  return { ok: true, events, streams: walker.streamCount, checkpoints: checkpoints.length, coveredPosition: last?.position ?? 0, uncovered };
};

/** The walk in one piece: every event in position order, the first broken link named. */
const verifyInOnePiece = async (
  options: VerifyOptions,
  { checkpoints, forged }: { readonly checkpoints: readonly AuthenticCheckpoint[]; readonly forged?: VerifyProblem | undefined },
  index: readonly StreamHead[],
): Promise<VerifyResult> => {
  const { store, onProgress, progressEvery = 65_536 } = options;
  const walker = new ChainWalker(store);
  const check = async (c: AuthenticCheckpoint): Promise<VerifyProblem | undefined> => {
    const heads = await headsOf(store, c);
    return 'kind' in heads ? heads : walker.check(c, heads);
  };
  let events = 0;
  let position = 0;
  let uncovered = 0;
  let next = 0;
  const fail = (problem: VerifyProblem): VerifyResult => {
    onProgress?.({ events, position });
    return { ok: false, problem, events };
  };
  for await (const event of store.readStored()) {
    for (let c = checkpoints[next]; c !== undefined && c.position < event.position; c = checkpoints[++next]) {
      const problem = await check(c);
      if (problem !== undefined) return fail(problem);
    }
    // A forged checkpoint is the first broken link once the walk reaches it; at its own
    // position it wins over what the walk finds there (it is the more specific finding).
    if (forged?.position !== undefined && event.position >= forged.position) return fail(forged);
    const suspect = walker.visit(event);
    if (suspect !== undefined) return fail(await walker.diagnose(suspect));
    events++;
    position = event.position;
    // A checkpoint vouches for itself (its signature); only other events can be uncovered.
    if (next === checkpoints.length && event.stream !== CHECKPOINT_STREAM) uncovered++;
    if (onProgress !== undefined && events % progressEvery === 0) onProgress({ events, position });
  }
  for (let c = checkpoints[next]; c !== undefined; c = checkpoints[++next]) {
    const problem = await check(c);
    if (problem !== undefined) return fail(problem);
  }
  if (forged !== undefined) return fail(forged);
  const unindexed = walker.checkIndex(index);
  if (unindexed !== undefined) return fail(unindexed);
  onProgress?.({ events, position });
  const last = checkpoints.at(-1);
  return { ok: true, events, streams: walker.streamCount, checkpoints: checkpoints.length, coveredPosition: last?.position ?? 0, uncovered };
};

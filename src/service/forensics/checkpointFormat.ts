// The signed checkpoint (DESIGN.md, "Tamper evidence"): what `CheckpointRecorded` carries, and
// the two digests computed over it — shared by the service that signs and by `verify`.
//
// A checkpoint k fixes the heads of all streams (the `$checkpoints` stream itself excluded) as
// of a log position P_k. It carries only the heads that MOVED since the previous checkpoint's
// position — every stream whose last event lies in (P_{k-1}, P_k], all of them for k = 0 — and
// chains to checkpoint k-1's digest. So digest_k commits to the head of every stream as of P_k
// (those heads are a function of the chain of deltas), yet signing costs O(streams touched) and
// verifying the whole log O(events), not O(streams × checkpoints): one Ed25519 signature per
// hour over a full listing of 10^5 idle keys would make verify quadratic. The anchor is AWS
// CloudTrail's log file integrity validation: hourly digest files, each naming the log files
// of its hour, signed, and chained to the previous digest by its signature.
//
//   headsDigest = SHA-256( lp("keyledger/heads/v1") ‖ u64be(n)
//                          ‖ for each head, sorted by stream: lp(stream) ‖ u64be(revision) ‖ hash )
//   digest      = SHA-256( lp("keyledger/checkpoint/v1") ‖ u64be(sequence) ‖ u64be(position)
//                          ‖ u64be(streams) ‖ lp(at) ‖ previous ‖ headsDigest )
//   signature   = Ed25519(audit key, digest)                                  (RFC 8032 §5.1.6)
//
// lp(x) = u32be(UTF-8 length) ‖ UTF-8 x; hashes are raw 32 bytes inside the digests and
// lowercase hex in the event; the signature is standard base64. `$checkpoints` is left out of
// the heads because checkpoint k cannot contain its own hash; the checkpoints chain among
// themselves through `previous`, and their events are hash-chained like any stream.
import { createHash, type Hash } from 'node:crypto';
import type { Json, JsonObject } from '../../store/eventStore.js';

export const CHECKPOINT_STREAM = '$checkpoints';
export const CHECKPOINT_RECORDED = 'CheckpointRecorded';
export const CHECKPOINT_FORMAT_VERSION = 1;
/** `previous` of checkpoint 0. */
export const NO_PREVIOUS = '0'.repeat(64);

/** [stream, revision, hash (hex)] of a stream's last event. */
export type HeadEntry = readonly [stream: string, revision: number, hash: string];

export interface CheckpointData {
  readonly version: typeof CHECKPOINT_FORMAT_VERSION;
  /** This checkpoint's revision in `$checkpoints`: 0, 1, 2, … */
  readonly sequence: number;
  /** The heads are the heads as of this log position. */
  readonly position: number;
  /** How many streams existed as of `position` (`$checkpoints` not counted). */
  readonly streams: number;
  /** The heads that moved since the previous checkpoint's position, sorted by stream. */
  readonly heads: readonly HeadEntry[];
  readonly headsDigest: string;
  /** The previous checkpoint's digest, NO_PREVIOUS for the first. */
  readonly previous: string;
  /** What is signed. */
  readonly digest: string;
  readonly at: string;
  readonly publicKeyId: string;
  readonly signature: string;
}

const lp = (h: Hash, text: string): void => {
  const bytes = Buffer.from(text, 'utf8');
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32BE(bytes.length);
  h.update(length).update(bytes);
};

const u64 = (h: Hash, n: number): void => {
  const bytes = Buffer.allocUnsafe(8);
  bytes.writeUInt32BE(Math.floor(n / 2 ** 32), 0);
  bytes.writeUInt32BE(n >>> 0, 4);
  h.update(bytes);
};

export const headsDigest = (heads: readonly HeadEntry[]): Buffer => {
  const h = createHash('sha256');
  lp(h, 'keyledger/heads/v1');
  u64(h, heads.length);
  for (const [stream, revision, hash] of heads) {
    lp(h, stream);
    u64(h, revision);
    h.update(Buffer.from(hash, 'hex'));
  }
  return h.digest();
};

export type SignedFields = Pick<CheckpointData, 'sequence' | 'position' | 'streams' | 'at' | 'previous' | 'headsDigest'>;

export const checkpointDigest = (c: SignedFields): Buffer => {
  const h = createHash('sha256');
  lp(h, 'keyledger/checkpoint/v1');
  u64(h, c.sequence);
  u64(h, c.position);
  u64(h, c.streams);
  lp(h, c.at);
  h.update(Buffer.from(c.previous, 'hex'));
  h.update(Buffer.from(c.headsDigest, 'hex'));
  return h.digest();
};

/** Streams in the order every digest folds them: UTF-16 code units, as RFC 8785 sorts keys. */
export const byStreamName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const HEX64 = /^[0-9a-f]{64}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const BASE64_SIGNATURE = /^[A-Za-z0-9+/]{86}==$/;
const isCount = (v: Json | undefined): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isHead = (v: Json): boolean =>
  Array.isArray(v) && v.length === 3 && typeof v[0] === 'string' && v[0] !== '' && isCount(v[1]) && typeof v[2] === 'string' && HEX64.test(v[2]);

/** The event data as a CheckpointData, or why it is not one. Shape only: digests and the
 *  signature are verify's to check. */
export const parseCheckpoint = (data: JsonObject): CheckpointData | { readonly malformed: string } => {
  const { version, sequence, position, streams, heads, headsDigest: hd, previous, digest, at, publicKeyId, signature } = data;
  if (version !== CHECKPOINT_FORMAT_VERSION) return { malformed: `unknown version ${JSON.stringify(version ?? null)}` };
  if (!isCount(sequence) || !isCount(position) || !isCount(streams)) return { malformed: 'sequence, position and streams must be integers >= 0' };
  if (!Array.isArray(heads) || !heads.every(isHead)) return { malformed: 'heads must be [stream, revision, hash] entries' };
  const entries = heads as unknown as HeadEntry[];
  if (!entries.every((e, i) => i === 0 || byStreamName((entries[i - 1] as HeadEntry)[0], e[0]) < 0)) {
    return { malformed: 'heads must be sorted by stream, each stream once' };
  }
  if (![hd, previous, digest].every((v) => typeof v === 'string' && HEX64.test(v))) return { malformed: 'digests must be 64 hex' };
  if (typeof at !== 'string' || typeof publicKeyId !== 'string' || !HEX16.test(publicKeyId)) return { malformed: 'at or publicKeyId' };
  if (typeof signature !== 'string' || !BASE64_SIGNATURE.test(signature)) return { malformed: 'signature must be 64 bytes of base64' };
  return {
    version,
    sequence,
    position,
    streams,
    heads: entries,
    headsDigest: hd as string,
    previous: previous as string,
    digest: digest as string,
    at,
    publicKeyId,
    signature,
  };
};

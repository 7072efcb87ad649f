// The per-stream hash chain (DESIGN.md, "Tamper evidence"). Every adapter computes it at append
// time, atomically with the event, and `keyledger verify` recomputes it — all through this one
// pure module, so the three cannot disagree on a byte.
//
//   hash = SHA-256( lp("keyledger/event/v1") ‖ lp(stream) ‖ u64be(revision) ‖ lp(id) ‖ lp(type)
//                   ‖ lp(data) ‖ lp(metadata) ‖ prev )
//
// lp(x) = u32be(byte length of UTF-8 x) ‖ UTF-8 x, so no field can slide into the next (the
// encryption-context lesson of DESIGN.md, applied here too). `data` and `metadata` are the
// canonical JSON text the store keeps (json.ts); `metadata` never holds `prev` or `hash` — the
// store adds those when it hands an event out. `prev` is the raw 32-byte hash of the stream's
// previous event (all zeros at revision 0), written as 64 lowercase hex wherever it travels.
// The global position is deliberately NOT hashed: it is the adapter's to assign (a SQLite file
// and a KurrentDB cluster number the same log differently), and signed checkpoints pin which
// events precede which position.
//
// Hot path of verify (≥ 300k events/s): one scratch buffer reused for the encoding and one
// one-shot node:crypto call per event — measured ~2x faster than a Hash object fed field by
// field, whose per-call overhead dominates at these sizes (more below, at eventHashOf).
import { hash as oneShotHash } from 'node:crypto';
import type { JsonObject, RecordedEvent } from './eventStore.js';
import { canonicalJson } from './json.js';

export const HASH_BYTES = 32;
export const EVENT_HASH_LABEL = 'keyledger/event/v1';
/** The metadata members the store owns: a writer may not set them. */
export const CHAIN_MEMBERS = ['prev', 'hash'] as const;
/** The `prev` of every revision 0: 32 zero bytes. */
export const GENESIS_HASH = '0'.repeat(2 * HASH_BYTES);

/** What the hash covers. `data` and `metadata` are canonical JSON text; `prev` is 64 hex. */
export interface ChainFields {
  readonly stream: string;
  readonly revision: number;
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  readonly prev: string;
}

const HEX_HASH = /^[0-9a-f]{64}$/;

/** Buffer#utf8Write and Buffer#hexWrite: what Buffer#write(text, offset, 'utf8' | 'hex') calls
 *  once it has checked its arguments, the same C++ encoders. Undocumented, so used only where
 *  present. */
interface RawWrites {
  utf8Write?(text: string, offset: number): number;
  hexWrite?(text: string, offset: number, length: number): number;
}
const raw = Buffer.prototype as RawWrites;
const utf8Write: (into: Buffer, text: string, offset: number) => number =
  typeof raw.utf8Write === 'function' ? (into, text, offset) => (into as RawWrites).utf8Write!(text, offset) : (into, text, offset) => into.write(text, offset, 'utf8');
const hexWrite: (into: Buffer, text: string, offset: number) => number =
  typeof raw.hexWrite === 'function' ? (into, text, offset) => (into as RawWrites).hexWrite!(text, offset, HASH_BYTES) : (into, text, offset) => into.write(text, offset, HASH_BYTES, 'hex');

// What one event costs here is most of what a verify thread spends besides reading the row
// (a million events are hashed in one verify), so: lp(label), the same for every event, is
// written once at the start of the scratch buffer; fields go in through the raw encoders above
// (Buffer#write's argument checks cost as much as encoding a short field); and the view of the
// first n bytes that the hash reads is made once per n, not once per event.
const VIEWS_UP_TO = 16 * 1024;
let scratch = Buffer.allocUnsafe(0);
let views: Buffer[] = [];
let labelEnd = 0;

/** Writes lp(text) at `offset`; the caller has made room for 4 + 3·length bytes. */
const putText = (text: string, offset: number): number => {
  const n = utf8Write(scratch, text, offset + 4);
  scratch.writeUInt32BE(n, offset);
  return offset + 4 + n;
};

const newScratch = (size: number): void => {
  scratch = Buffer.allocUnsafe(size);
  views = [];
  labelEnd = putText(EVENT_HASH_LABEL, 0);
};
newScratch(VIEWS_UP_TO);

/** The first `n` bytes of the scratch buffer. */
const scratchView = (n: number): Buffer => (n <= VIEWS_UP_TO ? (views[n] ??= scratch.subarray(0, n)) : scratch.subarray(0, n));

/**
 * The SHA-256 chain hash of one event, as 64 lowercase hex. Hashes travel as hex strings in
 * JavaScript (the store's BLOBs are converted in SQL): a string per event costs far less than a
 * Buffer, which is what lets verify read and check hundreds of thousands of events a second.
 */
export const eventHash = (e: ChainFields): string => eventHashOf(e.stream, e.revision, e.id, e.type, e.data, e.metadata, e.prev);

/** eventHash with the fields one by one, for loops over rows that never build an object. */
export const eventHashOf = (stream: string, revision: number, id: string, type: string, data: string, metadata: string, prev: string): string => {
  if (!Number.isSafeInteger(revision) || revision < 0) throw new RangeError(`"revision" expected an integer >= 0, got ${revision}`);
  // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
  const bound = 6 * 4 + 8 + HASH_BYTES + 3 * (EVENT_HASH_LABEL.length + stream.length + id.length + type.length + data.length + metadata.length);
  if (bound > scratch.length) newScratch(Math.max(bound, 2 * scratch.length));
  let o = putText(stream, labelEnd);
  scratch.writeUInt32BE(Math.floor(revision / 2 ** 32), o);
  scratch.writeUInt32BE(revision >>> 0, o + 4);
  o = putText(id, o + 8);
  o = putText(type, o);
  o = putText(data, o);
  o = putText(metadata, o);
  // Checked a character code at a time (a regular expression here cost more than the encoding of
  // all the other fields). Node's hex decoder alone is no check: it reads only the low byte of
  // each UTF-16 unit, so 'š' (U+0161) would decode as 'a'.
  if (!isLowerHex64(prev)) throw new TypeError('"prev" expected 64 lowercase hex characters');
  hexWrite(scratch, prev, o);
  return oneShotHash('sha256', scratchView(o + HASH_BYTES), 'hex');
};

/**
 * The first column of a stored row that is not of its kind — a revision that is no integer, a
 * text that is a blob or a number, a link that is no hash — or undefined when all are. A log's
 * rows can only be so by tampering past the schema's checks; a verifier names such a row as
 * edited rather than stumbling over it.
 */
export const malformedChainColumn = (row: {
  readonly stream: unknown;
  readonly revision: unknown;
  readonly id: unknown;
  readonly type: unknown;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly prev: unknown;
}): string | undefined => {
  if (typeof row.stream !== 'string') return 'stream';
  if (typeof row.revision !== 'number' || !Number.isSafeInteger(row.revision) || row.revision < 0) return 'revision';
  if (typeof row.id !== 'string') return 'id';
  if (typeof row.type !== 'string') return 'type';
  if (typeof row.data !== 'string') return 'data';
  if (typeof row.metadata !== 'string') return 'metadata';
  if (typeof row.prev !== 'string' || !isLowerHex64(row.prev)) return 'prev';
  return undefined;
};

const isLowerHex64 = (text: string): boolean => {
  if (text.length !== 2 * HASH_BYTES) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // 0-9 or a-f
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
};

export const isHash = (value: unknown): value is string => typeof value === 'string' && HEX_HASH.test(value);

/**
 * Stored metadata text with the chain link added, as events are handed out. Text surgery
 * instead of parse-and-rebuild, because it runs on every read; the stored text never holds
 * either member (appendRules refuses them).
 */
export const metadataWithLinks = (metadata: string, prev: string, hash: string): string =>
  `${metadata.length <= 2 ? '{' : `${metadata.slice(0, -1)},`}"prev":"${prev}","hash":"${hash}"}`;

/** The chain fields of an event as any adapter hands it out: metadata minus its link, both
 *  re-canonicalized, and `prev` from the metadata. For adapters that do not keep the text. */
export const chainFieldsOf = (event: RecordedEvent): ChainFields & { readonly hash: string } => {
  const { prev, hash, ...rest } = event.metadata;
  const metadata: JsonObject = rest;
  if (!isHash(prev) || !isHash(hash)) throw new TypeError('metadata.prev and metadata.hash expected 64 lowercase hex characters');
  return {
    stream: event.stream,
    revision: event.revision,
    id: event.id,
    type: event.type,
    data: canonicalJson(event.data),
    metadata: canonicalJson(metadata),
    prev,
    hash,
  };
};

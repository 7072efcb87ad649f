// Appending signed checkpoints (checkpointFormat.ts). The serve command calls `append` on a
// timer (hourly by default) and once at clean shutdown; each call reads the heads that moved
// since the last checkpoint from ONE snapshot of the store, signs, and appends to
// `$checkpoints` with the exact expected revision — so two writers can never both extend the
// checkpoint chain from the same predecessor.
import { randomUUID } from 'node:crypto';
import type { AuditSigner } from '../../crypto/auditKey.js';
import type { EventStore, JsonObject, KeyVault } from '../../store/eventStore.js';
import type { Clock } from '../context.js';
import { loadOrCreateAuditKey } from './auditKeyStore.js';
import {
  CHECKPOINT_FORMAT_VERSION,
  CHECKPOINT_RECORDED,
  CHECKPOINT_STREAM,
  NO_PREVIOUS,
  checkpointDigest,
  headsDigest,
  parseCheckpoint,
  type CheckpointData,
  type HeadEntry,
} from './checkpointFormat.js';

export interface CheckpointOutcome {
  /** False when no stream moved since the last checkpoint: nothing was appended, and the
   *  other members describe that last checkpoint. */
  readonly appended: boolean;
  readonly sequence: number;
  readonly position: number;
  readonly streams: number;
  /** Heads listed (streams that moved since the previous checkpoint). */
  readonly heads: number;
  readonly digest: string;
}

export interface CheckpointerOptions {
  readonly store: EventStore;
  readonly vault: KeyVault;
  readonly rootKey: Uint8Array;
  readonly clock: Clock;
  /** Where the audit public key is exported when the key is created (or found missing). */
  readonly publicKeyFile?: string | undefined;
}

/** The last checkpoint in the store, read back through the same parser verify uses. */
export const lastCheckpoint = async (store: EventStore): Promise<CheckpointData | undefined> => {
  for await (const event of store.readStream(CHECKPOINT_STREAM, { direction: 'backwards', limit: 1 })) {
    const parsed = parseCheckpoint(event.data);
    if ('malformed' in parsed) throw new Error(`the last checkpoint (revision ${event.revision}) is malformed: ${parsed.malformed}`);
    return parsed;
  }
  return undefined;
};

const outcome = (c: CheckpointData, appended: boolean): CheckpointOutcome => ({
  appended,
  sequence: c.sequence,
  position: c.position,
  streams: c.streams,
  heads: c.heads.length,
  digest: c.digest,
});

export class Checkpointer {
  private signer: Promise<AuditSigner> | undefined;
  /** Appends run one at a time: the next reads the head the previous one wrote. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: CheckpointerOptions) {}

  /** The audit public key (raw 32 bytes), creating the audit key on first use. */
  async publicKey(): Promise<Uint8Array> {
    return Uint8Array.from((await this.auditKey()).publicKey);
  }

  /** Appends a checkpoint unless no stream moved since the last one. */
  append(): Promise<CheckpointOutcome> {
    const next = this.queue.then(() => this.appendNow());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private auditKey(): Promise<AuditSigner> {
    this.signer ??= loadOrCreateAuditKey(this.options).catch((error: unknown) => {
      this.signer = undefined; // a transient vault failure must not disable checkpoints for good
      throw error;
    });
    return this.signer;
  }

  private async appendNow(): Promise<CheckpointOutcome> {
    const { store, clock } = this.options;
    const signer = await this.auditKey();
    const last = await lastCheckpoint(store);
    const snapshot = await store.streamHeads({ after: last?.position ?? 0 });
    const moved = snapshot.heads.filter((h) => h.stream !== CHECKPOINT_STREAM);
    if (last !== undefined && moved.length === 0) return outcome(last, false);
    const heads = moved.map((h): HeadEntry => [h.stream, h.revision, h.hash]);
    const signed = {
      sequence: last === undefined ? 0 : last.sequence + 1,
      position: moved.reduce((max, h) => Math.max(max, h.position), last?.position ?? 0),
      // `$checkpoints` exists exactly when there is a last checkpoint.
      streams: snapshot.streams - (last === undefined ? 0 : 1),
      at: clock.now().toISOString(),
      previous: last?.digest ?? NO_PREVIOUS,
      headsDigest: headsDigest(heads).toString('hex'),
    };
    const digest = checkpointDigest(signed);
    const data: CheckpointData = {
      version: CHECKPOINT_FORMAT_VERSION,
      ...signed,
      heads,
      digest: digest.toString('hex'),
      publicKeyId: signer.keyId,
      signature: Buffer.from(signer.sign(digest)).toString('base64'),
    };
    const event = { id: randomUUID(), type: CHECKPOINT_RECORDED, data: data as unknown as JsonObject, metadata: { occurredAt: signed.at } };
    await store.append(CHECKPOINT_STREAM, [event], last === undefined ? 'no_stream' : last.sequence);
    return outcome(data, true);
  }
}

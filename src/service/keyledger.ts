// The keyledger service: wires the store, the projections, the stream writers and the key ring
// together, and answers KMS operations through one generic entry point (the HTTP layer's
// `KmsApi`). Open it on an event store and a vault; it catches its projections up with the
// log before it answers anything.
import { randomUUID } from 'node:crypto';
import { KeyRing } from '../crypto/keyRing.js';
import { aliasDecider } from '../domain/alias/index.js';
import { kmsError } from '../domain/errors.js';
import { keyArnOf, type KeyId } from '../domain/ids.js';
import { keyDecider } from '../domain/key/index.js';
import { AliasIndex } from '../projections/aliasIndex.js';
import { KeyViews } from '../projections/keyViews.js';
import { LastUsageView } from '../projections/lastUsage.js';
import { ProjectionRunner } from '../projections/runner.js';
import type { EventStore, KeyVault } from '../store/eventStore.js';
import { type AdminContext, adminHandlers, adminResources, requireAdminRole } from './admin/adminReads.js';
import type { AdminApi, AdminInput, AdminOperationName, AdminOutput, AdminRequestContext } from './admin/adminShapes.js';
import { VerifyRuns } from './admin/verifyRuns.js';
import { type AuditPages, auditPagesOn } from './admin/auditLookup.js';
import type { Clock, Handler, ServiceContext } from './context.js';
import { Checkpointer, type CheckpointOutcome } from './forensics/checkpoints.js';
import { handlers } from './operations/index.js';
import { runScheduler, type SchedulerRun } from './scheduler.js';
import type { Input, KmsApi, OperationName, Output, RequestContext } from './shapes.js';
import { StreamWriter } from './streamWriter.js';
import { auditParameters } from './auditParameters.js';
import { RequestRecorder, type Rejection } from './requestRecorder.js';

export type { Rejection } from './requestRecorder.js';
import { resolveKeyArn } from './resolve.js';

export interface KeyledgerOptions {
  readonly store: EventStore;
  readonly vault: KeyVault;
  readonly rootKey: Uint8Array;
  readonly clock?: Clock;
  readonly newKeyId?: () => string;
  /** Where to export the audit public key (PEM) when the audit key is created, e.g.
   *  `<data dir>/audit-key.pub`: `keyledger verify` needs only it and a copy of the log. */
  readonly auditPublicKeyFile?: string;
  /** Where the admin API's audit pages are computed; default: on the caller's thread, from `store`. */
  readonly auditPages?: AuditPages;
}

const systemClock: Clock = { now: () => new Date() };

export class Keyledger implements KmsApi, AdminApi {
  /** Signs checkpoints of the hash chain; set by `open`. */
  private checkpointer: Checkpointer | undefined;
  /** What the admin read API reads; set by `open`. */
  private admin: AdminContext | undefined;

  private constructor(
    private readonly svc: ServiceContext,
    private readonly runner: ProjectionRunner,
    private readonly recorder: RequestRecorder,
  ) {}

  static async open(options: KeyledgerOptions): Promise<Keyledger> {
    const keys = new KeyViews();
    const aliases = new AliasIndex();
    const lastUsage = new LastUsageView();
    const runner = new ProjectionRunner([keys, aliases, lastUsage]);
    await runner.start(options.store);
    const clock = options.clock ?? systemClock;
    const recorder = new RequestRecorder(options.store, clock);
    const svc: ServiceContext = {
      keys,
      aliases,
      lastUsage,
      keyWriter: new StreamWriter(options.store, runner, {
        read: (stream) => {
          const entry = keys.get(stream.slice('key-'.length));
          return { state: entry?.key ?? keyDecider.initialState, revision: entry?.revision };
        },
        evolve: keyDecider.evolve,
      }, recorder.committed),
      aliasWriter: new StreamWriter(options.store, runner, {
        read: (stream) => {
          const entry = aliases.get(stream.slice('alias-'.length));
          return { state: entry?.alias ?? aliasDecider.initialState, revision: entry?.revision };
        },
        evolve: aliasDecider.evolve,
      }, recorder.committed),
      keyRing: new KeyRing(options.rootKey, options.vault),
      clock,
      newKeyId: options.newKeyId ?? randomUUID,
    };
    const kms = new Keyledger(svc, runner, recorder);
    const { store, vault, rootKey, auditPublicKeyFile: publicKeyFile } = options;
    kms.checkpointer = new Checkpointer({ store, vault, rootKey, clock, publicKeyFile });
    kms.admin = { store, verifyRuns: new VerifyRuns(store, () => kms.auditPublicKey(), clock), auditPages: options.auditPages ?? auditPagesOn(store) };
    return kms;
  }

  /**
   * Appends a signed checkpoint of every stream's head to `$checkpoints` (DESIGN.md, "Tamper
   * evidence"), creating the audit key on first use; a no-op when no stream moved since the
   * last one. The serve command calls it on a timer and at clean shutdown.
   */
  appendCheckpoint(): Promise<CheckpointOutcome> {
    return this.forensics().append();
  }

  /** The audit public key (raw 32-byte Ed25519) that verifies the checkpoints. */
  auditPublicKey(): Promise<Uint8Array> {
    return this.forensics().publicKey();
  }

  private forensics(): Checkpointer {
    if (this.checkpointer === undefined) throw new Error('Keyledger.open sets the checkpointer');
    return this.checkpointer;
  }

  execute<O extends OperationName>(operation: O, input: Input<O>, context: RequestContext): Promise<Output<O>> {
    const handler = handlers[operation] as Handler<O> | undefined;
    const request: RequestContext = { ...context, parameters: auditParameters(input) };
    return this.recorder.run(operation, request, () => this.resourcesOf(input, request), () => {
      if (!handler) throw kmsError('UnsupportedOperationException', `${String(operation)} is not supported`);
      return handler(this.svc, input, request);
    });
  }

  /**
   * keyledger's admin read API (src/service/admin): forensic reads for principals with the
   * auditor or admin role, each recorded like a KMS request — a refusal included.
   */
  executeAdmin<O extends AdminOperationName>(operation: O, input: AdminInput<O>, context: AdminRequestContext): Promise<AdminOutput<O>> {
    const { roles, ...caller } = context;
    const request: RequestContext = { ...caller, parameters: auditParameters(input) };
    return this.recorder.run(operation, request, () => adminResources(input, request), () => {
      requireAdminRole(operation, roles, request);
      if (this.admin === undefined) throw new Error('Keyledger.open sets the admin context');
      return adminHandlers[operation](this.admin, input, request);
    });
  }

  /** The keys a request names, as far as they resolve, for its audit record. */
  private resourcesOf(input: object, request: RequestContext): string[] {
    const refs = ['KeyId', 'TargetKeyId', 'SourceKeyId', 'DestinationKeyId']
      .map((member) => (input as Record<string, unknown>)[member])
      .filter((ref): ref is string => typeof ref === 'string');
    const named = refs.flatMap((ref) => {
      try {
        return [resolveKeyArn(ref, request, this.svc.aliases, true)];
      } catch {
        return [];
      }
    });
    // Decrypt and ReEncrypt name their source key inside the ciphertext.
    const blob = (input as { CiphertextBlob?: unknown }).CiphertextBlob;
    if (blob instanceof Uint8Array) {
      try {
        named.push(keyArnOf(request, this.svc.keyRing.parse(blob).keyId as KeyId));
      } catch {
        // A malformed blob names no key.
      }
    }
    return [...new Set(named)];
  }

  /**
   * Records a request refused before it reached any key (transport, authentication or
   * validation) in the audit stream of its account, Region and day. Nothing else is written
   * for it.
   */
  recordRejected(rejection: Rejection): Promise<void> {
    return this.recorder.rejected(rejection);
  }

  /** Appends the rotations and deletions that are due by the service's clock. */
  runScheduler(): Promise<SchedulerRun> {
    return runScheduler(this.svc);
  }

  /** Read-only views, for the CLI and tests. */
  get views(): Pick<ServiceContext, 'keys' | 'aliases' | 'lastUsage'> {
    return { keys: this.svc.keys, aliases: this.svc.aliases, lastUsage: this.svc.lastUsage };
  }

  /** Position of the last event the projections have applied. */
  get checkpoint(): number {
    return this.runner.checkpoint;
  }

  /** Stops following the log. The store is the caller's to close. */
  close(): void {
    this.runner.stop();
  }
}


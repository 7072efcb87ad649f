// `keyledger verify` over HTTP: verifyLog (../forensics/verify.ts) on the live store, with the
// server's own audit public key. A run reads the whole log, so only one runs at a time: whoever
// asks while one is under way gets that run's answer, and its StartedAt says so. The run reads
// the store only; events appended meanwhile are checked as far as the walk reaches them (verify
// holds a stream that moved on since it read the head index only to its length).
//
// This checks the log against the key the server holds, which answers "has the log been altered
// behind the server's back?". It is not the independent check: someone who controls the server
// controls this answer too. That is `keyledger verify --public-key <a copy kept elsewhere>` on a
// copy of the data directory (README, "Forensics").
import { auditKeyId } from '../../crypto/auditKey.js';
import type { EventStore } from '../../store/eventStore.js';
import type { Clock } from '../context.js';
import { CHECKPOINT_STREAM, parseCheckpoint, type CheckpointData } from '../forensics/checkpointFormat.js';
import { verifyLog, type VerifyProblem } from '../forensics/verify.js';
import type { AdminOutput, VerifyProblemView } from './adminShapes.js';

const problemView = (p: VerifyProblem): VerifyProblemView => ({
  Kind: p.kind,
  Stream: p.stream,
  Revision: p.revision,
  ...(p.position !== undefined ? { Position: p.position } : {}),
  ...(p.checkpoint !== undefined ? { Checkpoint: p.checkpoint } : {}),
  Detail: p.detail,
});

export class VerifyRuns {
  private running: Promise<AdminOutput<'VerifyLog'>> | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly publicKey: () => Promise<Uint8Array>,
    private readonly clock: Clock,
  ) {}

  /** The answer of the run under way, or of a new one. */
  run(): Promise<AdminOutput<'VerifyLog'>> {
    if (this.running === undefined) {
      const run = this.runOnce();
      this.running = run;
      // Cleared only once settled, so a caller arriving after the end starts a fresh run.
      void run.then(
        () => this.clear(run),
        () => this.clear(run),
      );
    }
    return this.running;
  }

  private clear(run: Promise<unknown>): void {
    if (this.running === run) this.running = undefined;
  }

  private async runOnce(): Promise<AdminOutput<'VerifyLog'>> {
    const started = this.clock.now();
    const publicKey = await this.publicKey();
    const result = await verifyLog({ store: this.store, publicKey });
    const common = {
      StartedAt: started.toISOString(),
      DurationMs: Math.max(0, this.clock.now().getTime() - started.getTime()),
      AuditKeyId: auditKeyId(publicKey),
      EventsChecked: result.events,
    };
    if (!result.ok) return { LogIntact: false, ...common, Problem: problemView(result.problem) };
    const newest = await this.checkpointAt(result.checkpoints - 1);
    return {
      LogIntact: true,
      ...common,
      Streams: result.streams,
      Checkpoints: result.checkpoints,
      CoveredPosition: result.coveredPosition,
      Uncovered: result.uncovered,
      NewestCheckpoint: newest === undefined ? null : { Sequence: newest.sequence, Position: newest.position, At: newest.at, Digest: newest.digest },
    };
  }

  /**
   * The newest checkpoint the walk authenticated, by its sequence (which is its revision in
   * `$checkpoints`): on a live store the server may have signed a newer one since, which no walk
   * has checked yet.
   */
  private async checkpointAt(sequence: number): Promise<CheckpointData | undefined> {
    if (sequence < 0) return undefined;
    for await (const event of this.store.readStream(CHECKPOINT_STREAM, { from: sequence, limit: 1 })) {
      const parsed = parseCheckpoint(event.data);
      return 'malformed' in parsed ? undefined : parsed;
    }
    return undefined;
  }
}

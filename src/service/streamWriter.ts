// One writer per stream: every command for a stream — a DisableKey as well as an Encrypt's
// usage record — is decided against the stream's current state and appended with the expected
// revision. Commands that arrive while an append is in flight are decided together, each
// against the state the previous ones leave, and appended in ONE call (DESIGN.md, "Fail
// closed": concurrent usage of one key is coalesced into one append). A result — a ciphertext,
// a data key — is released only once the append carrying its event is durable and the
// projections have applied it, so no operation is acknowledged on a key that a concurrent
// DisableKey has just disabled, and a caller always reads its own writes.
//
// Pipelining: while one batch is being committed (an fsync), the next is decided against the
// state the in-flight batches will leave, and appended with the revision they will leave. If
// an in-flight append fails, every later one fails its revision check too (the chain of
// expected revisions is broken), nothing more is launched until all have settled, and the
// commands that lost are decided again from the projections' state. This relies on the
// projections (and this writer) being the stream's only writer, which holds for the embedded
// store; with several writer nodes the revision check still rejects every stale decision.
import type { EventStore, JsonObject, NewEvent } from '../store/eventStore.js';
import { isWrongExpectedVersion } from '../store/eventStore.js';
import type { ProjectionRunner } from '../projections/runner.js';
import { newEventId } from './eventIds.js';

export interface DomainEvent {
  readonly type: string;
  readonly data: object;
}

/** What a command decided: the events to record, and the result to release once they are durable. */
export interface Decision<E extends DomainEvent, R> {
  readonly events: readonly E[];
  readonly result: R;
}

export type Decide<S, E extends DomainEvent, R> = (state: S) => Decision<E, R> | Promise<Decision<E, R>>;

export interface StreamAccess<S, E extends DomainEvent> {
  /** The stream's state and revision as the projections know them; undefined revision: no stream. */
  read(stream: string): { state: S; revision: number | undefined };
  evolve(state: S, event: E): S;
}

interface Pending<S, E extends DomainEvent> {
  readonly decide: Decide<S, E, unknown>;
  readonly metadata: JsonObject;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
  attempts: number;
}

interface Outcome {
  readonly ok: boolean;
  readonly value: unknown;
}

interface StreamQueue<S, E extends DomainEvent> {
  pending: Pending<S, E>[];
  /** Commands that lost a race, to decide again once the in-flight appends have settled. */
  retry: Pending<S, E>[];
  inflight: number;
  deciding: boolean;
  /** The state and revision the in-flight appends will leave; undefined when none are in flight. */
  speculative: { state: S; revision: number | undefined } | undefined;
  /** An in-flight append failed: launch nothing until every in-flight append has settled. */
  broken: boolean;
  /** A revision conflict was seen: catch up with the store before deciding again. */
  conflicted: boolean;
  /** Settles with whether the last launched batch (and so every one before it) was written. */
  tail: Promise<boolean>;
}

/** Attempts per command when another writer (a second node, say) wins a race for the stream. */
const MAX_ATTEMPTS = 5;
/** Appends per stream in flight at once. */
const MAX_INFLIGHT = 8;

export class StreamWriter<S, E extends DomainEvent> {
  private readonly queues = new Map<string, StreamQueue<S, E>>();

  constructor(
    private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
    private readonly access: StreamAccess<S, E>,
    /** Told the metadata of every command whose events were just made durable. */
    private readonly onCommitted: (metadata: JsonObject) => void = () => {},
  ) {}

  /** Decides `decide` on the stream's state and appends its events; resolves with its result once durable. */
  submit<R>(stream: string, metadata: JsonObject, decide: Decide<S, E, R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let queue = this.queues.get(stream);
      if (!queue) {
        queue = {
          pending: [],
          retry: [],
          inflight: 0,
          deciding: false,
          speculative: undefined,
          broken: false,
          conflicted: false,
          tail: Promise.resolve(true),
        };
        this.queues.set(stream, queue);
      }
      queue.pending.push({ decide, metadata, resolve: resolve as (r: unknown) => void, reject, attempts: 0 });
      void this.pump(stream, queue);
    });
  }

  /** Decides and launches batches while there is work, room in the pipeline, and no failure to recover from. */
  private async pump(stream: string, q: StreamQueue<S, E>): Promise<void> {
    if (q.deciding) return;
    q.deciding = true;
    try {
      while (q.pending.length > 0 && q.inflight < MAX_INFLIGHT && !q.broken) {
        const batch = q.pending.splice(0, q.pending.length);
        const base = q.speculative ?? this.access.read(stream);
        const { state, events, outcomes } = await this.decideBatch(base.state, batch);
        q.inflight += 1;
        const prior = q.tail;
        if (events.length === 0) {
          // Nothing to write, but the answers may rest on in-flight events: release them only
          // once those are durable, and decide again if they were not.
          q.tail = this.afterPrior(stream, q, batch, outcomes, prior);
          continue;
        }
        q.speculative = { state, revision: (base.revision ?? -1) + events.length };
        q.tail = this.commit(stream, q, batch, outcomes, events, base.revision);
      }
    } finally {
      q.deciding = false;
      if (q.pending.length === 0 && q.inflight === 0 && q.retry.length === 0) this.queues.delete(stream);
    }
  }

  private async decideBatch(initial: S, batch: readonly Pending<S, E>[]): Promise<{ state: S; events: NewEvent[]; outcomes: Outcome[] }> {
    let state = initial;
    const events: NewEvent[] = [];
    const outcomes: Outcome[] = [];
    for (const item of batch) {
      try {
        const decision = await item.decide(state);
        let next = state;
        for (const e of decision.events) next = this.access.evolve(next, e);
        for (const e of decision.events) events.push({ id: newEventId(), type: e.type, data: e.data as JsonObject, metadata: item.metadata });
        state = next;
        outcomes.push({ ok: true, value: decision.result });
      } catch (error) {
        outcomes.push({ ok: false, value: error });
      }
    }
    return { state, events, outcomes };
  }

  /** Appends one batch; true once it is durable and applied and its results are released. */
  private async commit(
    stream: string,
    q: StreamQueue<S, E>,
    batch: Pending<S, E>[],
    outcomes: Outcome[],
    events: NewEvent[],
    expected: number | undefined,
  ): Promise<boolean> {
    try {
      // The expected revision chains this append to every earlier in-flight one: it can only
      // succeed if they all did.
      const appended = await this.store.append(stream, events, expected ?? 'no_stream');
      await this.runner.waitFor(appended.position);
      for (const e of events) this.onCommitted(e.metadata);
      settle(batch, outcomes);
      return true;
    } catch (error) {
      q.broken = true;
      if (isWrongExpectedVersion(error)) {
        // Lost a race (or an earlier in-flight append failed): decide everything again, even
        // refusals, which may have depended on events that were never written.
        q.conflicted = true;
        this.requeue(q, batch, error);
      } else {
        batch.forEach((item) => item.reject(error));
      }
      return false;
    } finally {
      await this.settled(stream, q);
    }
  }

  /** Releases the answers of a batch that wrote nothing, once everything before it is durable. */
  private async afterPrior(stream: string, q: StreamQueue<S, E>, batch: Pending<S, E>[], outcomes: Outcome[], prior: Promise<boolean>): Promise<boolean> {
    const ok = await prior;
    if (ok) settle(batch, outcomes);
    else this.requeue(q, batch, new Error('an earlier append of this stream failed'));
    await this.settled(stream, q);
    return ok;
  }

  private requeue(q: StreamQueue<S, E>, batch: readonly Pending<S, E>[], error: unknown): void {
    for (const item of batch) {
      if (++item.attempts < MAX_ATTEMPTS) q.retry.push(item);
      else item.reject(error);
    }
  }

  private async settled(stream: string, q: StreamQueue<S, E>): Promise<void> {
    q.inflight -= 1;
    if (q.inflight === 0) await this.recover(stream, q);
  }

  /** Once nothing is in flight: drop the speculation, requeue the losers, and carry on. */
  private async recover(stream: string, q: StreamQueue<S, E>): Promise<void> {
    q.speculative = undefined;
    q.tail = Promise.resolve(true);
    if (q.broken) {
      if (q.conflicted) {
        try {
          await this.runner.waitFor(await this.store.headPosition());
        } catch (error) {
          q.retry.splice(0).forEach((item) => item.reject(error));
        }
      }
      q.pending.unshift(...q.retry.splice(0));
      q.broken = false;
      q.conflicted = false;
    }
    void this.pump(stream, q);
  }
}

const settle = <S, E extends DomainEvent>(batch: readonly Pending<S, E>[], outcomes: readonly Outcome[]): void =>
  batch.forEach((item, i) => {
    const outcome = outcomes[i]!;
    if (outcome.ok) item.resolve(outcome.value);
    else item.reject(outcome.value);
  });

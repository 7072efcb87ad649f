// A service on a real store (memory or SQLite), a clock the test moves, and a caller.
import { randomBytes } from 'node:crypto';
import { Keyledger } from '../../src/service/keyledger.js';
import type { Input, OperationName, Output, RequestContext } from '../../src/service/shapes.js';
import { MemoryEventStore, MemoryKeyVault } from '../../src/store/memoryStore.js';
import type { EventStore, KeyVault } from '../../src/store/eventStore.js';

export class TestClock {
  constructor(private t: number = Date.parse('2026-01-01T00:00:00.000Z')) {}
  now(): Date {
    return new Date(this.t);
  }
  advanceDays(days: number): void {
    this.t += days * 86_400_000;
  }
  advanceMs(ms: number): void {
    this.t += ms;
  }
}

export const caller = (over: Partial<RequestContext> = {}): RequestContext => ({
  requestId: crypto.randomUUID(),
  account: '111122223333',
  region: 'us-east-1',
  principalArn: 'arn:aws:iam::111122223333:user/alice',
  accessKeyId: 'AKIAEXAMPLE',
  sourceIp: '127.0.0.1',
  userAgent: 'test',
  ...over,
});

export interface Harness {
  readonly kms: Keyledger;
  readonly store: EventStore;
  readonly vault: KeyVault;
  readonly clock: TestClock;
  readonly rootKey: Uint8Array;
  call<O extends OperationName>(op: O, input: Input<O>, ctx?: Partial<RequestContext>): Promise<Output<O>>;
}

export const openHarness = async (
  opts: { store?: EventStore; vault?: KeyVault; clock?: TestClock; rootKey?: Uint8Array } = {},
): Promise<Harness> => {
  const store = opts.store ?? new MemoryEventStore();
  const vault = opts.vault ?? new MemoryKeyVault();
  const clock = opts.clock ?? new TestClock();
  const rootKey = opts.rootKey ?? new Uint8Array(randomBytes(32));
  const kms = await Keyledger.open({ store, vault, rootKey, clock });
  return {
    kms,
    store,
    vault,
    clock,
    rootKey,
    call: (op, input, ctx) => kms.execute(op, input, caller(ctx)),
  };
};

/** The AWS exception name a promise rejects with. */
export const errorOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    return (e as Error).name;
  }
  return 'no error';
};

// Last usage of each key (GetKeyLastUsage): the latest KeyUsed event of its stream. The event
// id doubles as the CloudTrail event id, since every audit record is an event of this log.
import type { UsageOperation } from '../domain/key/events.js';
import type { RecordedEvent } from '../store/eventStore.js';
import type { Projection } from './projection.js';

export interface LastUsage {
  readonly operation: UsageOperation;
  readonly at: string;
  readonly requestId: string;
  readonly eventId: string;
}

export class LastUsageView implements Projection {
  readonly name = 'lastUsage';
  private readonly byArn = new Map<string, LastUsage>();

  apply(event: RecordedEvent): void {
    if (event.type !== 'KeyUsed' || !event.stream.startsWith('key-')) return;
    const { operation, at, requestId } = event.data;
    if (typeof operation !== 'string' || typeof at !== 'string' || typeof requestId !== 'string') return;
    this.byArn.set(event.stream.slice(4), { operation: operation as UsageOperation, at, requestId, eventId: event.id });
  }

  snapshot(): [string, LastUsage][] {
    return [...this.byArn.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  get(keyArn: string): LastUsage | undefined {
    return this.byArn.get(keyArn);
  }
}

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

/**
 * Holds each key's latest KeyUsed event and reads it only when asked: applying is on the path
 * of every cryptographic request and of every replay, and a key is used far more often than
 * anyone asks when it was last used. (The stores parse an event's data on first read.)
 */
export class LastUsageView implements Projection {
  readonly name = 'lastUsage';
  private readonly byArn = new Map<string, RecordedEvent>();

  apply(event: RecordedEvent): void {
    if (event.type !== 'KeyUsed' || !event.stream.startsWith('key-')) return;
    this.byArn.set(event.stream.slice(4), event);
  }

  snapshot(): [string, LastUsage][] {
    return [...this.byArn.keys()]
      .sort()
      .flatMap((arn): [string, LastUsage][] => {
        const usage = this.get(arn);
        return usage === undefined ? [] : [[arn, usage]];
      });
  }

  /** Undefined for a key never used — or whose latest KeyUsed event is malformed, which the
   *  service never writes. */
  get(keyArn: string): LastUsage | undefined {
    const event = this.byArn.get(keyArn);
    if (event === undefined) return undefined;
    const { operation, at, requestId } = event.data;
    if (typeof operation !== 'string' || typeof at !== 'string' || typeof requestId !== 'string') return undefined;
    return { operation: operation as UsageOperation, at, requestId, eventId: event.id };
  }
}

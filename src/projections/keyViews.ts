// The key view: every key's state as `evolve` folds it, with its stream revision, and the
// keys of each account and Region in creation order. DescribeKey, ListKeys and every
// decision read it; a request never replays a stream.
import { keyDecider } from '../domain/key/index.js';
import type { KeyEvent } from '../domain/key/events.js';
import type { Key } from '../domain/key/state.js';
import type { RecordedEvent } from '../store/eventStore.js';
import type { Projection } from './projection.js';

export interface KeyEntry {
  readonly key: Key;
  /** Revision of the key stream's last event: the expected revision of the next append. */
  readonly revision: number;
}

const KEY_STREAM = 'key-';
const scopeOf = (account: string, region: string): string => `${account}/${region}`;

export class KeyViews implements Projection {
  readonly name = 'keys';
  private readonly byArn = new Map<string, KeyEntry>();
  private readonly byScope = new Map<string, string[]>();

  apply(event: RecordedEvent): void {
    if (!event.stream.startsWith(KEY_STREAM)) return;
    const arn = event.stream.slice(KEY_STREAM.length);
    const before = this.byArn.get(arn);
    const key = keyDecider.evolve(before?.key ?? keyDecider.initialState, event as unknown as KeyEvent);
    this.byArn.set(arn, { key, revision: event.revision });
    if (!before && key.status !== 'Nonexistent') {
      const scope = scopeOf(key.account, key.region);
      const list = this.byScope.get(scope) ?? [];
      list.push(arn);
      this.byScope.set(scope, list);
    }
  }

  /** Every key's entry, sorted by ARN: what a rebuild is compared on. */
  snapshot(): [string, KeyEntry][] {
    return [...this.byArn.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  get(keyArn: string): KeyEntry | undefined {
    return this.byArn.get(keyArn);
  }

  /** Key ARNs of one account and Region, oldest first (deleted keys included; callers filter). */
  arnsIn(account: string, region: string): readonly string[] {
    return this.byScope.get(scopeOf(account, region)) ?? [];
  }

  *entries(): IterableIterator<[string, KeyEntry]> {
    yield* this.byArn.entries();
  }
}

// How often each key was used (`keyledger usage`): KeyUsed events counted per key and per day,
// operation or principal. A ReEncrypt counts once on each of its two keys, as it is recorded.
import type { Json, RecordedEvent } from '../store/eventStore.js';

export type UsageGrouping = 'day' | 'operation' | 'principal';

export interface UsageCount {
  readonly keyArn: string;
  /** The day (yyyy-mm-dd, UTC), operation or principal ARN. */
  readonly group: string;
  readonly count: number;
}

const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

const groupOf = (event: RecordedEvent, by: UsageGrouping): string => {
  switch (by) {
    case 'day':
      return (str(event.data['at']) ?? '').slice(0, 10);
    case 'operation':
      return str(event.data['operation']) ?? 'Unknown';
    case 'principal': {
      const actor = event.metadata['actor'];
      return (actor !== null && typeof actor === 'object' && !Array.isArray(actor) ? str(actor['principalArn']) : undefined) ?? 'Unknown';
    }
  }
};

/** Counts sorted by key ARN, then group. `keyArn` restricts to one key. */
export const usageCounts = (events: Iterable<RecordedEvent>, by: UsageGrouping, keyArn?: string): UsageCount[] => {
  const counts = new Map<string, Map<string, number>>();
  for (const e of events) {
    if (e.type !== 'KeyUsed' || !e.stream.startsWith('key-')) continue;
    const arn = e.stream.slice('key-'.length);
    if (keyArn !== undefined && arn !== keyArn) continue;
    const perKey = counts.get(arn) ?? new Map<string, number>();
    const group = groupOf(e, by);
    perKey.set(group, (perKey.get(group) ?? 0) + 1);
    counts.set(arn, perKey);
  }
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...counts.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .flatMap(([arn, perKey]) => [...perKey.entries()].sort(([a], [b]) => cmp(a, b)).map(([group, count]) => ({ keyArn: arn, group, count })));
};

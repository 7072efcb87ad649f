// A read-only EventStore over an array of stored events: a log copied out of a real store, for
// the tests to tamper with freely (verify reads only readStored, readStream and streamHeads).
import type { Observable } from 'rxjs';
import { metadataWithLinks } from '../../../src/store/chain.js';
import type {
  AppendResult,
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoredEvent,
  StreamHeads,
} from '../../../src/store/eventStore.js';
import { decodeJsonObject } from '../../../src/store/json.js';
import { collect } from '../../store/helpers.js';

const decode = (e: StoredEvent): RecordedEvent => ({
  stream: e.stream,
  revision: e.revision,
  position: e.position,
  id: e.id,
  type: e.type,
  data: decodeJsonObject(e.data),
  metadata: decodeJsonObject(metadataWithLinks(e.metadata, e.prev, e.hash)),
});

export class ArrayLog implements EventStore {
  /** `rows` in any order (they are served sorted by position); `index` is what streamHeads
   *  answers — the store's own index, which a careless attacker leaves as it was. */
  constructor(
    readonly rows: StoredEvent[],
    readonly index: StreamHeads,
  ) {}

  /** A copy of everything `store` holds, as stored. */
  static async copyOf(store: EventStore): Promise<ArrayLog> {
    return new ArrayLog(await collect(store.readStored()), await store.streamHeads());
  }

  append(): Promise<AppendResult> {
    return Promise.reject(new Error('an ArrayLog is read-only'));
  }

  async *readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    if (options.direction === 'backwards') throw new Error('not needed by verify');
    const from = options.from ?? 0;
    const matching = this.sorted().filter((e) => e.stream === stream && e.revision >= from);
    matching.sort((a, b) => a.revision - b.revision);
    yield* matching.slice(0, options.limit ?? matching.length).map(decode);
  }

  // eslint-disable-next-line require-yield
  async *readOccurred(): AsyncIterable<RecordedEvent> {
    throw new Error('not needed by verify');
  }

  // eslint-disable-next-line require-yield
  async *readRequest(): AsyncIterable<RecordedEvent> {
    throw new Error('not needed by verify');
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    for await (const e of this.readStored(options)) yield decode(e);
  }

  async *readStored(options: ReadAllOptions = {}): AsyncIterable<StoredEvent> {
    const after = options.after ?? 0;
    yield* this.sorted()
      .filter((e) => e.position > after)
      .slice(0, options.limit);
  }

  subscribeAll(): Observable<RecordedEvent> {
    throw new Error('not needed by verify');
  }

  async headPosition(): Promise<number> {
    return this.sorted().at(-1)?.position ?? 0;
  }

  async streamHeads(): Promise<StreamHeads> {
    return this.index;
  }

  async close(): Promise<void> {}

  private sorted(): StoredEvent[] {
    return [...this.rows].sort((a, b) => a.position - b.position);
  }
}

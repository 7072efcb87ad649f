// Forensic reads of the log: a key's state as of an instant or position, which key an alias
// named then, and a key's timeline — who did what, when. They read only the streams involved
// (a key's stream, and alias streams), never the whole log, and fold them with the same
// reducers as the live views. A key's stream also holds every use of the key — all but a few
// of its events, for a busy key — and usage is history, not state (evolve.ts), so state and
// the default timeline read the lifecycle events alone, past the usage, by type (an index).
// `keyledger history` and the admin read API both ask through them.
import { aliasArnOf, keyArnOf, type AliasName, type KeyArn, type KeyId, type Scope } from '../domain/ids.js';
import { aliasAsOf, keyAsOf, occurredAt, within, type AsOf, type Folded } from '../projections/asOf.js';
import type { Alias } from '../domain/alias/state.js';
import { keyEventTypes } from '../domain/key/events.js';
import type { Key } from '../domain/key/state.js';
import type { EventStore, JsonObject, RecordedEvent } from '../store/eventStore.js';

const collect = async (events: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
};

/** The key events that change its state: every one but KeyUsed. */
export const KEY_LIFECYCLE_TYPES: readonly string[] = keyEventTypes.filter((t) => t !== 'KeyUsed');

/** The key's state; `revision` and `position` are those of the last event that changed it. */
export interface KeyAsOfResult extends Folded<Key> {
  /** Alias names that pointed at the key at that point. */
  readonly aliases: readonly string[];
}

/**
 * The key's state as of `asOf`, with the aliases that named it then. `aliasArns` are the alias
 * streams to consider — every alias ever created in the key's account and Region (the live
 * alias index knows them all, deleted ones included).
 */
export const keyStateAsOf = async (store: EventStore, keyArn: KeyArn, asOf: AsOf, aliasArns: Iterable<string>): Promise<KeyAsOfResult> => {
  const folded = keyAsOf(await collect(store.readStream(`key-${keyArn}`, { types: KEY_LIFECYCLE_TYPES })), asOf);
  const keyId = keyArn.slice(keyArn.lastIndexOf('/') + 1);
  const aliases: string[] = [];
  for (const aliasArn of aliasArns) {
    const alias = await aliasStateAsOf(store, aliasArn, asOf);
    if (alias.state.status === 'Active' && alias.state.targetKeyId === keyId) aliases.push(alias.state.aliasName);
  }
  return { ...folded, aliases: aliases.sort() };
};

/** True when the stream has at least one event: the key or alias existed at some point. */
export const streamExists = async (store: EventStore, stream: string): Promise<boolean> => {
  for await (const _ of store.readStream(stream, { limit: 1 })) return true;
  return false;
};

/** Every alias ever created in the scope, deleted ones included: their streams, from the
 *  store's index of stream heads, so finding them costs no pass over the log. */
export const aliasArnsIn = async (store: EventStore, scope: Scope): Promise<string[]> => {
  const prefix = `alias-${aliasArnOf(scope, 'alias/' as AliasName)}`;
  const { heads } = await store.streamHeads();
  return heads.filter((h) => h.stream.startsWith(prefix)).map((h) => h.stream.slice('alias-'.length));
};

export const aliasStateAsOf = async (store: EventStore, aliasArn: string, asOf: AsOf): Promise<Folded<Alias>> =>
  aliasAsOf(await collect(store.readStream(`alias-${aliasArn}`)), asOf);

/** Which key `alias/…` named as of `asOf`, in the caller's account and Region. */
export const aliasTargetAsOf = async (store: EventStore, scope: Scope, name: AliasName, asOf: AsOf): Promise<Folded<Alias>> =>
  aliasStateAsOf(store, aliasArnOf(scope, name), asOf);

/** The key an alias named at a point, and that key's state then (null: not created yet). */
export interface AliasTarget {
  readonly keyId: string;
  readonly keyArn: string;
  readonly keyState: string | null;
}

/** What `alias` (folded as of `asOf`, living in `scope`) pointed at then; null unless Active. */
export const aliasTargetKey = async (store: EventStore, scope: Scope, alias: Alias, asOf: AsOf): Promise<AliasTarget | null> => {
  if (alias.status !== 'Active') return null;
  // An alias and its key share an account and Region, so the key's ARN follows from the alias's.
  const keyArn = keyArnOf(scope, alias.targetKeyId as KeyId);
  const key = (await keyStateAsOf(store, keyArn, asOf, [])).state;
  return { keyId: alias.targetKeyId, keyArn, keyState: key.status === 'Nonexistent' ? null : key.status };
};

/** One line of a key's or alias's timeline: who, when, what. Wrapped material is left out. */
export interface TimelineEntry {
  readonly position: number;
  readonly revision: number;
  readonly at: string | undefined;
  readonly type: string;
  readonly principalArn: string | undefined;
  readonly operation: string | undefined;
  readonly requestId: string | undefined;
  readonly sourceIp: string | undefined;
  readonly data: JsonObject;
}

const field = (o: unknown, key: string): unknown => (o !== null && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>)[key] : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Event data fit for a timeline: the wrapped key material is replaced by its id. */
const summary = (data: JsonObject): JsonObject => {
  const material = data['material'];
  if (material === undefined) return data;
  const { material: _dropped, ...rest } = data;
  return { ...rest, keyMaterialId: field(material, 'keyMaterialId') as JsonObject[string] };
};

export const timelineEntry = (e: RecordedEvent): TimelineEntry => ({
  position: e.position,
  revision: e.revision,
  at: occurredAt(e),
  type: e.type,
  principalArn: text(field(e.metadata['actor'], 'principalArn')),
  operation: text(field(e.metadata['request'], 'operation')),
  requestId: text(field(e.metadata['request'], 'requestId')),
  sourceIp: text(field(e.metadata['request'], 'sourceIp')),
  data: summary(e.data),
});

/** Every event of a stream up to `asOf`, oldest first. */
export const timeline = async (store: EventStore, stream: string, asOf: AsOf = {}, types?: readonly string[]): Promise<TimelineEntry[]> => {
  const out: TimelineEntry[] = [];
  for await (const e of store.readStream(stream, types === undefined ? {} : { types })) if (within(e, asOf)) out.push(timelineEntry(e));
  return out;
};

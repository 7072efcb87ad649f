// What every operation handler gets: the live projections it reads, the writers it decides
// and appends through, the key ring for crypto, and the injected clock. Handlers follow one
// path: resolve → decide (in the stream writer) → crypto → durable append → answer.
import type { Json, JsonObject } from '../store/eventStore.js';
import type { KeyRing } from '../crypto/keyRing.js';
import type { Alias } from '../domain/alias/state.js';
import type { AliasEvent } from '../domain/alias/events.js';
import type { KeyEvent } from '../domain/key/events.js';
import type { Key } from '../domain/key/state.js';
import type { AliasIndex } from '../projections/aliasIndex.js';
import type { KeyViews } from '../projections/keyViews.js';
import type { LastUsageView } from '../projections/lastUsage.js';
import type { StreamWriter } from './streamWriter.js';
import type { Input, OperationName, Output, RequestContext } from './shapes.js';

export interface Clock {
  now(): Date;
}

export interface ServiceContext {
  readonly keys: KeyViews;
  readonly aliases: AliasIndex;
  readonly lastUsage: LastUsageView;
  readonly keyWriter: StreamWriter<Key, KeyEvent>;
  readonly aliasWriter: StreamWriter<Alias, AliasEvent>;
  readonly keyRing: KeyRing;
  readonly clock: Clock;
  readonly newKeyId: () => string;
}

export type Handler<O extends OperationName> = (svc: ServiceContext, input: Input<O>, request: RequestContext) => Promise<Output<O>>;

/**
 * Event metadata for one request (DESIGN.md, "Streams and events"): who, when, which request.
 * Never a secret. Members are written in canonical (sorted) order, so the store can encode it
 * with one JSON.stringify (json.ts); the order changes nothing stored.
 */
export const eventMetadata = (request: RequestContext, operation: string, now: Date): JsonObject => {
  // Optional members are added in place rather than spread in: this runs for every request.
  const actor: { [member: string]: Json } = {};
  if (request.accessKeyId !== undefined) actor['accessKeyId'] = request.accessKeyId;
  actor['account'] = request.account;
  actor['principalArn'] = request.principalArn;
  const about: { [member: string]: Json } = { operation };
  if (request.parameters !== undefined) about['parameters'] = request.parameters as JsonObject;
  about['region'] = request.region;
  about['requestId'] = request.requestId;
  if (request.sourceIp !== undefined) about['sourceIp'] = request.sourceIp;
  if (request.userAgent !== undefined) about['userAgent'] = request.userAgent;
  return { actor, occurredAt: now.toISOString(), request: about };
};

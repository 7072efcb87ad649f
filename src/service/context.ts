// What every operation handler gets: the live projections it reads, the writers it decides
// and appends through, the key ring for crypto, and the injected clock. Handlers follow one
// path: resolve → decide (in the stream writer) → crypto → durable append → answer.
import type { JsonObject } from '../store/eventStore.js';
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
export const eventMetadata = (request: RequestContext, operation: string, now: Date): JsonObject => ({
  actor: {
    ...(request.accessKeyId !== undefined ? { accessKeyId: request.accessKeyId } : {}),
    account: request.account,
    principalArn: request.principalArn,
  },
  occurredAt: now.toISOString(),
  request: {
    operation,
    ...(request.parameters !== undefined ? { parameters: request.parameters as JsonObject } : {}),
    region: request.region,
    requestId: request.requestId,
    ...(request.sourceIp !== undefined ? { sourceIp: request.sourceIp } : {}),
    ...(request.userAgent !== undefined ? { userAgent: request.userAgent } : {}),
  },
});

// Every request leaves exactly one trace (the forensics issue's audit trail builds on it):
// a request that wrote key or alias events is recorded by them (their metadata names the
// request); every other one — a read, a command that changed nothing, a refusal — gets one
// RequestRecorded event in the audit stream of its account, Region and day, durable before the
// answer leaves, like every other event.
import { auditStream, readOnlyOperations, type RejectionStage, type RequestRecorded, type RequestRejected } from '../domain/audit/events.js';
import { isKmsError } from '../domain/errors.js';
import type { EventStore, JsonObject } from '../store/eventStore.js';
import { eventMetadata, type Clock } from './context.js';
import { newEventId } from './eventIds.js';
import type { RequestContext } from './shapes.js';

/** A request refused at the edge (transport, authentication, validation), as the HTTP layer reports it. */
export interface Rejection {
  readonly requestId: string;
  readonly at: Date;
  readonly stage: RejectionStage;
  readonly errorCode: string;
  readonly operation?: string;
  readonly principalArn?: string;
  readonly accessKeyId?: string;
  readonly account?: string;
  readonly region?: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
}

export class RequestRecorder {
  /** Requests whose events have been made durable and which nobody has asked about yet. */
  private readonly written = new Set<string>();

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  /** The stream writers' hook: a command's events are durable. */
  readonly committed = (metadata: JsonObject): void => {
    const request = metadata['request'];
    const id = request !== null && typeof request === 'object' && !Array.isArray(request) ? request['requestId'] : undefined;
    if (typeof id === 'string') this.written.add(id);
  };

  /** Runs `work` for one request and makes sure it is recorded once. */
  async run<T>(operation: string, request: RequestContext, resources: () => string[], work: () => Promise<T>): Promise<T> {
    let out: T;
    try {
      out = await work();
    } catch (error) {
      this.written.delete(request.requestId);
      await this.record(operation, request, resources(), error).catch(() => {
        // The request failed already; its own error is the one to report.
      });
      throw error;
    }
    if (!this.written.delete(request.requestId)) await this.record(operation, request, resources(), undefined);
    return out;
  }

  /** A RequestRejected record: who, from where, what was answered; never the request body. */
  async rejected(rejection: Rejection): Promise<void> {
    const { at, account, region, ...fields } = rejection;
    const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    const data = { at: at.toISOString(), ...defined } as RequestRejected['data'];
    const event = { id: newEventId(), type: 'RequestRejected', data: data as unknown as JsonObject, metadata: { occurredAt: data.at } };
    await this.store.append(auditStream(account, region, at), [event], 'any');
  }

  private async record(operation: string, request: RequestContext, resources: string[], error: unknown): Promise<void> {
    const now = this.clock.now();
    // Only our own exception messages are logged; anything else could carry internals.
    const failure = error === undefined ? undefined : isKmsError(error) ? { errorCode: error.code, errorMessage: error.message } : { errorCode: 'KMSInternalException' };
    const data: RequestRecorded['data'] = {
      at: now.toISOString(),
      requestId: request.requestId,
      operation,
      readOnly: readOnlyOperations.has(operation),
      outcome: failure ? 'Failure' : 'Success',
      ...failure,
      resources,
    };
    const event = { id: newEventId(), type: 'RequestRecorded', data: data as unknown as JsonObject, metadata: eventMetadata(request, operation, now) };
    await this.store.append(auditStream(request.account, request.region, now), [event], 'any');
  }
}

// Facts about requests that never reached a key: refused at the transport, authentication or
// validation stage. They go to an audit stream per account, Region and day (DESIGN.md,
// "Streams and events"), appended with "any": they decide nothing, they only record.
import type { Event } from '../key/events.js';

export type RejectionStage = 'transport' | 'authentication' | 'validation';

export type RequestRejected = Event<
  'RequestRejected',
  {
    readonly at: string;
    readonly requestId: string;
    readonly stage: RejectionStage;
    /** The AWS exception name answered. */
    readonly errorCode: string;
    readonly operation?: string;
    readonly principalArn?: string;
    readonly accessKeyId?: string;
    readonly sourceIp?: string;
    readonly userAgent?: string;
  }
>;

/**
 * A request the service answered without writing any other event: a read (DescribeKey,
 * List*, Get*, GenerateRandom), a command that changed nothing, or a refusal (DisabledException,
 * NotFoundException, …). Together with the key and alias events (whose metadata names their
 * request) and RequestRejected, every request leaves exactly one trace.
 */
export type RequestRecorded = Event<
  'RequestRecorded',
  {
    readonly at: string;
    readonly requestId: string;
    readonly operation: string;
    readonly readOnly: boolean;
    readonly outcome: 'Success' | 'Failure';
    readonly errorCode?: string;
    readonly errorMessage?: string;
    /** ARNs of the keys the request named, when they resolved. */
    readonly resources: readonly string[];
  }
>;

export type AuditEvent = RequestRejected | RequestRecorded;

/** Every audit event name, pinned by a test. */
export const auditEventTypes: readonly AuditEvent['type'][] = ['RequestRejected', 'RequestRecorded'];

/**
 * keyledger's own operations, not AWS's: the admin read API's (src/server/adminRoutes.ts),
 * named in AWS's verb-noun style. They are eventNames in the audit trail, so, like event names,
 * they are permanent; a test pins them.
 */
export const adminReadOperations = [
  'GetKeyStateAsOf',
  'GetKeyHistory',
  'GetAliasStateAsOf',
  'GetAliasHistory',
  'LookupAuditEvents',
  'VerifyLog',
] as const;

export type AdminReadOperation = (typeof adminReadOperations)[number];

/** Operations that change nothing (CloudTrail's readOnly). */
export const readOnlyOperations: ReadonlySet<string> = new Set([
  ...adminReadOperations,
  'DescribeKey',
  'ListKeys',
  'GetKeyRotationStatus',
  'ListKeyRotations',
  'ListAliases',
  'ListResourceTags',
  'GetKeyPolicy',
  'ListKeyPolicies',
  'GetKeyLastUsage',
  'GenerateRandom',
]);

/** `audit-<account>-<region>-<yyyy-mm-dd>`; requests with no credential scope go to `anonymous`/`none`. */
export const auditStream = (account: string | undefined, region: string | undefined, at: Date): string =>
  `audit-${account ?? 'anonymous'}-${region ?? 'none'}-${at.toISOString().slice(0, 10)}`;

// Request and response shapes of keyledger's admin read API: the forensic questions of
// `keyledger history`, `audit` and `verify`, asked of a running server (README, "Admin read
// API"). Members are PascalCase as in AWS's JSON APIs; what already has a spelling keeps it:
// CloudTrail records are CloudTrail's, a key's state is the KeyStateView the CLI prints, and an
// event's data is the data as logged. Times are ISO-8601 strings, not epoch seconds: these
// documents are read by people and consoles, not decoded by an AWS SDK.
import type { AdminReadOperation } from '../../domain/audit/events.js';
import type { CloudTrailRecord } from '../../projections/auditTrail.js';
import type { KeyStateView } from '../keyStateView.js';
import type { RequestContext } from '../shapes.js';

/** The point asked about; neither member means now (the whole log). Both: both must hold. */
export interface AsOfInput {
  /** ISO-8601 UTC. */
  readonly At?: string;
  readonly Position?: number;
}

export interface PageInput {
  /** 1–1000; default DEFAULT_PAGE_SIZE. */
  readonly Limit?: number;
  /** The NextToken of the previous page of the same question. */
  readonly NextToken?: string;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** The last event at or before the point asked about; null when there was none yet. */
export type LastEvent = { readonly Revision: number; readonly Position: number } | null;

/** One event of a key's or an alias's stream; wrapped key material appears as its id only. */
export interface TimelineEvent {
  readonly Position: number;
  readonly Revision: number;
  readonly At?: string;
  readonly EventType: string;
  readonly PrincipalArn?: string;
  readonly Operation?: string;
  readonly RequestId?: string;
  readonly SourceIp?: string;
  readonly Data: Readonly<Record<string, unknown>>;
}

export interface KeyStateAsOfOutput {
  readonly KeyArn: string;
  readonly AsOf: AsOfInput;
  readonly LastEvent: LastEvent;
  /** Null when the key had not been created yet at the point. */
  readonly Key: KeyStateView | null;
}

export interface KeyHistoryOutput {
  readonly KeyArn: string;
  readonly AsOf: AsOfInput;
  /** Oldest first. */
  readonly Events: readonly TimelineEvent[];
  readonly NextToken?: string;
}

export interface AliasStateAsOfOutput {
  readonly AliasName: string;
  readonly AliasArn: string;
  readonly AsOf: AsOfInput;
  readonly LastEvent: LastEvent;
  readonly Status: 'Active' | 'Deleted' | 'Nonexistent';
  /** The key the alias named at the point (and that key's KeyState then); null unless Active. */
  readonly Target: { readonly KeyId: string; readonly KeyArn: string; readonly KeyState: string | null } | null;
}

export interface AliasHistoryOutput {
  readonly AliasName: string;
  readonly AliasArn: string;
  readonly AsOf: AsOfInput;
  readonly Events: readonly TimelineEvent[];
  readonly NextToken?: string;
}

/** The criteria of `keyledger audit`, as the query string names them. */
export interface AuditLookupInput extends PageInput {
  /** Key id (in the caller's account and Region) or key ARN. */
  readonly Key?: string;
  /** Alias name (in the caller's account and Region, `alias/` optional) or alias ARN. */
  readonly Alias?: string;
  readonly Principal?: string;
  readonly Operation?: string;
  readonly Outcome?: 'success' | 'failure';
  /** Inclusive, ISO-8601 UTC. */
  readonly Since?: string;
  /** Exclusive, ISO-8601 UTC. */
  readonly Until?: string;
}

export interface AuditLookupOutput {
  /** Oldest first, as a CloudTrail log file holds them. */
  readonly Records: readonly CloudTrailRecord[];
  readonly NextToken?: string;
}

export interface VerifyProblemView {
  readonly Kind: string;
  readonly Stream: string;
  readonly Revision: number;
  readonly Position?: number;
  readonly Checkpoint?: number;
  readonly Detail: string;
}

export interface VerifyLogOutput {
  /** False: a link is broken, and Problem names the first one. */
  readonly LogIntact: boolean;
  /** When the run this answer comes from started (a caller may have joined it under way). */
  readonly StartedAt: string;
  readonly DurationMs: number;
  /** The audit key the checkpoints were checked against (its id, as `keyledger verify` prints). */
  readonly AuditKeyId: string;
  readonly EventsChecked: number;
  readonly Streams?: number;
  readonly Checkpoints?: number;
  /** Log position the newest checkpoint covers; events after it are chained but not signed yet. */
  readonly CoveredPosition?: number;
  readonly Uncovered?: number;
  readonly NewestCheckpoint?: { readonly Sequence: number; readonly Position: number; readonly At: string; readonly Digest: string } | null;
  readonly Problem?: VerifyProblemView;
}

export interface AdminOperations {
  GetKeyStateAsOf: { input: { readonly KeyId: string } & AsOfInput; output: KeyStateAsOfOutput };
  GetKeyHistory: {
    /** Usage: list the key's uses (KeyUsed) too; by default the timeline is what changed the key. */
    input: { readonly KeyId: string; readonly Usage?: boolean } & AsOfInput & PageInput;
    output: KeyHistoryOutput;
  };
  GetAliasStateAsOf: { input: { readonly AliasName: string } & AsOfInput; output: AliasStateAsOfOutput };
  GetAliasHistory: { input: { readonly AliasName: string } & AsOfInput & PageInput; output: AliasHistoryOutput };
  LookupAuditEvents: { input: AuditLookupInput; output: AuditLookupOutput };
  VerifyLog: { input: Readonly<Record<string, never>>; output: VerifyLogOutput };
}

/** The pinned names (domain/audit/events.ts); AdminInput fails to compile for one without a shape. */
export type AdminOperationName = AdminReadOperation;
export type AdminInput<O extends AdminOperationName> = AdminOperations[O]['input'];
export type AdminOutput<O extends AdminOperationName> = AdminOperations[O]['output'];

/** A caller of the admin API: who, as for KMS requests, and the roles its access key holds. */
export interface AdminRequestContext extends RequestContext {
  readonly roles: readonly string[];
}

/** The admin read API as the HTTP layer sees it, like KmsApi for the KMS operations. */
export interface AdminApi {
  executeAdmin<O extends AdminOperationName>(operation: O, input: AdminInput<O>, context: AdminRequestContext): Promise<AdminOutput<O>>;
}

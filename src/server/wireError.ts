// Errors as AWS JSON 1.1 puts them on the wire: `{"__type": "<Name>", "message": "..."}`,
// HTTP 400 for client faults and 500 for server faults (reference/aws-kms-api.md §4).
//
// The domain's KmsError names only the exceptions the service raises. The wire layer also
// answers with AWS's common errors (SigV4, framing, dispatch), which never reach the domain,
// so they live here. Real KMS answers every one of them with 400 and `__type` in the body
// (InvalidSignatureException and UnrecognizedClientException from KMS with 400 are shown in
// aws/aws-sdk-cpp#1681 and aws/aws-encryption-sdk-java#9).
import { isKmsError } from '../domain/errors.js';

/** AWS common errors that only the HTTP layer raises. */
export type WireOnlyErrorName =
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'RequestEntityTooLargeException'
  | 'RequestTimeoutException'
  | 'ValidationException'
  | 'KMSInternalException';

export interface WireError {
  /** The `__type` on the wire: an AWS exception name. */
  readonly type: string;
  readonly message: string;
  readonly status: 400 | 500;
}

export const wireError = (type: WireOnlyErrorName, message: string): WireError => ({
  type,
  message,
  status: type === 'KMSInternalException' ? 500 : 400,
});

/** A result that is either a value or an AWS-shaped error (no exceptions across module lines). */
export type WireResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WireError };

export const ok = <T>(value: T): WireResult<T> => ({ ok: true, value });
export const fail = <T = never>(error: WireError): WireResult<T> => ({ ok: false, error });

/** What a server fault says to the caller: nothing about our internals (STYLE.md, habit 5). */
const serverFaultMessages: Readonly<Record<string, string>> = {
  KMSInternalException: 'An internal error occurred',
  KeyUnavailableException: 'The request was rejected because the specified KMS key is not available. You can retry the request.',
};

export const internalError = (): WireError => wireError('KMSInternalException', 'An internal error occurred');

/**
 * Maps anything the service threw to the wire. A KmsError keeps its AWS name; a client fault
 * keeps its message (the domain writes AWS-style messages), a server fault gets a fixed one.
 * Anything else is a bug and becomes KMSInternalException; the caller logs the real error.
 */
export const toWireError = (e: unknown): { readonly error: WireError; readonly isBug: boolean } => {
  if (!isKmsError(e)) return { error: internalError(), isBug: true };
  if (e.fault === 'server') {
    return { error: { type: e.code, message: serverFaultMessages[e.code] ?? 'An internal error occurred', status: 500 }, isBug: false };
  }
  return { error: { type: e.code, message: e.message, status: 400 }, isBug: false };
};

export const errorBody = (error: WireError): string => JSON.stringify({ __type: error.type, message: error.message });

export const AMZ_JSON = 'application/x-amz-json-1.1';

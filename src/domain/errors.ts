// One error type for callers (STYLE.md, habit 5): an AWS exception name and an AWS-style
// message. Anything else thrown is a bug, which the server maps to KMSInternalException
// without leaking its details.

/** AWS KMS exception names (`__type` on the wire) that keyledger raises. */
export type KmsExceptionName =
  | 'AccessDeniedException'
  | 'AlreadyExistsException'
  | 'ConflictException'
  | 'DisabledException'
  | 'DryRunOperationException'
  | 'IncorrectKeyException'
  | 'InvalidAliasNameException'
  | 'InvalidArnException'
  | 'InvalidCiphertextException'
  | 'InvalidGrantTokenException'
  | 'InvalidKeyUsageException'
  | 'InvalidMarkerException'
  | 'KMSInternalException'
  | 'KMSInvalidStateException'
  | 'KeyUnavailableException'
  | 'LimitExceededException'
  | 'MalformedPolicyDocumentException'
  | 'NotAuthorizedException'
  | 'NotFoundException'
  | 'TagException'
  | 'UnsupportedOperationException'
  | 'ValidationException';

/** Faults that are the server's, not the caller's (HTTP 5xx). */
const serverFaults: ReadonlySet<KmsExceptionName> = new Set(['KMSInternalException', 'KeyUnavailableException']);

export class KmsError extends Error {
  constructor(
    readonly code: KmsExceptionName,
    message: string,
  ) {
    super(message);
    this.name = code;
  }

  get fault(): 'client' | 'server' {
    return serverFaults.has(this.code) ? 'server' : 'client';
  }
}

export const kmsError = (code: KmsExceptionName, message: string): KmsError => new KmsError(code, message);

export const isKmsError = (e: unknown): e is KmsError => e instanceof KmsError;

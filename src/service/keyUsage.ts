// The path every cryptographic operation takes (DESIGN.md, "Fail closed"): inside the key's
// stream writer, the domain decides whether the key may be used (state, key usage, material),
// the operation runs its own checks, DryRun stops there, the crypto runs, and the result is
// released only after the KeyUsed event is durable. AWS's check order: parameters → key
// resolution → key state → key usage → operation-specific checks → DryRun.
import { kmsError } from '../domain/errors.js';
import { keyStream, type KeyArn } from '../domain/ids.js';
import type { UseKey } from '../domain/key/commands.js';
import type { UsageOperation } from '../domain/key/events.js';
import type { Key } from '../domain/key/state.js';
import { digestOfEncodedContext, encodeEncryptionContext, isCryptoError } from '../crypto/index.js';
import { eventMetadata, type ServiceContext } from './context.js';
import { decideKey } from './keyCommands.js';
import type { LiveKey } from './resolve.js';
import type { EncryptionContext, RequestContext } from './shapes.js';

export interface Use<R> {
  readonly operation: UsageOperation;
  readonly keyArn: KeyArn;
  /** The material a ciphertext names; absent for the current material. */
  readonly keyMaterialId?: string;
  readonly algorithm?: string;
  readonly context?: EncryptionContext | undefined;
  /** The request member the context came from, for validation messages (default encryptionContext). */
  readonly contextMember?: string;
  readonly dryRun?: boolean | undefined;
  /** Operation-specific checks, after the key-state and key-usage checks and before DryRun. */
  readonly check?: (key: LiveKey) => void;
  /** The crypto itself; its result leaves only once the usage is durably recorded. */
  readonly run: (key: LiveKey) => Promise<R>;
}

/**
 * AWS documents no limit on an encryption context; keyledger caps its canonical encoding at
 * 8 KiB (README, "Differences from AWS KMS") so a context cannot bloat every usage check.
 */
export const MAX_ENCRYPTION_CONTEXT_BYTES = 8192;

/** The context's digest for the usage event, after checking it is one AWS would accept. */
const contextDigest = (context: EncryptionContext, member: string): string => {
  let encoded: Uint8Array;
  try {
    encoded = encodeEncryptionContext(context);
  } catch (e) {
    if (!isCryptoError(e)) throw e;
    throw kmsError('ValidationException', `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must contain only well-formed Unicode strings`);
  }
  if (encoded.length > MAX_ENCRYPTION_CONTEXT_BYTES) {
    throw kmsError(
      'ValidationException',
      `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must be at most ${MAX_ENCRYPTION_CONTEXT_BYTES} bytes when encoded`,
    );
  }
  return digestOfEncodedContext(encoded);
};

export const DRY_RUN_MESSAGE = 'The request would have succeeded, but the DryRun option is set.';

export const useKey = <R>(svc: ServiceContext, request: RequestContext, use: Use<R>): Promise<R> => {
  const now = svc.clock.now();
  // Optional members added in place rather than spread in: this runs for every request.
  const command: { -readonly [M in keyof UseKey]: UseKey[M] } = { type: 'UseKey', keyArn: use.keyArn, now: now.toISOString(), operation: use.operation, requestId: request.requestId };
  if (use.keyMaterialId !== undefined) command.keyMaterialId = use.keyMaterialId;
  if (use.algorithm !== undefined) command.algorithm = use.algorithm;
  if (use.context !== undefined) command.encryptionContextDigest = contextDigest(use.context, use.contextMember ?? 'encryptionContext');
  return svc.keyWriter.submit(keyStream(use.keyArn), eventMetadata(request, use.operation, now), async (state: Key) => {
    const { events, after } = decideKey(command, state);
    const key = after as LiveKey;
    use.check?.(key);
    if (use.dryRun === true) throw kmsError('DryRunOperationException', DRY_RUN_MESSAGE);
    try {
      return { events, result: await use.run(key) };
    } catch (e) {
      throw toKmsError(e);
    }
  });
};

/** Crypto failures become AWS errors with no detail (no oracle); anything else stays a bug. */
const toKmsError = (e: unknown): unknown => {
  if (!isCryptoError(e)) return e;
  if (e.kind === 'InvalidCiphertext') return kmsError('InvalidCiphertextException', e.message);
  if (e.kind === 'KeyUnavailable') return kmsError('KeyUnavailableException', 'The key material is unavailable.');
  return e;
};

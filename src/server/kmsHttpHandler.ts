// The AWS JSON 1.1 request listener (DESIGN.md, "The API surface"; reference/aws-kms-api.md §4).
// Every answer is AWS-shaped JSON with an `x-amzn-RequestId`. The order of checks:
//   1. body read under the limit (Content-Length refused up front, chunked counted)
//   2. POST / only, exactly one `X-Amz-Target: TrentService.<Operation>` naming a known one
//   3. Content-Type application/x-amz-json-1.1 (or application/json)
//   4. SigV4 over the exact bytes read (the body hash is part of the signature)
//   5. strict JSON, then the operation's member schema
//   6. api.execute
// Nothing reaches the api for a request rejected in 1–5; `onRejected` hears about each of
// those, and is the only thing that does.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { randomUuid } from '../crypto/random.js';
import type { Rejection } from '../service/requestRecorder.js';
import type { KmsApi, OperationName, RequestContext } from '../service/shapes.js';
import { parseAuthorization } from './authorizationHeader.js';
import { readBody } from './bodyReader.js';
import { decodeInput, isOperationName } from './operations.js';
import type { Authenticate, VerifiedIdentity } from './sigv4.js';
import { headersFromRaw } from './sigv4Canonical.js';
import { encodeOutput } from './validation/encodeOutput.js';
import { parseStrictJson } from './validation/strictJson.js';
import { AMZ_JSON, type WireError, errorBody, internalError, toWireError, wireError } from './wireError.js';

/**
 * A request refused before it reached the service: what the audit stream records. The
 * service's own type, so the record the HTTP layer reports is exactly what it stores.
 */
export type RejectedRequest = Rejection;

/** What a handler knows of a request it refuses, for its audit record. */
export interface RefusalFacts {
  readonly requestId: string;
  readonly stage: RejectedRequest['stage'];
  readonly errorCode: string;
  readonly operation: string | undefined;
  /** The verified caller, or else who it claimed to be. */
  readonly who: Omit<VerifiedIdentity, 'roles'> | { accessKeyId?: string; region?: string } | undefined;
  readonly sourceIp: string | undefined;
  readonly userAgent: string | undefined;
}

/** Hands a refused request to the audit hook; a failing hook is logged, never thrown to the client. */
export const reportRefusal = (hook: ((record: RejectedRequest) => void) | undefined, logger: KmsServerLogger, f: RefusalFacts): void => {
  try {
    hook?.({
      requestId: f.requestId,
      at: new Date(),
      stage: f.stage,
      errorCode: f.errorCode,
      ...(f.operation ? { operation: f.operation } : {}),
      ...(f.who ?? {}),
      ...(f.sourceIp ? { sourceIp: f.sourceIp } : {}),
      ...(f.userAgent ? { userAgent: f.userAgent } : {}),
    });
  } catch (e) {
    logger.error('onRejected hook threw', { requestId: f.requestId, error: e });
  }
};

export interface KmsServerLogger {
  error(message: string, details: Readonly<Record<string, unknown>>): void;
}

export interface KmsHttpHandlerOptions {
  readonly api: KmsApi;
  readonly authenticate: Authenticate;
  /** Default DEFAULT_MAX_BODY_BYTES. */
  readonly maxBodyBytes?: number;
  readonly onRejected?: (record: RejectedRequest) => void;
  /** Hears about bugs (non-KmsError throws). Request bodies are never passed to it. */
  readonly logger?: KmsServerLogger;
}

/**
 * 256 KiB. AWS documents no request size limit for KMS; the largest legitimate request is a
 * CreateKey/PutKeyPolicy whose Policy is at the model's 131,072-character maximum (the
 * service quota is 32 KB) plus an 8,192-character Description, well under this.
 */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

const TARGET = /^TrentService\.([A-Za-z]+)$/;
const JSON_MEDIA_TYPES = new Set([AMZ_JSON, 'application/json']);

export const defaultLogger: KmsServerLogger = {
  error: (message, details) => console.error(`[keyledger] ${message}`, details),
};

const sendWireError = (res: ServerResponse, error: WireError, requestId: string, close = false): void => {
  if (res.headersSent || res.destroyed) return;
  const body = errorBody(error);
  res.writeHead(error.status, {
    'Content-Type': AMZ_JSON,
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': requestId,
    'x-amzn-ErrorType': error.type,
    ...(close ? { Connection: 'close' } : {}),
  });
  res.end(body);
};

const sendJson = (res: ServerResponse, body: string, requestId: string): void => {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(200, { 'Content-Type': AMZ_JSON, 'Content-Length': Buffer.byteLength(body), 'x-amzn-RequestId': requestId });
  res.end(body);
};

const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;
const REGION = /^([a-z]+-){2,3}\d+$/;

/**
 * The access key id and Region a request claimed in its Authorization header, when they are
 * well-formed: a brute-force attempt against one access key should show up under that key and
 * Region in the audit trail. Nothing unchecked reaches a stream name.
 */
export const claimedCredential = (headers: ReadonlyMap<string, readonly string[]>): { accessKeyId?: string; region?: string } | undefined => {
  const values = headers.get('authorization');
  if (values?.length !== 1) return undefined;
  const parsed = parseAuthorization(values[0] ?? '', true);
  if (!parsed.ok) return undefined;
  const { accessKeyId, region } = parsed.value.credential;
  return {
    ...(ACCESS_KEY_ID.test(accessKeyId) ? { accessKeyId } : {}),
    ...(REGION.test(region) ? { region } : {}),
  };
};

export const createKmsHttpHandler = (options: KmsHttpHandlerOptions): RequestListener => {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const logger = options.logger ?? defaultLogger;

  const handle = async (req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> => {
    const headers = headersFromRaw(req.rawHeaders);
    const userAgents = headers.get('user-agent');
    const userAgent = userAgents === undefined ? undefined : userAgents.length === 1 ? userAgents[0] : userAgents.join(', ');
    const sourceIp = req.socket.remoteAddress;
    let operation: OperationName | undefined;
    let verified: VerifiedIdentity | undefined;
    /** Who a request that failed authentication claimed to be, for its audit record. */
    let claimed: { accessKeyId?: string; region?: string } | undefined;

    const reject = (stage: RejectedRequest['stage'], error: WireError, close = false): void => {
      reportRefusal(options.onRejected, logger, { requestId, stage, errorCode: error.type, operation, who: verified === undefined ? claimed : withoutRoles(verified), sourceIp, userAgent });
      sendWireError(res, error, requestId, close);
    };

    const read = await readBody(req, maxBodyBytes);
    if (read.kind === 'aborted') return;
    if (read.kind === 'too-large') {
      return reject('transport', wireError('RequestEntityTooLargeException', `Request body must not exceed ${maxBodyBytes} bytes.`), true);
    }

    if (req.method !== 'POST' || req.url !== '/') {
      return reject('transport', wireError('UnknownOperationException', 'Requests must be POST / with an X-Amz-Target header.'));
    }
    const targets = headers.get('x-amz-target') ?? [];
    const name = targets.length === 1 ? TARGET.exec(targets[0] ?? '')?.[1] : undefined;
    if (name === undefined || !isOperationName(name)) {
      const why = targets.length === 0 ? 'Missing X-Amz-Target header.' : targets.length > 1 ? 'Exactly one X-Amz-Target header is allowed.' : 'Unknown operation.';
      return reject('transport', wireError('UnknownOperationException', why));
    }
    operation = name;

    const contentTypes = headers.get('content-type') ?? [];
    const mediaType = contentTypes.length === 1 ? (contentTypes[0] ?? '').split(';')[0]?.trim().toLowerCase() : undefined;
    if (mediaType === undefined || !JSON_MEDIA_TYPES.has(mediaType)) {
      return reject('transport', wireError('SerializationException', `Content-Type must be ${AMZ_JSON}.`));
    }

    // The URL is exactly '/' here: the path is '/' and there is no query string.
    const authenticated = options.authenticate({ method: req.method, path: '/', query: '', headers, body: read.body });
    // SigV4 answers synchronously; awaiting only a promise saves a turn of the microtask queue.
    const auth = 'then' in authenticated ? await authenticated : authenticated;
    if (!auth.ok) {
      claimed = claimedCredential(headers);
      return reject('authentication', auth.error);
    }
    // Roles decide nothing here, and a RequestRejected records who asked, not what they may do.
    verified = auth.value;

    const json = read.body.length === 0 ? { ok: true as const, value: {} } : parseStrictJson(read.body);
    if (!json.ok) return reject('validation', json.error);
    const input = decodeInput(operation, json.value);
    if (!input.ok) return reject('validation', input.error);

    // Optional members added in place rather than spread in: this runs for every request.
    const context: { -readonly [M in keyof RequestContext]: RequestContext[M] } = {
      requestId,
      account: verified.account,
      region: verified.region,
      principalArn: verified.principalArn,
      accessKeyId: verified.accessKeyId,
    };
    if (sourceIp) context.sourceIp = sourceIp;
    if (userAgent) context.userAgent = userAgent;
    let body: string;
    try {
      body = encodeOutput(await options.api.execute(operation, input.value, context));
    } catch (e) {
      const { error, isBug } = toWireError(e);
      if (isBug || error.status === 500) logger.error('KMS operation failed', { requestId, operation, error: e });
      return sendWireError(res, error, requestId);
    }
    sendJson(res, body, requestId);
  };

  return (req, res) => {
    const requestId = randomUuid();
    handle(req, res, requestId).catch((e: unknown) => {
      logger.error('KMS request handler failed', { requestId, error: e });
      if (res.headersSent) res.destroy();
      else sendWireError(res, internalError(), requestId, true);
    });
  };
};

const withoutRoles = (identity: VerifiedIdentity): Omit<VerifiedIdentity, 'roles'> => {
  const { roles: _roles, ...who } = identity;
  return who;
};

/** `[path, query]` of a request target, the query without its `?`. */
export const splitUrl = (url: string): [string, string] => {
  const q = url.indexOf('?');
  return q < 0 ? [url, ''] : [url.slice(0, q), url.slice(q + 1)];
};

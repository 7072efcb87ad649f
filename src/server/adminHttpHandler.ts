// The admin read API's request listener: GET /keyledger/v1/… (routes in adminRoutes.ts),
// answered in JSON for auditors and admins (README, "Admin read API"). The order of checks:
//   1. GET only                                     → 405 MethodNotAllowedException, Allow: GET
//   2. no body                                      → 400 SerializationException
//   3. a known route                                → 404 UnknownOperationException
//   4. SigV4, verified exactly as for KMS requests  → 400, the KMS endpoint's errors
//   5. the path's key or alias and the query string → 400 ValidationException
//   6. the service: the auditor or admin role       → 403 AccessDeniedException
//      (validation before authorization, as AWS does), then the read → 404 NotFoundException …
// Requests refused in 1–5 reach `onRejected` and nothing else (one RequestRejected, as for KMS);
// the service records each request that reaches it, a refusal included.
//
// The credential scope's service must be `kms`, as for the KMS endpoint: every SigV4 signer
// that is set up for keyledger's KMS endpoint signs admin requests unchanged (the AWS SDK's
// SignatureV4, `aws configure`d credentials, curl --aws-sigv4 "aws:amz:<region>:kms").
//
// Errors are AWS's JSON error body with a status that says what went wrong, as AWS's REST
// JSON services answer: 403, 404 and 405 where those fit, 400 for everything else the caller
// did (authentication failures included, as KMS answers them), 500 for our faults.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AdminApi, AdminRequestContext } from '../service/admin/adminShapes.js';
import { withoutWrapped } from '../service/keyStateView.js';
import { matchAdminRoute, parseAdminInput, type AdminRouteMatch } from './adminRoutes.js';
import { readBody } from './bodyReader.js';
import { type KmsServerLogger, type RejectedRequest, claimedCredential, defaultLogger, reportRefusal, splitUrl } from './kmsHttpHandler.js';
import type { Authenticate, VerifiedIdentity } from './sigv4.js';
import { headersFromRaw } from './sigv4Canonical.js';
import { type WireError, internalError, toWireError } from './wireError.js';

export interface AdminHttpHandlerOptions {
  readonly api: AdminApi;
  readonly authenticate: Authenticate;
  readonly onRejected?: (record: RejectedRequest) => void;
  readonly logger?: KmsServerLogger;
}

interface AdminError {
  readonly type: string;
  readonly message: string;
  readonly status: number;
}

const JSON_TYPE = 'application/json';

/** The status of an error the service or the verifier answered. */
const statusOf = (error: WireError): number =>
  error.type === 'AccessDeniedException' ? 403 : error.type === 'NotFoundException' ? 404 : error.status;

const adminError = (type: string, message: string, status: number): AdminError => ({ type, message, status });

const headersFor = (requestId: string, body: string, extra: Readonly<Record<string, string>> = {}) => ({
  'Content-Type': JSON_TYPE,
  'Content-Length': Buffer.byteLength(body),
  // Audit records and key history are nobody's to cache.
  'Cache-Control': 'no-store',
  'x-amzn-RequestId': requestId,
  ...extra,
});

const sendError = (res: ServerResponse, error: AdminError, requestId: string, extra: Readonly<Record<string, string>> = {}): void => {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify({ __type: error.type, message: error.message });
  res.writeHead(error.status, headersFor(requestId, body, { 'x-amzn-ErrorType': error.type, ...extra }));
  res.end(body);
};

export const createAdminHttpHandler = (options: AdminHttpHandlerOptions): RequestListener => {
  const logger = options.logger ?? defaultLogger;

  const handle = async (req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> => {
    const headers = headersFromRaw(req.rawHeaders);
    const userAgent = headers.get('user-agent')?.join(', ');
    const sourceIp = req.socket.remoteAddress;
    const [path, query] = splitUrl(req.url ?? '');
    const route: AdminRouteMatch | undefined = matchAdminRoute(path);
    let identity: Omit<VerifiedIdentity, 'roles'> | undefined;
    let claimed: { accessKeyId?: string; region?: string } | undefined;

    const reject = (stage: RejectedRequest['stage'], error: AdminError, extra: Readonly<Record<string, string>> = {}): void => {
      reportRefusal(options.onRejected, logger, { requestId, stage, errorCode: error.type, operation: route?.operation, who: identity ?? claimed, sourceIp, userAgent });
      sendError(res, error, requestId, extra);
    };

    if (req.method !== 'GET') {
      // The body, if any, is not read: closing is cheaper than draining it.
      return reject('transport', adminError('MethodNotAllowedException', `The admin API answers GET only, not ${req.method ?? '?'}.`, 405), {
        Allow: 'GET',
        Connection: 'close',
      });
    }
    const read = await readBody(req, 0);
    if (read.kind === 'aborted') return;
    if (read.kind === 'too-large') {
      return reject('transport', adminError('SerializationException', 'Admin API requests have no body.', 400), { Connection: 'close' });
    }
    if (route === undefined) {
      return reject('transport', adminError('UnknownOperationException', 'No admin API resource at this path (is a key or alias ARN URL-encoded?).', 404));
    }

    const auth = await options.authenticate({ method: 'GET', path, query, headers, body: read.body });
    if (!auth.ok) {
      claimed = claimedCredential(headers);
      return reject('authentication', auth.error);
    }
    const { roles = [], ...who } = auth.value;
    identity = who;

    const input = parseAdminInput(route, query);
    if (!input.ok) return reject('validation', input.error);

    const context: AdminRequestContext = {
      requestId,
      account: who.account,
      region: who.region,
      principalArn: who.principalArn,
      accessKeyId: who.accessKeyId,
      roles,
      ...(sourceIp ? { sourceIp } : {}),
      ...(userAgent ? { userAgent } : {}),
    };
    let body: string;
    try {
      body = JSON.stringify(await options.api.executeAdmin(route.operation, input.value, context), withoutWrapped);
    } catch (e) {
      const { error, isBug } = toWireError(e);
      if (isBug || error.status === 500) logger.error('admin read failed', { requestId, operation: route.operation, error: e });
      return sendError(res, { ...error, status: statusOf(error) }, requestId);
    }
    if (res.headersSent || res.destroyed) return;
    res.writeHead(200, headersFor(requestId, body));
    res.end(body);
  };

  return (req, res) => {
    const requestId = randomUUID();
    handle(req, res, requestId).catch((e: unknown) => {
      logger.error('admin request handler failed', { requestId, error: e });
      if (res.headersSent) res.destroy();
      else sendError(res, internalError(), requestId, { Connection: 'close' });
    });
  };
};

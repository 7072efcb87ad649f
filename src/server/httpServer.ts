// The listening server around the KMS request listener: HTTP or HTTPS, timeouts that cut off
// slow headers and slow bodies, framing errors answered in AWS JSON instead of Node's bare
// `400 Bad Request`, keep-alive (the AWS SDKs reuse connections), and a graceful close. When
// given an admin API, requests under /keyledger/v1/ go to it (adminHttpHandler.ts); every other
// request goes to the KMS listener, as without one.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { AdminApi } from '../service/admin/adminShapes.js';
import { createAdminHttpHandler } from './adminHttpHandler.js';
import { isAdminPath } from './adminRoutes.js';
import { DEFAULT_MAX_BODY_BYTES, type KmsHttpHandlerOptions, createKmsHttpHandler, defaultLogger } from './kmsHttpHandler.js';
import { AMZ_JSON, type WireError, errorBody, wireError } from './wireError.js';

export { createKmsHttpHandler } from './kmsHttpHandler.js';

export interface StartKmsServerOptions extends KmsHttpHandlerOptions {
  readonly host: string;
  /** 0 picks a free port; `url` tells which. */
  readonly port: number;
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Whole request, headers and body (Node's requestTimeout). Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Default 10 s (or requestTimeoutMs, if smaller). */
  readonly headersTimeoutMs?: number;
  /** Idle time before a kept-alive connection is closed. Default 5 s (Node's). */
  readonly keepAliveTimeoutMs?: number;
  /** How often the timeouts above are enforced. Default 1 s. */
  readonly timeoutCheckIntervalMs?: number;
  /** close() waits this long for in-flight requests, then cuts connections. Default 10 s. */
  readonly closeGraceMs?: number;
  /** Serves the admin read API under /keyledger/v1/, with the same authenticate and onRejected. */
  readonly admin?: AdminApi;
}

export interface RunningKmsServer {
  readonly url: string;
  readonly server: http.Server;
  /** Stops accepting, lets in-flight requests finish (up to closeGraceMs), then resolves. */
  close(): Promise<void>;
}

const STATUS_TEXT = { 400: 'Bad Request', 500: 'Internal Server Error' } as const;

/** A complete HTTP/1.1 error response for a socket that has no ServerResponse. */
export const rawErrorResponse = (error: WireError, requestId: string): string => {
  const body = errorBody(error);
  return [
    `HTTP/1.1 ${error.status} ${STATUS_TEXT[error.status]}`,
    `Content-Type: ${AMZ_JSON}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    `x-amzn-RequestId: ${requestId}`,
    `x-amzn-ErrorType: ${error.type}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
};

const framingError = (err: NodeJS.ErrnoException): WireError =>
  err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
    ? wireError('RequestTimeoutException', 'The request was not received in time.')
    : wireError('SerializationException', 'Malformed HTTP request.');

export const startKmsServer = async (options: StartKmsServerOptions): Promise<RunningKmsServer> => {
  const handler = createKmsHttpHandler(options);
  const logger = options.logger ?? defaultLogger;
  const { onRejected } = options;
  const admin =
    options.admin &&
    createAdminHttpHandler({ api: options.admin, authenticate: options.authenticate, logger, ...(onRejected ? { onRejected } : {}) });
  const isAdmin = (req: http.IncomingMessage): boolean => admin !== undefined && isAdminPath(req.url);
  const inFlight = new Map<Duplex, http.ServerResponse>();
  let closing = false;

  const listener: http.RequestListener = (req, res) => {
    inFlight.set(req.socket, res);
    res.on('close', () => {
      if (inFlight.get(req.socket) === res) inFlight.delete(req.socket);
    });
    // While draining, every answer closes its connection so keep-alive cannot hold us open.
    if (closing) res.setHeader('Connection', 'close');
    if (admin !== undefined && isAdminPath(req.url)) admin(req, res);
    else handler(req, res);
  };

  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const serverOptions: http.ServerOptions = {
    requestTimeout,
    // Node insists headersTimeout <= requestTimeout.
    headersTimeout: options.headersTimeoutMs ?? Math.min(10_000, requestTimeout),
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
    connectionsCheckingInterval: options.timeoutCheckIntervalMs ?? 1_000,
  };
  const server: http.Server = options.tls
    ? https.createServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key }, listener)
    : http.createServer(serverOptions, listener);

  // `Expect: 100-continue`: invite the body only when it may fit; otherwise the listener
  // answers RequestEntityTooLargeException without the client ever sending it. Admin requests
  // take no body at all.
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared <= (isAdmin(req) ? 0 : (options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES))) res.writeContinue();
    listener(req, res);
  });

  const answered = new WeakSet<Duplex>();
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const res = inFlight.get(socket);
    // Once an answer has started on this socket, writing another would corrupt it; and the
    // parser may report more errors for bytes that arrive after the first one.
    // A peer that reset or hung up mid-request (HPE_INVALID_EOF_STATE) is not listening.
    if (err.code === 'ECONNRESET' || err.code === 'HPE_INVALID_EOF_STATE' || !socket.writable || res?.headersSent || answered.has(socket)) {
      socket.destroy();
      return;
    }
    answered.add(socket);
    const requestId = randomUUID();
    const error = framingError(err);
    try {
      options.onRejected?.({ requestId, at: new Date(), stage: 'transport', errorCode: error.type, ...remoteOf(socket) });
    } catch (e) {
      logger.error('onRejected hook threw', { requestId, error: e });
    }
    socket.end(rawErrorResponse(error, requestId));
    socket.once('finish', () => socket.destroy());
    setTimeout(() => socket.destroy(), 1_000).unref();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  const close = (): Promise<void> =>
    new Promise((resolve) => {
      closing = true;
      const force = setTimeout(() => server.closeAllConnections(), options.closeGraceMs ?? 10_000);
      server.close(() => {
        clearTimeout(force);
        resolve();
      });
      // Requests still being served answer with Connection: close, so their sockets end
      // with them instead of idling in keep-alive; idle sockets are closed now.
      for (const res of inFlight.values()) if (!res.headersSent) res.setHeader('Connection', 'close');
      server.closeIdleConnections();
    });

  return { url: `${options.tls ? 'https' : 'http'}://${host}:${address.port}`, server, close };
};

const remoteOf = (socket: Duplex): { sourceIp?: string } => {
  const address = (socket as Partial<{ remoteAddress: string }>).remoteAddress;
  return address ? { sourceIp: address } : {};
};

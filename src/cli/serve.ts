// `keyledger serve`: the server a user runs. It wires the pieces in the order that keeps a
// failure harmless — lock, settings that can be wrong (TLS files, root key), the admin key,
// the store, the service, one scheduler run, then the listener — and closes them in reverse:
// stop accepting and finish in-flight requests, stop the scheduler, let audit records of
// rejected requests land, close the service, flush and close the store, release the lock.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateRootKey } from '../crypto/rootKey.js';
import { startKmsServer } from '../server/httpServer.js';
import type { RejectedRequest } from '../server/kmsHttpHandler.js';
import { createSigV4Authenticator } from '../server/sigv4.js';
import { Keyledger } from '../service/keyledger.js';
import type { EventStore } from '../store/eventStore.js';
import { AuditThread } from '../service/admin/auditThread.js';
import { openSqliteStore } from '../store/sqlite/sqliteStore.js';
import { type AdminSetup, adminFromEnv, ensureAdmin } from './adminCredentials.js';
import { startBanner } from './banner.js';
import { CliError, ExitCode, errnoCode, messageOf, usageError } from './cliError.js';
import { acquireDataDirLock } from './dataDirLock.js';
import { watchPrincipals } from './livePrincipals.js';
import { type Logger, createLogger } from './logger.js';
import { helpText, parseCommand } from './options.js';
import { startCheckpointLoop, startSchedulerLoop } from './schedulerLoop.js';
import { DEFAULTS, ENV, type Env, type ServeSettings, isLoopback, resolveServeSettings } from './settings.js';
import { AUDIT_PUBLIC_KEY_FILE, ROOT_KEY_FILE, STORE_FILE, serveSpec } from './serveSpec.js';

export interface ServeIo {
  readonly env: Env;
  readonly cwd: string;
  /** stdout: the endpoint and, on first start, the credentials. */
  readonly out: (text: string) => void;
  readonly logger: Logger;
}

export interface RunningServe {
  /** What clients use, e.g. `http://127.0.0.1:4599`. */
  readonly endpoint: string;
  readonly port: number;
  readonly firstStart: boolean;
  readonly admin: AdminSetup;
  /** The live event log, for reading only (tests, tools in the same process). */
  readonly store: EventStore;
  /** Rereads the principals file (SIGHUP). */
  reloadPrincipals(): Promise<void>;
  /** Graceful and idempotent; resolves once the lock is released. */
  close(): Promise<void>;
}

const defaultIo = (): ServeIo => ({
  env: process.env,
  cwd: process.cwd(),
  out: (text) => process.stdout.write(text),
  logger: createLogger(),
});

/** The URL clients dial: the configured name, but never an unspecified address, which no client can reach. */
const endpointOf = (settings: ServeSettings, port: number): string => {
  const host = settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host === '::' ? '::1' : settings.host;
  return `${settings.tls ? 'https' : 'http'}://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
};

const readTls = (settings: ServeSettings): { cert: Buffer; key: Buffer } | undefined => {
  if (!settings.tls) return undefined;
  const read = (file: string, flag: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw usageError(`cannot read ${flag} ${file}: ${messageOf(e)}`);
    }
  };
  return { cert: read(settings.tls.certFile, '--tls-cert'), key: read(settings.tls.keyFile, '--tls-key') };
};

const loadRootKey = (dataDir: string, env: Env) => {
  const file = join(dataDir, ROOT_KEY_FILE);
  const fromEnv = env[ENV.rootKey];
  // A store without its root key must not get a fresh one: every key in it would be lost.
  if (fromEnv === undefined && !existsSync(file) && existsSync(join(dataDir, STORE_FILE))) {
    throw usageError(
      `${dataDir} holds a key store but no root key: ${file} is missing and ${ENV.rootKey} is not set. ` +
        'Restore the root key; a new one could not decrypt any existing key.',
    );
  }
  try {
    return { ...loadOrCreateRootKey({ env: fromEnv, file }), file };
  } catch (e) {
    throw usageError(messageOf(e));
  }
};

/** Starts a server on `settings`; in-process (tests, tools) or from `keyledger serve`. */
export const startServe = async (settings: ServeSettings, io: Partial<ServeIo> = {}): Promise<RunningServe> => {
  const { env, cwd, out, logger } = { ...defaultIo(), ...io };
  const started = Date.now();
  // What can be checked without touching the data directory is checked before the lock.
  const tls = readTls(settings);
  const suppliedAdmin = adminFromEnv(env);
  const lock = acquireDataDirLock(settings.dataDir);
  const undo: (() => unknown)[] = [() => lock.release()];
  const unwind = async (): Promise<void> => {
    for (const step of undo.reverse()) await Promise.resolve(step()).catch((e: unknown) => logger.error('cleanup failed', { reason: messageOf(e) }));
  };
  try {
    const rootKey = loadRootKey(settings.dataDir, env);
    undo.push(() => rootKey.key.fill(0));
    const admin = await ensureAdmin(settings.dataDir, settings.account, suppliedAdmin);
    const principals = await watchPrincipals(settings.dataDir, logger);
    undo.push(() => principals.close());
    const storeFile = join(settings.dataDir, STORE_FILE);
    const opened = await openSqliteStore({ path: storeFile, commitWindowMs: settings.commitWindowMs ?? DEFAULTS.commitWindowMs }).catch((e: unknown) => {
      throw new CliError(`cannot open the store ${storeFile}: ${messageOf(e)}`);
    });
    undo.push(() => opened.close());
    // The admin API's audit lookups run on a thread of their own, with its own connection.
    const auditPages = new AuditThread(storeFile);
    undo.push(() => auditPages.close());
    const auditPublicKeyFile = join(settings.dataDir, AUDIT_PUBLIC_KEY_FILE);
    const kms = await Keyledger.open({ store: opened.store, vault: opened.vault, rootKey: rootKey.key, auditPublicKeyFile, auditPages }).catch((e: unknown) => {
      throw new CliError(`cannot load the keys in ${storeFile}: ${messageOf(e)}`);
    });
    undo.push(() => kms.close());
    const checkpoints = await startCheckpointLoop(kms, settings.checkpointIntervalSeconds * 1000, logger);
    // Runs after the listener has drained and the scheduler has stopped: the last checkpoint
    // covers every event this server wrote.
    undo.push(async () => {
      await checkpoints.stop();
      await checkpoints.runNow();
    });
    const scheduler = await startSchedulerLoop(kms, settings.schedulerIntervalSeconds * 1000, logger);
    undo.push(() => scheduler.stop());

    // Fire-and-forget for the request, but tracked, so shutdown waits for them to land.
    const auditing = new Set<Promise<void>>();
    undo.push(() => Promise.allSettled(auditing));
    const onRejected = (r: RejectedRequest): void => {
      const p = kms
        .recordRejected(r)
        .catch((e: unknown) =>
          logger.error('audit record of a rejected request failed', { requestId: r.requestId, stage: r.stage, errorCode: r.errorCode, reason: messageOf(e) }),
        )
        .finally(() => auditing.delete(p));
      auditing.add(p);
    };

    const server = await startKmsServer({
      api: kms,
      admin: kms,
      authenticate: createSigV4Authenticator({ lookup: principals.lookup }),
      onRejected,
      logger,
      host: settings.host,
      port: settings.port,
      ...(tls ? { tls } : {}),
    }).catch((e: unknown) => {
      const where = `${settings.host}:${settings.port}`;
      switch (errnoCode(e)) {
        case 'EADDRINUSE':
          throw new CliError(`${where} is already in use`);
        case 'EACCES':
          throw new CliError(`not permitted to listen on ${where} (ports below 1024 need privileges)`);
        case 'EADDRNOTAVAIL':
        case 'ENOTFOUND':
          throw usageError(`cannot listen on ${settings.host}: ${messageOf(e)}`);
        default:
          // Anything else from a TLS server is its certificate or key (PEM, mismatch).
          throw tls ? usageError(`cannot serve HTTPS with --tls-cert/--tls-key: ${messageOf(e)}`) : new CliError(`cannot listen on ${where}: ${messageOf(e)}`);
      }
    });
    undo.push(() => server.close());

    const port = Number(new URL(server.url).port);
    const endpoint = endpointOf(settings, port);
    const firstStart = admin.created;
    out(startBanner({
      endpoint,
      account: settings.account,
      admin,
      rootKeySource: rootKey.source,
      rootKeyFile: rootKey.file,
      ...(settings.tls ? { tlsCertFile: settings.tls.certFile } : {}),
      cwd,
    }));
    if (!tls && !isLoopback(settings.host)) {
      logger.warn('PLAIN HTTP ON A NON-LOOPBACK ADDRESS (--insecure-plain-http-on-non-loopback): plaintexts and data keys cross the network unencrypted unless a TLS proxy fronts this server', { host: settings.host });
    }
    logger.info('keyledger started', { endpoint, dataDir: settings.dataDir, rootKey: rootKey.source, pid: process.pid, ms: Date.now() - started });

    let closing: Promise<void> | undefined;
    return {
      endpoint,
      port,
      firstStart,
      admin,
      store: opened.store,
      reloadPrincipals: () => principals.reload(),
      close: () =>
        (closing ??= (async () => {
          const t0 = Date.now();
          await unwind();
          logger.info('keyledger stopped', { endpoint, ms: Date.now() - t0 });
        })()),
    };
  } catch (e) {
    await unwind();
    throw e;
  }
};

/** `keyledger serve [options]`: runs until SIGTERM/SIGINT, then resolves with the exit code. */
export const serveCommand = async (argv: readonly string[], io: Partial<ServeIo> = {}): Promise<ExitCode> => {
  const { out, env, logger } = { ...defaultIo(), ...io };
  const parsed = parseCommand(serveSpec, argv);
  if (parsed.help) {
    out(helpText(serveSpec));
    return ExitCode.ok;
  }
  const settings = resolveServeSettings(parsed.values, env);
  // The handlers go in before the start: a SIGTERM that arrives just after "listening" is
  // printed must still shut down cleanly, not kill the process with Node's default action.
  let signalled: (signal: NodeJS.Signals) => void = () => undefined;
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => (signalled = resolve));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.error('second signal: exiting without finishing the shutdown', { signal });
      process.exit(ExitCode.failure);
    }
    stopping = true;
    signalled(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const running = await startServe(settings, io);
  process.on('SIGHUP', () => void running.reloadPrincipals());
  const signal = await stopRequested;
  try {
    await running.close();
    return ExitCode.ok;
  } catch (e) {
    logger.error('shutdown failed', { signal, reason: messageOf(e) });
    return ExitCode.failure;
  }
};

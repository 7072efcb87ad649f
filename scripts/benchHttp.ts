// `npm run bench:http`: the server a user runs — `keyledger serve` from the compiled build, in a
// process of its own, on a temporary data directory (SigV4, the AWS JSON codec, the service, the
// SQLite store with every usage event durably appended) — driven through @aws-sdk/client-kms
// over keep-alive loopback HTTP from client processes (scripts/benchHttpClient.ts). Encrypt,
// Decrypt and GenerateDataKey at concurrency 1, 8, 32 and 64: ops/s, p50/p99, the server
// process's CPU time per request (all threads, and split: main thread, store writer, the rest)
// and the client processes' CPU time per request.
// In the same run, the floor: a bare node:http server in a process of its own
// (scripts/benchFloorServer.ts) that reads the body, parses the same JSON and answers a fixed
// body, driven by the same SDK client — what HTTP, the SDK (serialising, signing, parsing) and
// one event loop cost before a KMS does anything. Each keyledger point is measured right before
// the same floor point, so a busy machine slows both sides of a ratio alike.
// The load comes from BENCH_HTTP_CLIENTS client processes (default 2), the concurrency split
// between them, as from a few application instances: one SDK client costs more CPU per request
// than the server does, so a single client process saturates its own core first and measures
// itself (its queue, its garbage collection) rather than the server. On a machine of few cores
// they share the cores with the server and its store writer; the floor is driven the same way.
// Target (issue "AWS KMS wire API"): at concurrency 32, durable Encrypt ≥ 0.5 × the floor,
// and its p99 ≤ 25 ms. BENCH_SECONDS sets the seconds per point (default 3).
// `npm run bench:http` builds first (the server runs from dist/, as `npm start` runs it).
import { type ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { type Figures, figuresOf, machine } from './benchLib.js';
import type { ClientOperation, FromClient, ToClient } from './benchHttpClient.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const CLIENTS = Number(process.env['BENCH_HTTP_CLIENTS'] ?? 2);
// BENCH_HTTP_CONCURRENCY and BENCH_HTTP_OPERATIONS (comma-separated) narrow the sweep while
// iterating on one point; BENCH_SERVER_NODE_OPTIONS passes V8/Node flags to the server process,
// BENCH_SERVE_ARGS options to `keyledger serve` (e.g. --commit-window,0).
const listOf = (name: string): string[] | undefined => process.env[name]?.split(',').map((s) => s.trim()).filter((s) => s !== '');
const CONCURRENCY: readonly number[] = listOf('BENCH_HTTP_CONCURRENCY')?.map(Number) ?? [1, 8, 32, 64];
const PLAINTEXT_BYTES = 256;
const TARGET = { concurrency: 32, encryptVsFloor: 0.5, p99Ms: 25 } as const;
const ADMIN = { accessKeyId: 'AKIABENCHHTTPADMIN00', secretAccessKey: 'bench-http-secret-bench-http-secret-0000' };
const ROOT = new URL('..', import.meta.url).pathname;

/** One client for every point: keep-alive sockets, at least as many as the highest concurrency. */
const sdkClient = (endpoint: string, agent: http.Agent): KMSClient =>
  // The options object makes the SDK build its NodeHttpHandler around this agent.
  new KMSClient({ endpoint, region: 'us-east-1', credentials: ADMIN, maxAttempts: 1, requestHandler: { httpAgent: agent } });

interface ServerProcess {
  readonly endpoint: string;
  /** CPU time (user + system) each thread of the process has used so far, in ms; undefined off Linux. */
  threadCpuMs(): Map<number, number> | undefined;
  readonly pid: number | undefined;
  /** What it wrote to stderr (its log). */
  readonly log: string[];
  stop(): Promise<void>;
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system) of each thread of a process, in ms, by thread id; undefined off Linux. */
const threadCpuMsOf = (pid: number): Map<number, number> | undefined => {
  try {
    const threads = new Map<number, number>();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      // stat: utime and stime are the 14th and 15th fields; the 2nd (the name) may hold spaces.
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(Number(tid), ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS);
    }
    return threads;
  } catch {
    return undefined;
  }
};

/** Starts a server process and waits for the line naming its endpoint. */
const startProcess = (args: readonly string[], env: NodeJS.ProcessEnv): Promise<ServerProcess> =>
  new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const log: string[] = [];
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not start: ${log.join('\n')}`));
    }, 30_000);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => log.push(...chunk.split('\n').filter((l) => l !== '')));
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const endpoint = /listening on (http:\/\/[^\s]+)/.exec(out)?.[1];
      if (endpoint === undefined) return;
      clearTimeout(timer);
      resolve({
        endpoint,
        threadCpuMs: () => (child.pid === undefined ? undefined : threadCpuMsOf(child.pid)),
        pid: child.pid,
        log,
        stop: () =>
          new Promise((done) => {
            // A server that died mid-run has already exited: nothing more will come to wait for.
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${log.join('\n')}`)));
  });

/**
 * The server's CPU time per request: all threads; its main thread (HTTP, SigV4, the service);
 * its busiest other thread (keyledger's store writer, in practice); and the rest (V8's garbage
 * collection helpers, libuv's pool).
 */
interface ServerCpu {
  readonly serverCpuUsPerOp: number;
  readonly serverThreadsUsPerOp: { readonly main: number; readonly busiestOther: number; readonly rest: number };
}

type Point = Figures & Partial<ServerCpu> & { readonly clientsCpuUsPerOp?: number };

const serverCpu = (pid: number | undefined, before: Map<number, number>, after: Map<number, number>, ops: number): ServerCpu => {
  const spent = [...after].map(([tid, ms]) => ({ tid, ms: ms - (before.get(tid) ?? 0) }));
  const perOp = (ms: number): number => Math.round((ms * 1000) / ops);
  const total = spent.reduce((sum, t) => sum + t.ms, 0);
  const main = spent.find((t) => t.tid === pid)?.ms ?? 0;
  const busiestOther = Math.max(0, ...spent.filter((t) => t.tid !== pid).map((t) => t.ms));
  return { serverCpuUsPerOp: perOp(total), serverThreadsUsPerOp: { main: perOp(main), busiestOther: perOp(busiestOther), rest: perOp(total - main - busiestOther) } };
};

const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000';

/** A client process, driven over its IPC channel. */
interface Client {
  send(message: ToClient): void;
  next(type: FromClient['type']): Promise<FromClient>;
  stop(): void;
}

const startClient = (): Client => {
  const child = fork(join(ROOT, 'scripts/benchHttpClient.ts'), [], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const inbox: FromClient[] = [];
  const waiting: ((m: FromClient) => void)[] = [];
  child.on('message', (m: FromClient) => {
    const w = waiting.shift();
    if (w) w(m);
    else inbox.push(m);
  });
  const receive = (): Promise<FromClient> => {
    const m = inbox.shift();
    return m ? Promise.resolve(m) : new Promise((resolve) => waiting.push(resolve));
  };
  return {
    send: (message) => void child.send(message),
    next: async (type) => {
      const m = await receive();
      if (m.type === 'failed') throw new Error(`client process: ${m.message}`);
      if (m.type !== type) throw new Error(`client process said ${m.type}, expected ${type}`);
      return m;
    },
    stop: () => void child.kill(),
  };
};

/**
 * One point: `concurrency` callers split over the client processes, each measuring after its
 * own warm-up; percentiles over every latency, and the server's CPU time per request — an
 * approximation: the CPU is read from the last client's start to the last one's end, and the
 * requests are counted over each client's own window, which differ by a few milliseconds.
 */
const point = async (server: ServerProcess, clients: readonly Client[], operation: ClientOperation, concurrency: number): Promise<Point> => {
  const used = clients.slice(0, Math.min(concurrency, clients.length));
  used.forEach((client, k) => {
    const share = Math.floor(concurrency / used.length) + (k < concurrency % used.length ? 1 : 0);
    client.send({ type: 'run', operation, concurrency: share, seconds: SECONDS });
  });
  await Promise.all(used.map((c) => c.next('open')));
  const before = server.threadCpuMs();
  const results = (await Promise.all(used.map((c) => c.next('result')))) as Extract<FromClient, { type: 'result' }>[];
  const after = server.threadCpuMs();
  const figures = figuresOf(concurrency, results.flatMap((r) => r.latencies), Math.max(...results.map((r) => r.seconds)));
  if (before === undefined || after === undefined || figures.ops === 0) return figures;
  const clientsCpuUsPerOp = Math.round((results.reduce((sum, r) => sum + r.cpuMs, 0) * 1000) / figures.ops);
  return { ...figures, ...serverCpu(server.pid, before, after, figures.ops), clientsCpuUsPerOp };
};

const OPERATIONS = (listOf('BENCH_HTTP_OPERATIONS') ?? ['Encrypt', 'Decrypt', 'GenerateDataKey']) as readonly ClientOperation[];
type Sweep = Record<ClientOperation, Point[]>;

/**
 * Every (operation, concurrency) point, keyledger then floor, back to back, after a second of
 * each operation on both: the first point should not pay for compiling the server's hot path.
 */
const sweep = async (
  keyledger: { server: ServerProcess; clients: readonly Client[] },
  floor: { server: ServerProcess; clients: readonly Client[] },
): Promise<{ keyledger: Sweep; floor: Sweep }> => {
  for (const operation of OPERATIONS) {
    for (const side of [keyledger, floor]) {
      for (const client of side.clients) client.send({ type: 'run', operation, concurrency: 4, seconds: 1 });
      await Promise.all(side.clients.map((c) => c.next('open')));
      await Promise.all(side.clients.map((c) => c.next('result')));
    }
  }
  const out = { keyledger: { Encrypt: [], Decrypt: [], GenerateDataKey: [] } as Sweep, floor: { Encrypt: [], Decrypt: [], GenerateDataKey: [] } as Sweep };
  for (const operation of OPERATIONS) {
    for (const c of CONCURRENCY) {
      out.keyledger[operation].push(await point(keyledger.server, keyledger.clients, operation, c));
      out.floor[operation].push(await point(floor.server, floor.clients, operation, c));
    }
  }
  return out;
};

/** Client processes set up against one server; the key and ciphertexts come from `setup`. */
const clientsFor = async (endpoint: string, keyId: string, ciphertexts: readonly string[]): Promise<Client[]> => {
  const clients = Array.from({ length: CLIENTS }, startClient);
  for (const client of clients) client.send({ type: 'setup', endpoint, credentials: ADMIN, keyId, plaintextBytes: PLAINTEXT_BYTES, ciphertexts });
  await Promise.all(clients.map((c) => c.next('ready')));
  return clients;
};

/** A key on the keyledger server, and ciphertexts under it for Decrypt. */
const keyAndSamples = async (endpoint: string, agent: http.Agent): Promise<{ keyId: string; ciphertexts: string[] }> => {
  const kms = sdkClient(endpoint, agent);
  try {
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId ?? 'unknown';
    const plaintext = new Uint8Array(randomBytes(PLAINTEXT_BYTES));
    const samples = await Promise.all(Array.from({ length: 64 }, () => kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext }))));
    return { keyId, ciphertexts: samples.map((s) => Buffer.from(s.CiphertextBlob ?? new Uint8Array()).toString('base64')) };
  } finally {
    kms.destroy();
  }
};

const at = (figures: Point[], concurrency: number): Point | undefined => figures.find((f) => f.concurrency === concurrency);

const main = async (): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'keyledger-bench-http-'));
  const agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(...CONCURRENCY) });
  const started: ServerProcess[] = [];
  const clients: Client[] = [];
  try {
    const keyledgerServer = await startProcess(
      [...(listOf('BENCH_SERVER_NODE_OPTIONS') ?? []), 'dist/src/cli/main.js', 'serve', '--data-dir', dir, '--host', '127.0.0.1', '--port', '0', ...(listOf('BENCH_SERVE_ARGS') ?? [])],
      { KEYLEDGER_ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId, KEYLEDGER_ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey, KEYLEDGER_ROOT_KEY: randomBytes(32).toString('base64') },
    );
    started.push(keyledgerServer);
    const floorServer = await startProcess(['--import', 'tsx', 'scripts/benchFloorServer.ts', String(PLAINTEXT_BYTES)], {});
    started.push(floorServer);
    const { keyId, ciphertexts } = await keyAndSamples(keyledgerServer.endpoint, agent);
    const keyledgerClients = await clientsFor(keyledgerServer.endpoint, keyId, ciphertexts);
    clients.push(...keyledgerClients);
    const floorClients = await clientsFor(floorServer.endpoint, keyArn, [randomBytes(PLAINTEXT_BYTES + 110).toString('base64')]);
    clients.push(...floorClients);
    const { keyledger, floor } = await sweep({ server: keyledgerServer, clients: keyledgerClients }, { server: floorServer, clients: floorClients });

    const encrypt = at(keyledger.Encrypt, TARGET.concurrency);
    const encryptFloor = at(floor.Encrypt, TARGET.concurrency);
    const ratio = encrypt && encryptFloor ? Number((encrypt.opsPerSec / encryptFloor.opsPerSec).toFixed(3)) : undefined;
    const errors = keyledgerServer.log.filter((line) => / error /.test(line));
    console.log(
      JSON.stringify(
        {
          benchmark: 'keyledger serve (its own process) over loopback HTTP keep-alive, @aws-sdk/client-kms in client processes, SQLite store, durable usage events',
          clientProcesses: CLIENTS,
          machine: machine(),
          plaintextBytes: PLAINTEXT_BYTES,
          secondsPerPoint: SECONDS,
          keyledger,
          floor,
          target: {
            concurrency: TARGET.concurrency,
            encryptOpsPerSec: encrypt?.opsPerSec,
            floorEncryptOpsPerSec: encryptFloor?.opsPerSec,
            encryptVsFloor: ratio,
            encryptVsFloorTarget: TARGET.encryptVsFloor,
            encryptP99Ms: encrypt?.p99Ms,
            floorEncryptP99Ms: encryptFloor?.p99Ms,
            p99TargetMs: TARGET.p99Ms,
            met: ratio !== undefined && ratio >= TARGET.encryptVsFloor && (encrypt?.p99Ms ?? Infinity) <= TARGET.p99Ms,
          },
          serverErrorsLogged: errors.length,
        },
        null,
        2,
      ),
    );
  } finally {
    for (const client of clients) client.stop();
    await Promise.all(started.map((s) => s.stop()));
    agent.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
};

await main();

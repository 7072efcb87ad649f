// `npm run bench:http`: the whole server a user runs — `keyledger serve` wired in-process by
// startServe (SigV4, the AWS JSON codec, the service, the SQLite store with every usage event
// durably appended) — driven through @aws-sdk/client-kms over keep-alive loopback HTTP.
// Encrypt, Decrypt and GenerateDataKey at concurrency 1, 8, 32 and 64, ops/s and p50/p99.
// In the same run, the floor: a bare node:http server that reads the body, parses the same
// JSON and answers a fixed, well-formed body, driven by the same SDK client — what HTTP, the
// SDK (serialising, signing, parsing) and one event loop cost before keyledger does anything.
// Both servers share the process with the client, so the ratio compares like with like, and
// each keyledger point is measured right before the same floor point, so a busy machine
// (a shared CI runner) slows both sides of a ratio alike.
// Target (issue "AWS KMS wire API"): at concurrency 32, durable Encrypt ≥ 0.5 × the floor,
// and its p99 ≤ 25 ms. BENCH_SECONDS sets the seconds per point (default 3).
import { randomBytes } from 'node:crypto';
import { rmSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { createLogger } from '../src/cli/logger.js';
import { startServe } from '../src/cli/serve.js';
import { type Figures, machine, measure } from './benchLib.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const CONCURRENCY = [1, 8, 32, 64] as const;
const PLAINTEXT_BYTES = 256;
const TARGET = { concurrency: 32, encryptVsFloor: 0.5, p99Ms: 25 } as const;
const ADMIN = { accessKeyId: 'AKIABENCHHTTPADMIN00', secretAccessKey: 'bench-http-secret-bench-http-secret-0000' };

/** One client for every point: keep-alive sockets, at least as many as the highest concurrency. */
const sdkClient = (endpoint: string, agent: http.Agent): KMSClient =>
  // The options object makes the SDK build its NodeHttpHandler around this agent.
  new KMSClient({ endpoint, region: 'us-east-1', credentials: ADMIN, maxAttempts: 1, requestHandler: { httpAgent: agent } });

type Operation = 'Encrypt' | 'Decrypt' | 'GenerateDataKey';
type Ops = Record<Operation, (i: number) => Promise<unknown>>;

const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000';
const b64 = (n: number): string => randomBytes(n).toString('base64');
/** Answers shaped like keyledger's, so the SDK parses the same amount on both sides. */
const floorAnswers: Record<string, string> = {
  'TrentService.Encrypt': JSON.stringify({ CiphertextBlob: b64(PLAINTEXT_BYTES + 110), KeyId: keyArn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' }),
  'TrentService.Decrypt': JSON.stringify({ Plaintext: b64(PLAINTEXT_BYTES), KeyId: keyArn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT', KeyMaterialId: 'a'.repeat(64) }),
  'TrentService.GenerateDataKey': JSON.stringify({ CiphertextBlob: b64(142), Plaintext: b64(32), KeyId: keyArn, KeyMaterialId: 'a'.repeat(64) }),
};

/** The floor: read the body, parse it, answer a fixed body. No auth, no service, no store. */
const startFloor = async (): Promise<{ endpoint: string; close: () => Promise<void> }> => {
  const server = http.createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const body = floorAnswers[String(req.headers['x-amz-target'])] ?? '{}';
      res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': Buffer.byteLength(body), 'x-amzn-RequestId': 'floor' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
};

const operationsOn = async (kms: KMSClient): Promise<Ops> => {
  const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId ?? 'unknown';
  const plaintext = new Uint8Array(randomBytes(PLAINTEXT_BYTES));
  const samples = await Promise.all(Array.from({ length: 64 }, () => kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext }))));
  return {
    Encrypt: () => kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext })),
    Decrypt: (i) => kms.send(new DecryptCommand({ CiphertextBlob: samples[i % samples.length]?.CiphertextBlob })),
    GenerateDataKey: () => kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' })),
  };
};

type Sweep = Record<Operation, Figures[]>;

/** Every (operation, concurrency) point, keyledger then floor, back to back. */
const sweep = async (keyledgerOps: Ops, floorOps: Ops): Promise<{ keyledger: Sweep; floor: Sweep }> => {
  const keyledger: Sweep = { Encrypt: [], Decrypt: [], GenerateDataKey: [] };
  const floor: Sweep = { Encrypt: [], Decrypt: [], GenerateDataKey: [] };
  for (const name of Object.keys(keyledgerOps) as Operation[]) {
    for (const c of CONCURRENCY) {
      keyledger[name].push(await measure(c, SECONDS, keyledgerOps[name]));
      floor[name].push(await measure(c, SECONDS, floorOps[name]));
    }
  }
  return { keyledger, floor };
};

const at = (figures: Figures[], concurrency: number): Figures | undefined => figures.find((f) => f.concurrency === concurrency);

const main = async (): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'keyledger-bench-http-'));
  const agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(...CONCURRENCY) });
  const log: string[] = [];
  try {
    const running = await startServe(
      { dataDir: dir, host: '127.0.0.1', port: 0, account: '111122223333', schedulerIntervalSeconds: 60, checkpointIntervalSeconds: 3600 },
      {
        env: { KEYLEDGER_ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId, KEYLEDGER_ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey, KEYLEDGER_ROOT_KEY: b64(32) },
        cwd: dir,
        out: () => undefined,
        logger: createLogger((line) => void log.push(line)),
      },
    );
    const kms = sdkClient(running.endpoint, agent);
    const floorServer = await startFloor();
    const floorClient = sdkClient(floorServer.endpoint, agent);
    const plaintext = new Uint8Array(randomBytes(PLAINTEXT_BYTES));
    const ciphertext = new Uint8Array(randomBytes(PLAINTEXT_BYTES + 110));
    const { keyledger, floor } = await sweep(await operationsOn(kms), {
      Encrypt: () => floorClient.send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext })),
      Decrypt: () => floorClient.send(new DecryptCommand({ CiphertextBlob: ciphertext })),
      GenerateDataKey: () => floorClient.send(new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256' })),
    });
    kms.destroy();
    floorClient.destroy();
    await running.close();
    await floorServer.close();

    const encrypt = at(keyledger.Encrypt, TARGET.concurrency);
    const encryptFloor = at(floor.Encrypt, TARGET.concurrency);
    const ratio = encrypt && encryptFloor ? Number((encrypt.opsPerSec / encryptFloor.opsPerSec).toFixed(3)) : undefined;
    const errors = log.filter((line) => / error /.test(line));
    console.log(
      JSON.stringify(
        {
          benchmark: 'keyledger serve (in-process) over loopback HTTP keep-alive, @aws-sdk/client-kms, SQLite store, durable usage events',
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
            p99TargetMs: TARGET.p99Ms,
            met: ratio !== undefined && ratio >= TARGET.encryptVsFloor && (encrypt?.p99Ms ?? Infinity) <= TARGET.p99Ms,
          },
          serverErrorsLogged: errors.length,
          rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
        },
        null,
        2,
      ),
    );
  } finally {
    agent.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
};

await main();

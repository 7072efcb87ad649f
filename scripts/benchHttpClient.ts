// One client process of `npm run bench:http`: an @aws-sdk/client-kms client with its own
// keep-alive agent and event loop, as one application instance calling keyledger would have.
// The parent sends `setup` (which server, which operation), then `run` points; the child warms
// up, says `open` when its measured window starts, and answers every latency it measured.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { DecryptCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { closedLoop } from './benchLib.js';

export type ClientOperation = 'Encrypt' | 'Decrypt' | 'GenerateDataKey';

export type ToClient =
  | {
      readonly type: 'setup';
      readonly endpoint: string;
      readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
      readonly keyId: string;
      readonly plaintextBytes: number;
      /** Ciphertexts to decrypt, base64; for the floor, any bytes do. */
      readonly ciphertexts: readonly string[];
    }
  | { readonly type: 'run'; readonly operation: ClientOperation; readonly concurrency: number; readonly seconds: number };

export type FromClient =
  | { readonly type: 'ready' }
  | { readonly type: 'open' }
  | {
      readonly type: 'result';
      readonly latencies: number[];
      readonly seconds: number;
      /** This process's CPU time (user + system, all threads) over the measured window, in ms. */
      readonly cpuMs: number;
    }
  | { readonly type: 'failed'; readonly message: string };

const send = (message: FromClient): void => void process.send?.(message);

let call: ((operation: ClientOperation, i: number) => Promise<unknown>) | undefined;

const setup = (m: Extract<ToClient, { type: 'setup' }>): void => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const kms = new KMSClient({ endpoint: m.endpoint, region: 'us-east-1', credentials: m.credentials, maxAttempts: 1, requestHandler: { httpAgent: agent } });
  const plaintext = new Uint8Array(randomBytes(m.plaintextBytes));
  const blobs = m.ciphertexts.map((c) => new Uint8Array(Buffer.from(c, 'base64')));
  call = (operation, i) => {
    switch (operation) {
      case 'Encrypt':
        return kms.send(new EncryptCommand({ KeyId: m.keyId, Plaintext: plaintext }));
      case 'Decrypt':
        return kms.send(new DecryptCommand({ CiphertextBlob: blobs[i % blobs.length] }));
      case 'GenerateDataKey':
        return kms.send(new GenerateDataKeyCommand({ KeyId: m.keyId, KeySpec: 'AES_256' }));
    }
  };
  send({ type: 'ready' });
};

const run = async ({ operation, concurrency, seconds }: Extract<ToClient, { type: 'run' }>): Promise<void> => {
  const op = call;
  if (op === undefined) throw new Error('run before setup');
  let opened = process.cpuUsage();
  const onOpen = (): void => {
    opened = process.cpuUsage();
    send({ type: 'open' });
  };
  const { latencies, seconds: measured } = await closedLoop(concurrency, seconds, (i) => op(operation, i), { onOpen });
  const { user, system } = process.cpuUsage(opened);
  send({ type: 'result', latencies, seconds: measured, cpuMs: (user + system) / 1000 });
};

process.on('message', (m: ToClient) => {
  const done = m.type === 'setup' ? Promise.resolve(setup(m)) : run(m);
  done.catch((e: unknown) => send({ type: 'failed', message: e instanceof Error ? e.message : String(e) }));
});
process.on('disconnect', () => process.exit(0));

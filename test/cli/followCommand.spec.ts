// `keyledger audit --follow` from the real binary, tailing the data directory of a running
// server (startServe, the same wiring as `keyledger serve`, holding the directory's lock) while
// the AWS SDK sends it requests: the records from before the follow began, then every new
// request exactly once with its outcome — a ReEncrypt refused by its destination, which leaves
// two events, included — and exit 0 on SIGINT. As JSON Lines and as a table with one header.
// Timing is never asserted: the test waits, with a generous deadline, for what must appear.
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateKeyCommand, DisableKeyCommand, EncryptCommand, type KMSClient, ReEncryptCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCommand } from '../../src/cli/audit.js';
import type { CloudTrailRecord } from '../../src/projections/auditTrail.js';
import { type KeyledgerChild, spawnKeyledger } from '../e2e/support/child.js';
import { startTestServer, type TestServer } from '../e2e/support/inProcess.js';
import { kmsClient } from '../e2e/support/kms.js';

interface Sent {
  readonly requestId: string;
  readonly operation: string;
  /** undefined when the request succeeded. */
  readonly errorCode: string | undefined;
}

const send = async (operation: string, call: Promise<{ $metadata: { requestId?: string } }>): Promise<Sent> => {
  try {
    const out = await call;
    return { requestId: out.$metadata.requestId ?? '', operation, errorCode: undefined };
  } catch (e) {
    const err = e as Error & { $metadata?: { requestId?: string } };
    return { requestId: err.$metadata?.requestId ?? '', operation, errorCode: err.name };
  }
};

/** Waits for `check` to hold; a deadline far beyond any normal run, so a slow machine only waits. */
const until = async (what: string, check: () => boolean, child: KeyledgerChild): Promise<void> => {
  const deadline = Date.now() + 45_000;
  while (!check()) {
    if (child.process.exitCode !== null) throw new Error(`audit --follow exited (${child.process.exitCode}) before ${what}:\n${child.stderr()}`);
    if (Date.now() > deadline) throw new Error(`no ${what} in time; stdout so far:\n${child.stdout()}\nstderr:\n${child.stderr()}`);
    await sleep(50);
  }
};

const jsonl = (text: string): CloudTrailRecord[] => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as CloudTrailRecord);

let server: TestServer;
let kms: KMSClient;
const children: KeyledgerChild[] = [];

beforeAll(async () => {
  server = await startTestServer('audit-follow');
  kms = kmsClient(server.endpoint);
});
afterAll(async () => {
  for (const child of children) await child.stop('SIGKILL');
  kms.destroy();
  await server.stop();
});

const follow = (...args: string[]): KeyledgerChild => {
  const child = spawnKeyledger(['audit', '--follow', ...args, '--interval', '100', '--data-dir', server.dataDir]);
  children.push(child);
  return child;
};

describe('keyledger audit --follow', () => {
  it('prints the records so far, then each new request once with its outcome, until SIGINT (exit 0)', { timeout: 180_000 }, async () => {
    const before = await send('CreateKey', kms.send(new CreateKeyCommand({ Description: 'before the follow' })));
    const lines = follow('--jsonl');
    const table = follow();
    await until('the record from before the follow', () => lines.stdout().includes(before.requestId), lines);

    const source = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId ?? '';
    const destination = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId ?? '';
    const blob = (await kms.send(new EncryptCommand({ KeyId: source, Plaintext: new Uint8Array([1, 2, 3]) }))).CiphertextBlob;
    const sent: Sent[] = [
      await send('DisableKey', kms.send(new DisableKeyCommand({ KeyId: destination }))),
      // Refused by its destination after its source key was used: two events, one record.
      await send('ReEncrypt', kms.send(new ReEncryptCommand({ CiphertextBlob: blob, DestinationKeyId: destination }))),
      ...(await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          send('Encrypt', kms.send(new EncryptCommand({ KeyId: i % 2 === 0 ? source : destination, Plaintext: new Uint8Array([i]) }))),
        ),
      )),
    ];
    expect(sent.map((s) => s.errorCode)).toEqual([undefined, 'DisabledException', undefined, 'DisabledException', undefined, 'DisabledException', undefined, 'DisabledException']);
    const ids = [before, ...sent].map((s) => s.requestId);
    await until('a record for every request', () => ids.every((id) => lines.stdout().includes(id)), lines);
    await until('a table row for every request', () => ids.every((id) => table.stdout().includes(id)), table);

    const [jsonlEnd, tableEnd] = await Promise.all([lines.stop('SIGINT'), table.stop('SIGINT')]);
    expect(jsonlEnd.code, jsonlEnd.stderr).toBe(0);
    expect(tableEnd.code, tableEnd.stderr).toBe(0);
    expect(jsonlEnd.stderr + tableEnd.stderr).toBe('');

    const records = jsonl(jsonlEnd.stdout);
    // Each request exactly once, whether it came before the follow or while it ran.
    expect(records.map((r) => r.requestID).filter((id) => id !== null && ids.includes(id)).sort()).toEqual([...ids].sort());
    expect(new Set(records.map((r) => r.requestID)).size).toBe(records.length);
    for (const s of [before, ...sent]) {
      const record = records.find((r) => r.requestID === s.requestId);
      expect([record?.eventName, record?.errorCode]).toEqual([s.operation, s.errorCode]);
    }
    const reEncrypt = records.find((r) => r.eventName === 'ReEncrypt');
    expect(reEncrypt?.resources.map((r) => r.ARN.slice(-36)).sort()).toEqual([source, destination].sort());

    const rows = tableEnd.stdout.trimEnd().split('\n');
    expect(rows.filter((r) => r.startsWith('TIME '))).toHaveLength(1);
    expect(rows[0]).toMatch(/^TIME +OPERATION +PRINCIPAL +OUTCOME +KEY +REQUEST ID$/);
    expect(rows.slice(1).map((r) => r.split(/ {2,}/).at(-1))).toEqual(records.map((r) => r.requestID));
    const refusal = rows.find((r) => r.endsWith(sent[1]?.requestId ?? '?'))?.split(/ {2,}/);
    expect(refusal?.slice(1, 4)).toEqual(['ReEncrypt', 'arn:aws:iam::111122223333:root', 'DisabledException']);
  });

  it('--follow with --json, or --interval without --follow, is a usage error (exit 2)', async () => {
    const io = { env: {}, out: () => undefined };
    await expect(auditCommand(['--follow', '--json', '--data-dir', '/nonexistent'], io)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/--jsonl/) });
    await expect(auditCommand(['--interval', '100', '--data-dir', '/nonexistent'], io)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/--interval is for --follow/) });
    await expect(auditCommand(['--follow', '--interval', 'soon', '--data-dir', '/nonexistent'], io)).rejects.toMatchObject({ exitCode: 2 });
  });
});

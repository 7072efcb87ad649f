// Graceful shutdown finishes what is in flight: a request whose body is still arriving when
// the server is told to stop gets its full answer (with Connection: close), new connections
// are refused, and only then does close() resolve — with the lock released.
import { existsSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { splitResponses } from '../server/support/rawHttp.js';
import { signKmsRequest } from '../server/support/signing.js';
import { startTestServer } from './support/inProcess.js';
import { ADMIN } from './support/repo.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('answers a request that is mid-body when the server is told to stop, then stops', async () => {
  const server = await startTestServer('shutdown');
  const port = server.running.port;
  const body = JSON.stringify({ Limit: 10 });
  const signed = await signKmsRequest({ target: 'TrentService.ListKeys', body, date: new Date(), host: `127.0.0.1:${port}`, ...ADMIN });
  const head = [
    'POST / HTTP/1.1',
    ...Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}`),
    `content-length: ${Buffer.byteLength(body)}`,
    '',
    '',
  ].join('\r\n');

  const socket = net.connect(port, '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (c: Buffer) => received.push(c));
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
  socket.write(head + body.slice(0, 5));
  await sleep(50);

  let closed = false;
  const closing = server.running.close().then(() => (closed = true));
  await sleep(50);
  expect(closed).toBe(false); // still waiting for the request in flight
  await expect(new Promise((resolve, reject) => net.connect(port, '127.0.0.1').on('connect', resolve).on('error', reject))).rejects.toThrow(/ECONNREFUSED/);

  socket.write(body.slice(5));
  await ended;
  const [response] = splitResponses(Buffer.concat(received)).responses;
  expect(response?.status).toBe(200);
  expect(response?.headers['connection']).toBe('close');
  expect(JSON.parse(response?.body ?? '{}')).toEqual({ Keys: [], Truncated: false });
  await closing;
  expect(existsSync(join(server.dataDir, 'LOCK'))).toBe(false);
  await server.stop();
});

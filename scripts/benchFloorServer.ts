// The floor of `npm run bench:http`, run as a process of its own: a bare node:http server that
// reads the body, parses its JSON and answers a fixed body shaped like keyledger's answer to the
// same operation — what HTTP and one event loop cost before a KMS does anything. No auth, no
// service, no store. Prints `floor is listening on http://127.0.0.1:<port>` once it listens.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const PLAINTEXT_BYTES = Number(process.argv[2] ?? 256);
const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000';
const b64 = (n: number): string => randomBytes(n).toString('base64');
const answers: Record<string, string> = {
  'TrentService.Encrypt': JSON.stringify({ CiphertextBlob: b64(PLAINTEXT_BYTES + 110), KeyId: keyArn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' }),
  'TrentService.Decrypt': JSON.stringify({ Plaintext: b64(PLAINTEXT_BYTES), KeyId: keyArn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT', KeyMaterialId: 'a'.repeat(64) }),
  'TrentService.GenerateDataKey': JSON.stringify({ CiphertextBlob: b64(142), Plaintext: b64(32), KeyId: keyArn, KeyMaterialId: 'a'.repeat(64) }),
};

const server = http.createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const body = answers[String(req.headers['x-amz-target'])] ?? '{}';
    res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': Buffer.byteLength(body), 'x-amzn-RequestId': 'floor' });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`floor is listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});

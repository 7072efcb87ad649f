// Reads a request body under a hard byte limit. A declared Content-Length over the limit is
// refused before a byte is read; a chunked body is counted as it streams and reading stops at
// the first byte over the limit, so memory never grows past the limit whatever the framing
// claims (one emulator grows without bound on a chunk that declares an absurd size).
import type { IncomingMessage } from 'node:http';

export type BodyReadResult =
  | { readonly kind: 'complete'; readonly body: Buffer }
  | { readonly kind: 'too-large' }
  /** The client went away or the socket failed; there is nobody to answer. */
  | { readonly kind: 'aborted' };

export const readBody = (req: IncomingMessage, maxBytes: number): Promise<BodyReadResult> => {
  // Node has already rejected a malformed or duplicated Content-Length (a framing error).
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) return Promise.resolve({ kind: 'too-large' });

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyReadResult): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        chunks.length = 0;
        req.pause();
        finish({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    // A body that came in one chunk is that chunk (Node's parser hands each chunk over as a
    // copy of its own), so it need not be copied again.
    const onEnd = (): void => finish({ kind: 'complete', body: chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, size) });
    const onAbort = (): void => finish({ kind: 'aborted' });
    const onClose = (): void => {
      if (!req.complete) onAbort();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onClose);
  });
};

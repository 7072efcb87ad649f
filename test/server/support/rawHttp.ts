// Talks to the server below the HTTP client libraries: raw bytes over a socket (for framing
// errors no well-behaved client can produce) and node:http requests with exact headers.
import http from 'node:http';
import net from 'node:net';

export interface WireResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Parses every complete HTTP/1.1 response (Content-Length framed) in `raw`. */
export const parseResponses = (raw: Buffer): WireResponse[] => splitResponses(raw).responses;

/** The complete responses in `raw`, and whatever bytes follow them. */
export const splitResponses = (raw: Buffer): { responses: WireResponse[]; rest: Buffer } => {
  const out: WireResponse[] = [];
  let at = 0;
  for (;;) {
    const end = raw.indexOf('\r\n\r\n', at);
    if (end < 0) return { responses: out, rest: raw.subarray(at) };
    const [statusLine = '', ...lines] = raw.subarray(at, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    const body = raw.subarray(end + 4, end + 4 + length).toString('utf8');
    out.push({ status: Number(statusLine.split(' ')[1]), headers, body });
    at = end + 4 + length;
  }
};

/** Writes `data`, then reads until the server closes or stays silent for `idleMs`. */
export const rawExchange = (port: number, data: string | Buffer, idleMs = 300): Promise<{ raw: Buffer; closed: boolean }> =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ raw: Buffer.concat(chunks), closed });
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => done(false), idleMs);
    };
    socket.on('connect', () => {
      socket.write(data);
      arm();
    });
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      arm();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => done(true));
  });

export interface RequestSpec {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: string | Uint8Array;
  readonly agent?: http.Agent;
}

export const request = (port: number, spec: RequestSpec): Promise<WireResponse> =>
  new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: spec.method ?? 'POST',
        path: spec.path ?? '/',
        headers: spec.headers as http.OutgoingHttpHeaders,
        ...(spec.agent ? { agent: spec.agent } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : (v ?? '');
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(spec.body === undefined ? undefined : Buffer.from(spec.body));
  });

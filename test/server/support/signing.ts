// Signs requests with @smithy/signature-v4, the AWS SDK's own signer: the independent
// implementation our verifier is checked against.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { headersFromRaw } from '../../../src/server/sigv4Canonical.js';
import type { SignedRequest } from '../../../src/server/sigv4.js';

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): Buffer =>
  typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** node:crypto behind smithy's Checksum interface (SHA-256, or HMAC-SHA-256 with a secret). */
export class Sha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

export const TEST_PRINCIPAL = {
  accessKeyId: 'AKIAKEYLEDGERTEST01',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  principalArn: 'arn:aws:iam::111122223333:user/alice',
  account: '111122223333',
} as const;

export interface SignOptions {
  readonly target?: string;
  readonly body?: string | Uint8Array;
  readonly date: Date;
  readonly region?: string;
  readonly service?: string;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly host?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Adds x-amz-content-sha256 (smithy's default). */
  readonly applyChecksum?: boolean;
}

export interface SignedHttpRequest {
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

export const signKmsRequest = async (o: SignOptions): Promise<SignedHttpRequest> => {
  const body = typeof o.body === 'string' ? Buffer.from(o.body, 'utf8') : (o.body ?? Buffer.from('{}'));
  const signer = new SignatureV4({
    service: o.service ?? 'kms',
    region: o.region ?? 'us-east-1',
    credentials: { accessKeyId: o.accessKeyId ?? TEST_PRINCIPAL.accessKeyId, secretAccessKey: o.secretAccessKey ?? TEST_PRINCIPAL.secretAccessKey },
    sha256: Sha256,
    applyChecksum: o.applyChecksum ?? false,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: o.host ?? 'kms.local',
      path: '/',
      query: {},
      headers: {
        host: o.host ?? 'kms.local',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': o.target ?? 'TrentService.Encrypt',
        ...o.headers,
      },
      body,
    },
    { signingDate: o.date },
  );
  return { headers: { ...signed.headers }, body };
};

/** The verifier's view of a signed request, as the HTTP handler would build it. */
export const asSignedRequest = (r: SignedHttpRequest, overrides: Partial<SignedRequest> = {}): SignedRequest => ({
  method: 'POST',
  path: '/',
  query: '',
  headers: headersFromRaw(Object.entries(r.headers).flat()),
  body: r.body,
  ...overrides,
});

export interface GetSignOptions {
  /** As sent: a key ARN in a path segment is already percent-encoded (%3A, %2F). */
  readonly path: string;
  /** Decoded names and values; the request target encodes them with encodeURIComponent. */
  readonly query?: Readonly<Record<string, string>>;
  readonly date: Date;
  readonly host: string;
  readonly method?: string;
  readonly region?: string;
  readonly service?: string;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
}

export interface SignedGet {
  readonly headers: Record<string, string>;
  /** The request target to send: path, then the query string if any. */
  readonly target: string;
}

/** A GET (admin API) request signed by the SDK's signer, which builds the canonical query itself. */
export const signGetRequest = async (o: GetSignOptions): Promise<SignedGet> => {
  const signer = new SignatureV4({
    service: o.service ?? 'kms',
    region: o.region ?? 'us-east-1',
    credentials: { accessKeyId: o.accessKeyId ?? TEST_PRINCIPAL.accessKeyId, secretAccessKey: o.secretAccessKey ?? TEST_PRINCIPAL.secretAccessKey },
    sha256: Sha256,
    applyChecksum: false,
  });
  const query = o.query ?? {};
  const signed = await signer.sign(
    { method: o.method ?? 'GET', protocol: 'http:', hostname: o.host, path: o.path, query: { ...query }, headers: { host: o.host } },
    { signingDate: o.date },
  );
  const qs = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return { headers: { ...signed.headers }, target: qs === '' ? o.path : `${o.path}?${qs}` };
};

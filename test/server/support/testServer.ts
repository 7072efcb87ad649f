// A KMS server on a free loopback port, wired to a RecordingKmsApi and the test principal.
import type { RejectedRequest } from '../../../src/server/kmsHttpHandler.js';
import { type RunningKmsServer, type StartKmsServerOptions, startKmsServer } from '../../../src/server/httpServer.js';
import { type Credential, createSigV4Authenticator } from '../../../src/server/sigv4.js';
import { RecordingKmsApi } from './recordingKmsApi.js';
import { TEST_PRINCIPAL, signKmsRequest } from './signing.js';
import { type WireResponse, request } from './rawHttp.js';

export interface TestServer {
  readonly api: RecordingKmsApi;
  readonly rejected: RejectedRequest[];
  readonly logged: { message: string; details: Readonly<Record<string, unknown>> }[];
  readonly running: RunningKmsServer;
  readonly port: number;
  /** Sends a request signed for the test principal right now. */
  signed(target: string, body: string | Uint8Array, extra?: Readonly<Record<string, string>>): Promise<WireResponse>;
  reset(): void;
}

export const testLookup = (id: string): Credential | undefined => (id === TEST_PRINCIPAL.accessKeyId ? TEST_PRINCIPAL : undefined);

export const startTestServer = async (options: Partial<StartKmsServerOptions> = {}): Promise<TestServer> => {
  const api = new RecordingKmsApi();
  const rejected: RejectedRequest[] = [];
  const logged: TestServer['logged'] = [];
  const running = await startKmsServer({
    host: '127.0.0.1',
    port: 0,
    api,
    authenticate: createSigV4Authenticator({ lookup: testLookup }),
    onRejected: (r) => rejected.push(r),
    logger: { error: (message, details) => logged.push({ message, details }) },
    ...options,
  });
  const port = Number(new URL(running.url).port);
  return {
    api,
    rejected,
    logged,
    running,
    port,
    async signed(target, body, extra = {}) {
      const signed = await signKmsRequest({ date: new Date(), host: `127.0.0.1:${port}`, target, body, headers: extra });
      return request(port, { headers: signed.headers, body: signed.body });
    },
    reset() {
      api.calls.length = 0;
      api.respond = () => ({});
      rejected.length = 0;
      logged.length = 0;
    },
  };
};

// The AWS SDK for JavaScript v3 KMS client, pointed at a keyledger endpoint. maxAttempts 1:
// the SDK retries throttling and 5xx by default, which would hide a server fault and send
// a rejected request twice.
import { KMSClient, type KMSClientConfig } from '@aws-sdk/client-kms';
import { ADMIN, REGION } from './repo.js';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export const kmsClient = (endpoint: string, credentials: Credentials = ADMIN, over: Partial<KMSClientConfig> = {}): KMSClient =>
  new KMSClient({ endpoint, region: REGION, credentials, maxAttempts: 1, ...over });

export interface CaughtError {
  readonly name: string;
  readonly message: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
}

/** What a failed SDK call surfaces to the caller; fails the test if the call succeeded. */
export const sdkError = async (call: Promise<unknown>): Promise<CaughtError> => {
  try {
    await call;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number; requestId?: string } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode, requestId: err.$metadata?.requestId };
  }
  throw new Error('expected the call to fail, but it succeeded');
};

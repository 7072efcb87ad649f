// Limit/Marker pagination through the AWS SDK, by hand and with the SDK's own paginators
// (which stop on Truncated=false and pass NextMarker back): every item exactly once, in order,
// and a marker from one listing refused by another. A Region of its own keeps the listings
// free of other tests' keys (the credential scope's Region selects the partition of keys).
import {
  CreateAliasCommand, CreateKeyCommand, EnableKeyRotationCommand, type KMSClient, ListAliasesCommand, ListKeyRotationsCommand,
  ListKeysCommand, ListResourceTagsCommand, RotateKeyOnDemandCommand, TagResourceCommand, paginateListAliases, paginateListKeys,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestServer, startTestServer } from './support/inProcess.js';
import { kmsClient, sdkError } from './support/kms.js';

const PAGED_REGION = 'eu-west-3';
let server: TestServer;
let kms: KMSClient;
const created: { keyId: string; arn: string }[] = [];

beforeAll(async () => {
  server = await startTestServer('sdk-pages');
  kms = kmsClient(server.endpoint, undefined, { region: PAGED_REGION });
  for (let i = 0; i < 5; i++) {
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
    created.push({ keyId: KeyMetadata?.KeyId ?? '', arn: KeyMetadata?.Arn ?? '' });
    await kms.send(new CreateAliasCommand({ AliasName: `alias/page-${i}`, TargetKeyId: KeyMetadata?.KeyId ?? '' }));
  }
});
afterAll(async () => {
  kms?.destroy();
  await server?.stop();
});

it('ListKeys with Limit 2 walks 3 pages by Marker, each key once', async () => {
  const seen: string[] = [];
  const pages: boolean[] = [];
  let marker: string | undefined;
  do {
    const page = await kms.send(new ListKeysCommand({ Limit: 2, ...(marker ? { Marker: marker } : {}) }));
    expect(page.Keys?.length).toBeLessThanOrEqual(2);
    seen.push(...(page.Keys ?? []).map((k) => k.KeyArn ?? ''));
    pages.push(page.Truncated ?? false);
    marker = page.Truncated ? page.NextMarker : undefined;
    if (page.Truncated) expect(page.NextMarker).toBeTruthy();
    else expect(page.NextMarker).toBeUndefined();
  } while (marker !== undefined);
  expect(pages).toEqual([true, true, false]);
  expect(seen.sort()).toEqual(created.map((k) => k.arn).sort());
});

it("the SDK's paginators walk ListKeys and ListAliases", async () => {
  const keys: string[] = [];
  for await (const page of paginateListKeys({ client: kms, pageSize: 2 }, {})) keys.push(...(page.Keys ?? []).map((k) => k.KeyId ?? ''));
  expect(keys.sort()).toEqual(created.map((k) => k.keyId).sort());
  const aliases: string[] = [];
  let pages = 0;
  for await (const page of paginateListAliases({ client: kms, pageSize: 2 }, {})) {
    pages++;
    aliases.push(...(page.Aliases ?? []).map((a) => a.AliasName ?? ''));
  }
  expect(pages).toBe(3);
  expect(aliases).toEqual(['alias/page-0', 'alias/page-1', 'alias/page-2', 'alias/page-3', 'alias/page-4']);
});

it('ListResourceTags and ListKeyRotations page too', async () => {
  const { keyId } = created[0] ?? { keyId: '' };
  await kms.send(new TagResourceCommand({ KeyId: keyId, Tags: ['a', 'b', 'c'].map((k) => ({ TagKey: k, TagValue: k })) }));
  const first = await kms.send(new ListResourceTagsCommand({ KeyId: keyId, Limit: 2 }));
  expect(first).toMatchObject({ Truncated: true, Tags: [{ TagKey: 'a' }, { TagKey: 'b' }] });
  const second = await kms.send(new ListResourceTagsCommand({ KeyId: keyId, Limit: 2, Marker: first.NextMarker }));
  expect(second).toMatchObject({ Truncated: false, Tags: [{ TagKey: 'c' }] });

  await kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
  await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
  await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
  const r1 = await kms.send(new ListKeyRotationsCommand({ KeyId: keyId, Limit: 1 }));
  expect(r1.Truncated).toBe(true);
  const r2 = await kms.send(new ListKeyRotationsCommand({ KeyId: keyId, Limit: 1, Marker: r1.NextMarker }));
  expect(r2.Truncated).toBe(false);
  expect(r1.Rotations?.[0]?.KeyMaterialId).not.toBe(r2.Rotations?.[0]?.KeyMaterialId);
});

it("a marker of one listing is refused by another with InvalidMarkerException", async () => {
  const page = await kms.send(new ListKeysCommand({ Limit: 1 }));
  const error = await sdkError(kms.send(new ListAliasesCommand({ Marker: page.NextMarker })));
  expect(error.name).toBe('InvalidMarkerException');
});

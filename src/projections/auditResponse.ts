// CloudTrail's responseElements for a successful request, from the events it wrote: what the
// log knows of the answer. Picked member by member, so nothing the events hold beyond these —
// KeyCreated's and KeyMaterialRotated's wrapped material above all — can reach a record.
import type { Json, JsonObject, RecordedEvent } from '../store/eventStore.js';

/** What responseElementsOf reads of an event (an AuditTrace or a RecordedEvent). */
type Answered = Pick<RecordedEvent, 'stream' | 'type' | 'data'>;

const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

const algorithmMember = (operation: string): string =>
  operation === 'Sign' || operation === 'Verify' ? 'signingAlgorithm' : operation === 'GenerateMac' || operation === 'VerifyMac' ? 'macAlgorithm' : 'encryptionAlgorithm';

/** What a successful request answered, as far as the log knows it; never a blob or material. */
export const responseElementsOf = (operation: string, events: readonly Answered[]): JsonObject | null => {
  const keyArnOf = (e: Answered): string => e.stream.slice('key-'.length);
  const used = events.filter((e) => e.type === 'KeyUsed' && e.stream.startsWith('key-'));
  const last = used[used.length - 1];
  if (last !== undefined) {
    const algorithm = str(last.data['algorithm']);
    const source = used[0];
    return {
      keyId: keyArnOf(last),
      ...(algorithm !== undefined ? { [algorithmMember(operation)]: algorithm } : {}),
      ...(operation === 'ReEncrypt' && source !== undefined && used.length > 1 ? { sourceKeyId: keyArnOf(source) } : {}),
    };
  }
  const created = events.find((e) => e.type === 'KeyCreated');
  if (created !== undefined) return { keyMetadata: keyMetadataOf(created.data) };
  const scheduled = events.find((e) => e.type === 'KeyDeletionScheduled');
  if (scheduled !== undefined) {
    return {
      keyId: keyArnOf(scheduled),
      keyState: 'PendingDeletion',
      deletionDate: scheduled.data['deletionDate'] ?? null,
      pendingWindowInDays: scheduled.data['pendingWindowInDays'] ?? null,
    };
  }
  return null;
};

/** CloudTrail's keyMetadata subset, member by member from KeyCreated — `material` is never read. */
const keyMetadataOf = (d: JsonObject): JsonObject => {
  const origin = str(d['origin']) ?? 'AWS_KMS';
  const keySpec = str(d['keySpec']) ?? 'SYMMETRIC_DEFAULT';
  return {
    aWSAccountId: d['account'] ?? null,
    keyId: d['keyId'] ?? null,
    arn: d['keyArn'] ?? null,
    creationDate: d['at'] ?? null,
    enabled: origin !== 'EXTERNAL',
    description: d['description'] ?? '',
    keyUsage: d['keyUsage'] ?? null,
    keyState: origin === 'EXTERNAL' ? 'PendingImport' : 'Enabled',
    origin,
    keyManager: 'CUSTOMER',
    customerMasterKeySpec: keySpec,
    keySpec,
    multiRegion: d['multiRegion'] ?? false,
  };
};

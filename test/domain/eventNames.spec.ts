// Event names are in logs for ever (DESIGN.md, "Streams and events"): renaming one is a new
// event type or an upcaster, never an edit. These lists change only by appending.
import { describe, expect, it } from 'vitest';
import { aliasEventTypes } from '../../src/domain/alias/index.js';
import { adminReadOperations, auditEventTypes, readOnlyOperations } from '../../src/domain/audit/events.js';
import { keyEventTypes } from '../../src/domain/key/index.js';

describe('persisted event names', () => {
  it('pins every key event name', () =>
    expect(keyEventTypes).toEqual([
      'KeyCreated',
      'KeyDescriptionUpdated',
      'KeyEnabled',
      'KeyDisabled',
      'KeyDeletionScheduled',
      'KeyDeletionCanceled',
      'KeyDeleted',
      'KeyRotationEnabled',
      'KeyRotationDisabled',
      'KeyMaterialRotated',
      'KeyPolicyPut',
      'KeyTagged',
      'KeyUntagged',
      'KeyUsed',
    ]));

  it('pins every alias event name', () => expect(aliasEventTypes).toEqual(['AliasCreated', 'AliasUpdated', 'AliasDeleted']));

  it('pins every audit event name', () => expect(auditEventTypes).toEqual(['RequestRejected', 'RequestRecorded']));

  it('pins the operation names of the admin read API, which are eventNames in the audit trail, all read-only', () => {
    expect(adminReadOperations).toEqual(['GetKeyStateAsOf', 'GetKeyHistory', 'GetAliasStateAsOf', 'GetAliasHistory', 'LookupAuditEvents', 'VerifyLog']);
    for (const operation of adminReadOperations) expect(readOnlyOperations.has(operation), operation).toBe(true);
  });
});

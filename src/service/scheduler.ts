// Time-driven lifecycle (DESIGN.md, "Deciders"): automatic rotation when due, and deletion
// when a key's waiting period ends. Both are computed from state with the injected clock;
// replaying history never triggers them.
//
// Crypto-shredding runs inside the key's stream writer, so no CancelKeyDeletion can slip in
// between the check and the destruction: the KEK is destroyed (the vault overwrites it), then
// KeyDeleted is appended. Should that append fail, the next run finds the key still due and
// destroys (idempotently) and appends again.
import { keyDecider, isDeletionDue, isRotationDue } from '../domain/key/index.js';
import { aliasDecider } from '../domain/alias/index.js';
import { aliasStream, keyStream, type AliasArn, type KeyArn } from '../domain/ids.js';
import type { KeyEvent } from '../domain/key/events.js';
import type { Key } from '../domain/key/state.js';
import type { JsonObject } from '../store/eventStore.js';
import type { ServiceContext } from './context.js';
import type { Decision } from './streamWriter.js';

/** Who acts when the service acts on its own, as CloudTrail names it. */
const serviceActor = (now: Date, operation: string, key: { account: string; region: string }): JsonObject => ({
  occurredAt: now.toISOString(),
  actor: { principalArn: 'kms.amazonaws.com', account: key.account },
  request: { operation, region: key.region },
});

export interface SchedulerRun {
  readonly rotated: string[];
  readonly deleted: string[];
}

/** Appends every rotation and deletion that is due now. */
export const runScheduler = async (svc: ServiceContext): Promise<SchedulerRun> => {
  const now = svc.clock.now();
  const due: { arn: KeyArn; key: Key; kind: 'rotate' | 'delete' }[] = [];
  for (const [arn, { key }] of svc.keys.entries()) {
    if (isDeletionDue(key, now.toISOString())) due.push({ arn: arn as KeyArn, key, kind: 'delete' });
    else if (isRotationDue(key, now.toISOString())) due.push({ arn: arn as KeyArn, key, kind: 'rotate' });
  }
  const run: SchedulerRun = { rotated: [], deleted: [] };
  for (const { arn, key, kind } of due) {
    if (key.status === 'Nonexistent') continue;
    const done = kind === 'delete' ? await deleteKey(svc, arn, now, key) : await rotateKey(svc, arn, now, key);
    if (done && kind === 'delete') await deleteAliasesOf(svc, arn, now, key);
    if (done) (kind === 'delete' ? run.deleted : run.rotated).push(arn);
  }
  return run;
};

const deleteKey = (svc: ServiceContext, keyArn: KeyArn, now: Date, scope: { account: string; region: string }): Promise<boolean> =>
  svc.keyWriter.submit(keyStream(keyArn), serviceActor(now, 'DeleteKey', scope), async (state): Promise<Decision<KeyEvent, boolean>> => {
    if (!isDeletionDue(state, now.toISOString())) return { events: [], result: false };
    await svc.keyRing.shred(keyArn);
    const events = keyDecider.decide({ type: 'FinishKeyDeletion', keyArn, now: now.toISOString() }, state);
    return { events, result: events.length > 0 };
  });

/** AWS deletes a key's aliases with the key; each alias's stream records it. */
const deleteAliasesOf = async (svc: ServiceContext, keyArn: KeyArn, now: Date, scope: { account: string; region: string }): Promise<void> => {
  for (const aliasArn of svc.aliases.aliasesOf(keyArn)) {
    await svc.aliasWriter.submit(aliasStream(aliasArn as AliasArn), serviceActor(now, 'DeleteAlias', scope), (state) => ({
      events: aliasDecider.decide({ type: 'DeleteAlias', aliasArn: aliasArn as AliasArn, now: now.toISOString() }, state),
      result: undefined,
    }));
  }
};

const rotateKey = (svc: ServiceContext, keyArn: KeyArn, now: Date, scope: { account: string; region: string }): Promise<boolean> =>
  svc.keyWriter.submit(keyStream(keyArn), serviceActor(now, 'RotateKey', scope), async (state): Promise<Decision<KeyEvent, boolean>> => {
    if (!isRotationDue(state, now.toISOString())) return { events: [], result: false };
    const material = await svc.keyRing.newMaterial(keyArn);
    const events = keyDecider.decide({ type: 'RotateKeyAutomatically', keyArn, now: now.toISOString(), material }, state);
    return { events, result: events.length > 0 };
  });

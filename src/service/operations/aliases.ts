// CreateAlias, UpdateAlias, DeleteAlias, ListAliases (reference/aws-kms-api.md §1.3). Each
// alias is its own stream, so "which key did alias/payments name at T" is one replay; the
// alias decider gets snapshots of the keys it touches so its cross-key rules stay pure.
import { aliasDecider } from '../../domain/alias/index.js';
import type { AliasCommand } from '../../domain/alias/commands.js';
import type { AliasEvent } from '../../domain/alias/events.js';
import { PARTITION, aliasArnOf, aliasStream, parseAliasName, type AliasArn, type KeyArn } from '../../domain/ids.js';
import type { Key } from '../../domain/key/state.js';
import { eventMetadata, type Handler, type ServiceContext } from '../context.js';
import { pageInfo, paginate } from '../pagination.js';
import { existingKey, resolveKeyArn } from '../resolve.js';
import type { RequestContext } from '../shapes.js';
import type { Decision } from '../streamWriter.js';

const keyState = (svc: ServiceContext, keyArn: KeyArn): Key => svc.keys.get(keyArn)?.key ?? { status: 'Nonexistent' };

const runAliasCommand = (
  svc: ServiceContext,
  request: RequestContext,
  operation: string,
  aliasName: string,
  command: (aliasArn: AliasArn, now: string) => AliasCommand,
): Promise<Record<string, never>> => {
  const aliasArn = aliasArnOf(request, parseAliasName(aliasName));
  const now = svc.clock.now();
  return svc.aliasWriter.submit(aliasStream(aliasArn), eventMetadata(request, operation, now), (state): Decision<AliasEvent, Record<string, never>> => ({
    events: aliasDecider.decide(command(aliasArn, now.toISOString()), state),
    result: {},
  }));
};

export const createAlias: Handler<'CreateAlias'> = async (svc, input, request) => {
  const name = parseAliasName(input.AliasName);
  const targetArn = resolveKeyArn(input.TargetKeyId, request, svc.aliases, false);
  return runAliasCommand(svc, request, 'CreateAlias', input.AliasName, (aliasArn, now) => ({
    type: 'CreateAlias',
    aliasName: name,
    aliasArn,
    targetKeyArn: targetArn,
    target: keyState(svc, targetArn),
    aliasesOnTarget: svc.aliases.aliasesOf(targetArn).length,
    now,
  }));
};

export const updateAlias: Handler<'UpdateAlias'> = async (svc, input, request) => {
  const name = parseAliasName(input.AliasName);
  const targetArn = resolveKeyArn(input.TargetKeyId, request, svc.aliases, false);
  const current = svc.aliases.get(aliasArnOf(request, name))?.alias;
  const currentTarget: Key =
    current?.status === 'Active' ? keyState(svc, resolveKeyArn(current.targetKeyId, request, svc.aliases, false)) : { status: 'Nonexistent' };
  return runAliasCommand(svc, request, 'UpdateAlias', input.AliasName, (aliasArn, now) => ({
    type: 'UpdateAlias',
    aliasArn,
    targetKeyArn: targetArn,
    newTarget: keyState(svc, targetArn),
    currentTarget,
    aliasesOnTarget: svc.aliases.aliasesOf(targetArn).length,
    now,
  }));
};

export const deleteAlias: Handler<'DeleteAlias'> = async (svc, input, request) =>
  runAliasCommand(svc, request, 'DeleteAlias', input.AliasName, (aliasArn, now) => ({
    type: 'DeleteAlias',
    aliasArn,
    now,
  }));

export const listAliases: Handler<'ListAliases'> = async (svc, input, request) => {
  let entries = svc.aliases.activeIn(`arn:${PARTITION}:kms:${request.region}:${request.account}:alias/`);
  if (input.KeyId !== undefined) {
    const keyArn = resolveKeyArn(input.KeyId, request, svc.aliases, false);
    const key = existingKey(keyArn, svc.keys);
    entries = entries.filter((e) => e.alias.status === 'Active' && e.alias.targetKeyId === key.keyId);
  }
  const all = entries.flatMap((e) =>
    e.alias.status === 'Active'
      ? [
          {
            sortKey: e.alias.aliasName,
            item: {
              AliasName: e.alias.aliasName,
              AliasArn: e.alias.aliasArn,
              TargetKeyId: e.alias.targetKeyId,
              CreationDate: new Date(e.alias.createdAt),
              LastUpdatedDate: new Date(e.alias.lastUpdatedAt),
            },
          },
        ]
      : [],
  );
  const page = paginate('ListAliases', all, input.Limit, 50, input.Marker);
  return { Aliases: page.items, ...pageInfo(page) };
};

// Time travel over HTTP: a key's or an alias's state as of an instant or log position, and its
// timeline — the questions `keyledger history` answers (src/cli/history.ts), asked through the
// same service functions (../history.ts) so that both give the same answers. Read from the log,
// not the live views: a key deleted long ago still has a past worth reading.
import { kmsError } from '../../domain/errors.js';
import type { AsOf } from '../../projections/asOf.js';
import type { EventStore } from '../../store/eventStore.js';
import { aliasArnsIn, aliasStateAsOf, aliasTargetKey, KEY_LIFECYCLE_TYPES, keyStateAsOf, streamExists, timeline, type TimelineEntry } from '../history.js';
import { keyStateView } from '../keyStateView.js';
import type { RequestContext } from '../shapes.js';
import type { AdminInput, AdminOutput, AsOfInput, LastEvent, TimelineEvent } from './adminShapes.js';
import { pageOf } from './paging.js';
import { namedAlias, namedKey } from './references.js';

const asOfOf = (input: AsOfInput): AsOf => ({
  ...(input.At !== undefined ? { time: input.At } : {}),
  ...(input.Position !== undefined ? { position: input.Position } : {}),
});

/** What was asked, echoed: `{}` is now. */
const asked = (input: AsOfInput): AsOfInput => ({
  ...(input.At !== undefined ? { At: input.At } : {}),
  ...(input.Position !== undefined ? { Position: input.Position } : {}),
});

const lastEvent = (folded: { revision: number; position: number }): LastEvent =>
  folded.revision < 0 ? null : { Revision: folded.revision, Position: folded.position };

const timelineEvent = (e: TimelineEntry): TimelineEvent => ({
  Position: e.position,
  Revision: e.revision,
  ...(e.at !== undefined ? { At: e.at } : {}),
  EventType: e.type,
  ...(e.principalArn !== undefined ? { PrincipalArn: e.principalArn } : {}),
  ...(e.operation !== undefined ? { Operation: e.operation } : {}),
  ...(e.requestId !== undefined ? { RequestId: e.requestId } : {}),
  ...(e.sourceIp !== undefined ? { SourceIp: e.sourceIp } : {}),
  Data: e.data,
});

/**
 * "Never existed" is about the whole log, not the point: a key created after the point asked
 * about still answers (with no state yet), as `keyledger history` does.
 */
const requireStream = async (store: EventStore, stream: string, notFound: string): Promise<void> => {
  if (!(await streamExists(store, stream))) throw kmsError('NotFoundException', notFound);
};

export const getKeyStateAsOf = async (store: EventStore, input: AdminInput<'GetKeyStateAsOf'>, request: RequestContext): Promise<AdminOutput<'GetKeyStateAsOf'>> => {
  const { keyArn, scope } = namedKey(input.KeyId, request);
  await requireStream(store, `key-${keyArn}`, `Key '${keyArn}' does not exist`);
  const folded = await keyStateAsOf(store, keyArn, asOfOf(input), await aliasArnsIn(store, scope));
  const { state } = folded;
  return {
    KeyArn: keyArn,
    AsOf: asked(input),
    LastEvent: lastEvent(folded),
    Key: state.status === 'Nonexistent' ? null : keyStateView(state, folded.aliases),
  };
};

export const getKeyHistory = async (store: EventStore, input: AdminInput<'GetKeyHistory'>, request: RequestContext): Promise<AdminOutput<'GetKeyHistory'>> => {
  const { keyArn } = namedKey(input.KeyId, request);
  await requireStream(store, `key-${keyArn}`, `Key '${keyArn}' does not exist`);
  const asOf = asOfOf(input);
  // Like `keyledger history`: what changed the key, unless its uses are asked for too.
  const types = input.Usage === true ? undefined : KEY_LIFECYCLE_TYPES;
  const page = pageOf('GetKeyHistory', [keyArn, asOf, input.Usage === true], await timeline(store, `key-${keyArn}`, asOf, types), (e) => e.revision, input);
  return { KeyArn: keyArn, AsOf: asked(input), Events: page.items.map(timelineEvent), ...(page.nextToken !== undefined ? { NextToken: page.nextToken } : {}) };
};

export const getAliasStateAsOf = async (
  store: EventStore,
  input: AdminInput<'GetAliasStateAsOf'>,
  request: RequestContext,
): Promise<AdminOutput<'GetAliasStateAsOf'>> => {
  const { aliasArn, aliasName, scope } = namedAlias(input.AliasName, request);
  await requireStream(store, `alias-${aliasArn}`, `Alias ${aliasArn} is not found.`);
  const asOf = asOfOf(input);
  const folded = await aliasStateAsOf(store, aliasArn, asOf);
  const target = await aliasTargetKey(store, scope, folded.state, asOf);
  return {
    AliasName: aliasName,
    AliasArn: aliasArn,
    AsOf: asked(input),
    LastEvent: lastEvent(folded),
    Status: folded.state.status,
    Target: target === null ? null : { KeyId: target.keyId, KeyArn: target.keyArn, KeyState: target.keyState },
  };
};

export const getAliasHistory = async (store: EventStore, input: AdminInput<'GetAliasHistory'>, request: RequestContext): Promise<AdminOutput<'GetAliasHistory'>> => {
  const { aliasArn, aliasName } = namedAlias(input.AliasName, request);
  await requireStream(store, `alias-${aliasArn}`, `Alias ${aliasArn} is not found.`);
  const asOf = asOfOf(input);
  const page = pageOf('GetAliasHistory', [aliasArn, asOf], await timeline(store, `alias-${aliasArn}`, asOf), (e) => e.revision, input);
  return {
    AliasName: aliasName,
    AliasArn: aliasArn,
    AsOf: asked(input),
    Events: page.items.map(timelineEvent),
    ...(page.nextToken !== undefined ? { NextToken: page.nextToken } : {}),
  };
};

// Facts about one alias, past tense, plain JSON data. One stream per alias
// (`alias-<aliasArn>`); names are permanent (a test pins them). An alias may be created again
// after it was deleted, in the same stream, so its history stays one replay.
import type { Event } from '../key/events.js';

export type AliasCreated = Event<
  'AliasCreated',
  { readonly aliasName: string; readonly aliasArn: string; readonly targetKeyId: string; readonly at: string }
>;
export type AliasUpdated = Event<
  'AliasUpdated',
  { readonly targetKeyId: string; readonly previousTargetKeyId: string; readonly at: string }
>;
export type AliasDeleted = Event<'AliasDeleted', { readonly at: string }>;

export type AliasEvent = AliasCreated | AliasUpdated | AliasDeleted;

export type AliasEventType = AliasEvent['type'];

/** Every alias event name, pinned by a test: these strings are in logs for ever. */
export const aliasEventTypes: readonly AliasEventType[] = ['AliasCreated', 'AliasUpdated', 'AliasDeleted'];

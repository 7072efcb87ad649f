// `keyledger history <key|alias>`: time travel from the command line (DESIGN.md, "Projections
// and time travel"). For a key: its timeline up to an instant or log position, then its state
// then, aliases included. For an alias: which key it named then, and its own timeline. Reads
// only the streams involved (src/service/history.ts), from a read-only store.
import type { AsOf } from '../projections/asOf.js';
import { aliasArnsIn, aliasStateAsOf, aliasTargetKey, KEY_LIFECYCLE_TYPES, keyStateAsOf, streamExists, timeline } from '../service/history.js';
import { keyStateView } from '../service/keyStateView.js';
import type { EventStore } from '../store/eventStore.js';
import { CliError, ExitCode, usageError } from './cliError.js';
import {
  dataDirOptions,
  jsonOption,
  parseIsoTime,
  parseResourceRef,
  readSections,
  resolveReadSettings,
  scopeOptions,
  type ReadIo,
  type ResourceRef,
  refArn,
} from './forensicsOptions.js';
import { type AliasHistory, type History, type KeyHistory, historyJson, historyText } from './historyReport.js';
import { type CommandSpec, helpText, parseCommand } from './options.js';
import { withDataDir } from './readDataDir.js';

const historyOptions = {
  at: {
    type: 'string',
    value: '<ISO time>',
    description: 'The instant to look at: ISO-8601 with Z or an offset, e.g.\n2026-01-01T12:00:00Z; a date alone is 00:00 UTC. Default: now.',
  },
  position: { type: 'string', value: '<n>', description: 'The log position to look at (with --at, both must hold).' },
  usage: {
    type: 'boolean',
    description: "List the key's uses (KeyUsed) in its timeline too. Without it the timeline\nis what changed the key; `keyledger audit --key` and `keyledger usage` tell the uses.",
  },
  ...scopeOptions,
  ...jsonOption,
  ...dataDirOptions,
} as const;

export const historySpec: CommandSpec<typeof historyOptions> = {
  usage: 'keyledger history <key-id|key-arn|alias/name|alias-arn> [options]',
  summary:
    "A key's timeline — time, revision, event, principal, operation, request id, details — up to a\n" +
    'point in time or log position, then its state at that point (KeyState, description, spec, usage,\n' +
    'deletion date, rotation, key materials, tags, aliases, policy). For an alias: the key it named\n' +
    'then, and its timeline. Wrapped key material is never printed.',
  options: historyOptions,
  positionals: { min: 1, max: 1 },
  sections: readSections,
};

const parseAsOf = (at: string | undefined, position: string | undefined): AsOf => {
  const time = at === undefined ? undefined : parseIsoTime('at', at);
  if (position !== undefined && !(/^\d{1,15}$/.test(position))) throw usageError(`--position must be a log position (a whole number), got '${position}'`);
  return { ...(time !== undefined ? { time } : {}), ...(position !== undefined ? { position: Number(position) } : {}) };
};

const keyHistory = async (store: EventStore, ref: Extract<ResourceRef, { kind: 'key' }>, asOf: AsOf, usage: boolean): Promise<KeyHistory> => {
  const folded = await keyStateAsOf(store, ref.keyArn, asOf, await aliasArnsIn(store, ref.scope));
  const { state } = folded;
  return {
    resource: 'key',
    arn: ref.keyArn,
    asOf,
    revision: folded.revision,
    position: folded.position,
    state: state.status === 'Nonexistent' ? null : keyStateView(state, folded.aliases),
    timeline: await timeline(store, `key-${ref.keyArn}`, asOf, usage ? undefined : KEY_LIFECYCLE_TYPES),
  };
};

const aliasHistory = async (store: EventStore, ref: Extract<ResourceRef, { kind: 'alias' }>, asOf: AsOf): Promise<AliasHistory> => {
  const folded = await aliasStateAsOf(store, ref.aliasArn, asOf);
  const { state } = folded;
  return {
    resource: 'alias',
    aliasName: ref.aliasName,
    arn: ref.aliasArn,
    asOf,
    revision: folded.revision,
    position: folded.position,
    status: state.status,
    target: await aliasTargetKey(store, ref.scope, state, asOf),
    timeline: await timeline(store, `alias-${ref.aliasArn}`, asOf),
  };
};

/** `keyledger history …`: exit 0, or 4 when the key or alias never existed at all. */
export const historyCommand = async (argv: readonly string[], io: ReadIo): Promise<ExitCode> => {
  const parsed = parseCommand(historySpec, argv);
  if (parsed.help) {
    io.out(helpText(historySpec));
    return ExitCode.ok;
  }
  const { values, positionals } = parsed;
  const { dataDir, scope } = resolveReadSettings(values, io.env);
  const asOf = parseAsOf(values.at, values.position);
  const ref = parseResourceRef(positionals[0] ?? '', scope);
  const history = await withDataDir(dataDir, async (store): Promise<History> => {
    // "Never existed" is about the whole log, not the point: a key created after --at still
    // has a history worth showing (empty, and a state of "not yet").
    if (!(await streamExists(store, `${ref.kind}-${refArn(ref)}`))) {
      throw new CliError(`no ${ref.kind} ${refArn(ref)} ever existed in the log of ${dataDir}`, ExitCode.notFound);
    }
    return ref.kind === 'key' ? keyHistory(store, ref, asOf, values.usage === true) : aliasHistory(store, ref, asOf);
  });
  io.out(values.json === true ? historyJson(history) : historyText(history));
  return ExitCode.ok;
};

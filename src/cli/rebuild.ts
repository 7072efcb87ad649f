// `keyledger rebuild`: every projection rebuilt from zero (DESIGN.md, "Projections and time
// travel") — the views the server keeps (keys, aliases, last usage) replayed from the first
// event to the head, and with --reindex the indexes the store keeps for forensic reads
// recomputed from the events. It shows that the state follows from the log alone, and how long
// a server start replays; read-only without --reindex, so it works beside a running server and
// on a copy.
import { join } from 'node:path';
import { AliasIndex } from '../projections/aliasIndex.js';
import { KeyViews } from '../projections/keyViews.js';
import { LastUsageView } from '../projections/lastUsage.js';
import { rebuildProjections } from '../service/rebuild.js';
import { reindexSqliteStore } from '../store/sqlite/reindex.js';
import { CliError, ExitCode, isCliError, messageOf } from './cliError.js';
import { acquireDataDirLock } from './dataDirLock.js';
import { dataDirOptions, jsonOption, readSections, resolveReadSettings, scopeOptions, type ReadIo } from './forensicsOptions.js';
import { type CommandSpec, helpText, parseCommand } from './options.js';
import { progressBar } from './progressBar.js';
import { withDataDir } from './readDataDir.js';
import { STORE_FILE } from './serveSpec.js';
import { fields, plural } from './table.js';

const rebuildOptions = {
  reindex: {
    type: 'boolean',
    description: "Also recompute the store's indexes (history, audit by key and day, requests)\nfrom the events. Writes: the server must be stopped.",
  },
  ...scopeOptions,
  ...jsonOption,
  ...dataDirOptions,
} as const;

export const rebuildSpec: CommandSpec<typeof rebuildOptions> = {
  usage: 'keyledger rebuild [options]',
  summary:
    'Replays the whole log from its first event into fresh projections — the key, alias and\n' +
    'last-usage views a server rebuilds when it starts — and reports what they hold and how fast\n' +
    'the replay ran. With --reindex, also recomputes the indexes the store keeps for forensic reads.',
  options: rebuildOptions,
  sections: readSections,
};

export interface RebuildReport {
  readonly events: number;
  readonly position: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Keys per key state (Enabled, Disabled, PendingDeletion, …). */
  readonly keys: Readonly<Record<string, number>>;
  readonly aliases: number;
  readonly keysUsed: number;
  readonly reindexed: readonly string[];
}

/** `keyledger rebuild …`: exit 0, or 3 when --reindex finds the data directory in use. */
export const rebuildCommand = async (argv: readonly string[], io: ReadIo): Promise<ExitCode> => {
  const parsed = parseCommand(rebuildSpec, argv);
  if (parsed.help) {
    io.out(helpText(rebuildSpec));
    return ExitCode.ok;
  }
  const { values } = parsed;
  const { dataDir } = resolveReadSettings(values, io.env);
  let reindexed: readonly string[] = [];
  if (values.reindex === true) {
    // Throws a CliError with exit 3 when a server holds the directory.
    const lock = acquireDataDirLock(dataDir);
    try {
      reindexed = reindexSqliteStore(join(dataDir, STORE_FILE)).indexes;
    } catch (error) {
      throw isCliError(error) ? error : new CliError(`cannot reindex ${dataDir}: ${messageOf(error)}`);
    } finally {
      lock.release();
    }
  }
  const report = await withDataDir(dataDir, async (store): Promise<RebuildReport> => {
    const keys = new KeyViews();
    const aliases = new AliasIndex();
    const lastUsage = new LastUsageView();
    const bar = progressBar(io.terminal, 'replaying', await store.headPosition());
    const start = performance.now();
    let result;
    try {
      result = await rebuildProjections(store, [keys, aliases, lastUsage], { onProgress: (p) => bar.update(p, `position ${p}`), progressEvery: 16_384 });
    } finally {
      bar.finish();
    }
    const seconds = (performance.now() - start) / 1000;
    const byState: Record<string, number> = {};
    let keysUsed = 0;
    for (const [arn, { key }] of keys.entries()) {
      byState[key.status] = (byState[key.status] ?? 0) + 1;
      if (lastUsage.get(arn) !== undefined) keysUsed++;
    }
    return {
      events: result.events,
      position: result.position,
      seconds: Number(seconds.toFixed(3)),
      eventsPerSecond: seconds > 0 ? Math.round(result.events / seconds) : 0,
      keys: Object.fromEntries(Object.entries(byState).sort(([a], [b]) => (a < b ? -1 : 1))),
      aliases: aliases.snapshot().filter(([, a]) => a.alias.status === 'Active').length,
      keysUsed,
      reindexed,
    };
  });
  io.out(values.json === true ? `${JSON.stringify(report, null, 2)}\n` : text(report));
  return ExitCode.ok;
};

const text = (r: RebuildReport): string =>
  `Replayed ${plural(r.events, 'event')} (to position ${r.position}) in ${r.seconds.toFixed(2)} s: ${r.eventsPerSecond.toLocaleString('en-US')} events/s.\n` +
  fields([
    ['Keys', Object.entries(r.keys).map(([state, n]) => `${state} ${n}`).join(', ') || 'none'],
    ['Active aliases', String(r.aliases)],
    ['Keys ever used', String(r.keysUsed)],
    ['Reindexed', r.reindexed.length > 0 ? r.reindexed.join(', ') : 'no (--reindex recomputes the store indexes)'],
  ]);

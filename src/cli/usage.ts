// `keyledger usage`: how often each key was used — KeyUsed events counted per key and per day,
// operation or principal (src/projections/usageCounts.ts), read-only from a data directory.
import { type UsageGrouping, usageCounts } from '../projections/usageCounts.js';
import type { RecordedEvent } from '../store/eventStore.js';
import { ExitCode, usageError } from './cliError.js';
import { dataDirOptions, jsonOption, parseResourceRef, readSections, resolveReadSettings, scopeOptions, type ReadIo } from './forensicsOptions.js';
import { type CommandSpec, helpText, parseCommand } from './options.js';
import { withDataDir } from './readDataDir.js';
import { table } from './table.js';

const usageOptions = {
  key: { type: 'string', value: '<key-id|key-arn>', description: 'Only this key.' },
  by: { type: 'string', value: 'day|operation|principal', description: 'What to count per key. Default operation.' },
  ...scopeOptions,
  ...jsonOption,
  ...dataDirOptions,
} as const;

export const usageSpec: CommandSpec<typeof usageOptions> = {
  usage: 'keyledger usage [options]',
  summary:
    'Counts the cryptographic uses of each key (Encrypt, Decrypt, GenerateDataKey, Sign, …) per day (UTC),\n' +
    'operation or principal. A ReEncrypt counts once on its source key and once on its destination.',
  options: usageOptions,
  sections: readSections,
};

const groupings: readonly UsageGrouping[] = ['day', 'operation', 'principal'];

/** `keyledger usage …`: exit 0. */
export const usageCommand = async (argv: readonly string[], io: ReadIo): Promise<ExitCode> => {
  const parsed = parseCommand(usageSpec, argv);
  if (parsed.help) {
    io.out(helpText(usageSpec));
    return ExitCode.ok;
  }
  const { values } = parsed;
  const { dataDir, scope } = resolveReadSettings(values, io.env);
  const by = (values.by ?? 'operation') as UsageGrouping;
  if (!groupings.includes(by)) throw usageError(`--by must be day, operation or principal, got '${values.by ?? ''}'`);
  let keyArn: string | undefined;
  if (values.key !== undefined) {
    const ref = parseResourceRef(values.key, scope);
    if (ref.kind !== 'key') throw usageError(`--key takes a key id or key ARN, got '${values.key}'`);
    keyArn = ref.keyArn;
  }
  const counts = await withDataDir(
    dataDir,
    async (store) => {
      const used: RecordedEvent[] = [];
      // One key's uses are its stream's KeyUsed events, read by type (an index), not the log.
      const events = keyArn === undefined ? store.readAll() : store.readStream(`key-${keyArn}`, { types: ['KeyUsed'] });
      for await (const event of events) if (event.type === 'KeyUsed') used.push(event);
      return usageCounts(used, by, keyArn);
    },
    { terminal: io.terminal, label: 'reading' },
  );
  io.out(
    values.json === true
      ? `${JSON.stringify({ by, Usage: counts.map((c) => ({ keyArn: c.keyArn, [by]: c.group, count: c.count })) }, null, 2)}\n`
      : table(['KEY', by.toUpperCase(), 'COUNT'], counts.map((c) => [c.keyArn, c.group, String(c.count)])),
  );
  return ExitCode.ok;
};

// `keyledger audit`: the audit trail of a data directory as AWS CloudTrail records for KMS
// (src/projections/auditTrail.ts), one per request, filtered by key, alias, principal,
// operation, outcome and time. Reads the log read-only (readDataDir.ts): once, or with --follow
// for as long as it runs (auditFollow.ts). JSON Lines is the export format: one CloudTrail
// record per line, ready for any CloudTrail tooling.
import type { Scope } from '../domain/ids.js';
import type { AuditFilter } from '../projections/auditFilter.js';
import type { AuditEntry } from '../projections/auditTrail.js';
import { queryAudit } from '../service/auditQuery.js';
import { followAudit, SETTLE_MS, stopOnSignals } from './auditFollow.js';
import { ExitCode, usageError } from './cliError.js';
import { dataDirOptions, parseIsoTime, parseResourceRef, readSections, resolveReadSettings, scopeOptions, type ReadIo } from './forensicsOptions.js';
import { type CommandSpec, helpText, type OptionValues, parseCommand } from './options.js';
import { keyIdOfKeyArn, withDataDir } from './readDataDir.js';
import { table, tableWriter } from './table.js';

const DEFAULT_INTERVAL_MS = 250;

const auditOptions = {
  key: { type: 'string', value: '<key-id|key-arn>', description: 'Only requests that named or used this key.' },
  alias: { type: 'string', value: '<alias/name|alias-arn>', description: 'Only requests that named this alias or changed it.' },
  principal: { type: 'string', value: '<arn>', description: 'Only requests by this principal ARN (kms.amazonaws.com: the service).' },
  operation: { type: 'string', value: '<name>', description: "Only this operation (CloudTrail's eventName, e.g. Decrypt, RotateKey)." },
  outcome: { type: 'string', value: 'success|failure', description: 'Only answered or only refused requests.' },
  since: { type: 'string', value: '<ISO time>', description: 'Only requests at or after this instant (ISO-8601 with Z or an offset).' },
  until: { type: 'string', value: '<ISO time>', description: 'Only requests before this instant.' },
  json: { type: 'boolean', description: 'Print one JSON document: { "Records": [...] }, as a CloudTrail log file.' },
  jsonl: { type: 'boolean', description: 'Print JSON Lines: one CloudTrail record per line (the export format).' },
  follow: {
    type: 'boolean',
    short: 'f',
    description:
      'Then keep printing new records as the server commits them, until Ctrl-C\n' +
      `(SIGINT) or SIGTERM. A record is printed once its request has been quiet\nfor ${SETTLE_MS / 1000} s. As a table or with --jsonl.`,
  },
  interval: { type: 'string', value: '<ms>', description: `With --follow: how often to read new events. Default ${DEFAULT_INTERVAL_MS}.` },
  ...scopeOptions,
  ...dataDirOptions,
} as const;

export const auditSpec: CommandSpec<typeof auditOptions> = {
  usage: 'keyledger audit [options]',
  summary:
    'The audit trail as AWS CloudTrail records (eventVersion 1.08), one per request, oldest first:\n' +
    'every request answered or refused, and what the service did on its own (RotateKey, DeleteKey).\n' +
    'The table shows time, operation, principal, outcome, key and request id. Never any plaintext,\n' +
    'ciphertext or key material: encryption contexts appear as digests. With --follow, it then reads\n' +
    "on beside a running server and prints each new record as its request completes.",
  options: auditOptions,
  sections: readSections,
};

type Values = OptionValues<typeof auditOptions>;

const filterOf = (values: Values, scope: Scope): AuditFilter => {
  let keyArn: string | undefined;
  if (values.key !== undefined) {
    const ref = parseResourceRef(values.key, scope);
    if (ref.kind !== 'key') throw usageError(`--key takes a key id or key ARN; for '${values.key}' use --alias`);
    keyArn = ref.keyArn;
  }
  let aliasArn: string | undefined;
  if (values.alias !== undefined) {
    const ref = parseResourceRef(values.alias.startsWith('arn:') ? values.alias : values.alias.startsWith('alias/') ? values.alias : `alias/${values.alias}`, scope);
    if (ref.kind !== 'alias') throw usageError(`--alias takes an alias name or alias ARN, got '${values.alias}'`);
    aliasArn = ref.aliasArn;
  }
  const { outcome } = values;
  if (outcome !== undefined && outcome !== 'success' && outcome !== 'failure') throw usageError(`--outcome must be success or failure, got '${outcome}'`);
  if (values.json === true && values.jsonl === true) throw usageError('--json and --jsonl are two formats: give one');
  if (values.follow === true && values.json === true) throw usageError('--follow prints records as they come: use --jsonl (one per line) or the table, not --json');
  return {
    ...(keyArn !== undefined ? { keyArn } : {}),
    ...(aliasArn !== undefined ? { aliasArn } : {}),
    ...(values.principal !== undefined ? { principalArn: values.principal } : {}),
    ...(values.operation !== undefined ? { operation: values.operation } : {}),
    ...(outcome !== undefined ? { outcome } : {}),
    ...(values.since !== undefined ? { since: parseIsoTime('since', values.since) } : {}),
    ...(values.until !== undefined ? { until: parseIsoTime('until', values.until) } : {}),
  };
};

const HEADERS = ['TIME', 'OPERATION', 'PRINCIPAL', 'OUTCOME', 'KEY', 'REQUEST ID'] as const;

/** A live table's first column widths, so that most rows line up under its header from the
 *  start: a CloudTrail time; an operation up to ScheduleKeyDeletion; an IAM user ARN with a
 *  short name; an exception up to KMSInvalidStateException; a key id (a UUID). */
const LIVE_WIDTHS = [20, 19, 40, 24, 36] as const;

const rows = (entries: readonly AuditEntry[]): (string | undefined)[][] =>
  entries.map(({ record: r }) => [
    r.eventTime,
    r.eventName,
    r.userIdentity.arn ?? r.userIdentity.invokedBy,
    r.errorCode ?? 'Success',
    r.resources.map((k) => keyIdOfKeyArn(k.ARN)).join(','),
    r.requestID ?? undefined,
  ]);

const jsonLines = (entries: readonly AuditEntry[]): string => entries.map((e) => `${JSON.stringify(e.record)}\n`).join('');

/** What `audit` needs beyond the other read commands, for --follow. */
export interface AuditIo extends ReadIo {
  /** stderr. */
  readonly err?: (text: string) => void;
  /** Ends --follow; by default the first SIGINT or SIGTERM. */
  readonly stop?: AbortSignal;
}

const parseInterval = (values: Values): number => {
  if (values.interval === undefined) return DEFAULT_INTERVAL_MS;
  if (values.follow !== true) throw usageError('--interval is for --follow');
  const ms = /^\d{1,6}$/.test(values.interval) ? Number(values.interval) : NaN;
  if (!(ms >= 10 && ms <= 60_000)) throw usageError(`--interval must be a number of milliseconds from 10 to 60000, got '${values.interval}'`);
  return ms;
};

const follow = async (dataDir: string, filter: AuditFilter, values: Values, io: AuditIo): Promise<ExitCode> => {
  const intervalMs = parseInterval(values);
  const err = io.err ?? ((text: string) => void process.stderr.write(text));
  const stop = io.stop ?? stopOnSignals(() => process.exit(ExitCode.ok));
  const writeTable = tableWriter(HEADERS, LIVE_WIDTHS);
  const print = (entries: readonly AuditEntry[]): void => {
    const text = values.jsonl === true ? jsonLines(entries) : writeTable(rows(entries));
    if (text !== '') io.out(text);
  };
  const late = (key: string): void =>
    err(`keyledger: request ${key.replace(/^\w+:/, '')} wrote more events after its record was printed; 'keyledger audit' without --follow shows it whole\n`);
  await withDataDir(dataDir, (store, bar) => followAudit(store, { filter, intervalMs, print, late, stop, bar }), { terminal: io.terminal, label: 'reading' });
  return ExitCode.ok;
};

/** `keyledger audit …`: exit 0, whether or not anything matched; with --follow, after SIGINT or SIGTERM. */
export const auditCommand = async (argv: readonly string[], io: AuditIo): Promise<ExitCode> => {
  const parsed = parseCommand(auditSpec, argv);
  if (parsed.help) {
    io.out(helpText(auditSpec));
    return ExitCode.ok;
  }
  const { values } = parsed;
  const { dataDir, scope } = resolveReadSettings(values, io.env);
  const filter = filterOf(values, scope);
  if (values.follow === true || values.interval !== undefined) return follow(dataDir, filter, values, io);
  const entries = await withDataDir(dataDir, (store) => queryAudit(store, filter), { terminal: io.terminal, label: 'reading' });
  if (values.jsonl === true) io.out(jsonLines(entries));
  else if (values.json === true) io.out(`${JSON.stringify({ Records: entries.map((e) => e.record) }, null, 2)}\n`);
  else io.out(table(HEADERS, rows(entries)));
  return ExitCode.ok;
};

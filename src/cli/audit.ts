// `keyledger audit`: the audit trail of a data directory as AWS CloudTrail records for KMS
// (src/projections/auditTrail.ts), one per request, filtered by key, alias, principal,
// operation, outcome and time. Reads the log once, read-only (readDataDir.ts). JSON Lines is the
// export format: one CloudTrail record per line, ready for any CloudTrail tooling.
import type { Scope } from '../domain/ids.js';
import type { AuditFilter } from '../projections/auditFilter.js';
import type { AuditEntry } from '../projections/auditTrail.js';
import { queryAudit } from '../service/auditQuery.js';
import { ExitCode, usageError } from './cliError.js';
import { dataDirOptions, parseIsoTime, parseResourceRef, readSections, resolveReadSettings, scopeOptions, type ReadIo } from './forensicsOptions.js';
import { type CommandSpec, helpText, type OptionValues, parseCommand } from './options.js';
import { keyIdOfKeyArn, withDataDir } from './readDataDir.js';
import { table } from './table.js';

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
  ...scopeOptions,
  ...dataDirOptions,
} as const;

export const auditSpec: CommandSpec<typeof auditOptions> = {
  usage: 'keyledger audit [options]',
  summary:
    'The audit trail as AWS CloudTrail records (eventVersion 1.08), one per request, oldest first:\n' +
    'every request answered or refused, and what the service did on its own (RotateKey, DeleteKey).\n' +
    'The table shows time, operation, principal, outcome, key and request id. Never any plaintext,\n' +
    'ciphertext or key material: encryption contexts appear as digests.\n' +
    'Not yet: --follow (tailing a running server); run the command again instead.',
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

const text = (entries: readonly AuditEntry[]): string =>
  table(
    ['TIME', 'OPERATION', 'PRINCIPAL', 'OUTCOME', 'KEY', 'REQUEST ID'],
    entries.map(({ record: r }) => [
      r.eventTime,
      r.eventName,
      r.userIdentity.arn ?? r.userIdentity.invokedBy,
      r.errorCode ?? 'Success',
      r.resources.map((k) => keyIdOfKeyArn(k.ARN)).join(','),
      r.requestID ?? undefined,
    ]),
  );

/** `keyledger audit …`: exit 0, whether or not anything matched. */
export const auditCommand = async (argv: readonly string[], io: ReadIo): Promise<ExitCode> => {
  const parsed = parseCommand(auditSpec, argv);
  if (parsed.help) {
    io.out(helpText(auditSpec));
    return ExitCode.ok;
  }
  const { values } = parsed;
  const { dataDir, scope } = resolveReadSettings(values, io.env);
  const filter = filterOf(values, scope);
  const entries = await withDataDir(dataDir, (store) => queryAudit(store, filter), { terminal: io.terminal, label: 'reading' });
  if (values.jsonl === true) io.out(entries.map((e) => `${JSON.stringify(e.record)}\n`).join(''));
  else if (values.json === true) io.out(`${JSON.stringify({ Records: entries.map((e) => e.record) }, null, 2)}\n`);
  else io.out(text(entries));
  return ExitCode.ok;
};

// `keyledger verify`: checks a data directory's whole log against its hash chains and signed
// checkpoints (src/service/forensics/verify.ts) with nothing but the audit PUBLIC key, and
// names the first broken link. Read-only: it works on a stopped server's directory or a copy,
// and never needs the root key.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { auditKeyId, parseAuditPublicKey } from '../crypto/auditKey.js';
import { lastCheckpoint } from '../service/forensics/checkpoints.js';
import { CHECKPOINT_STREAM } from '../service/forensics/checkpointFormat.js';
import { verifyLog, type CheckpointAnchor, type VerifyProblem, type VerifyResult } from '../service/forensics/verify.js';
import type { EventStore } from '../store/eventStore.js';
import { CliError, ExitCode, errnoCode, messageOf, usageError } from './cliError.js';
import { dataDirOptions, jsonOption, readSections, type ReadIo } from './forensicsOptions.js';
import { type CommandSpec, helpText, parseCommand } from './options.js';
import type { ProgressBar } from './progressBar.js';
import { AUDIT_PUBLIC_KEY_FILE, withDataDir } from './readDataDir.js';
import { resolveCommonSettings } from './settings.js';
import { plural } from './table.js';
import { verifyReport, type AnchorLookup } from './verifyReport.js';

const verifyOptions = {
  ...dataDirOptions,
  'public-key': {
    type: 'string',
    value: '<file>',
    description:
      `The audit public key (PEM). Default <data-dir>/${AUDIT_PUBLIC_KEY_FILE}.\n` +
      'Keep a copy elsewhere and give it here: whoever can rewrite the log\ncan also replace that file.',
  },
  anchor: {
    type: 'string',
    value: '[<n>:]<digest>',
    description:
      'A checkpoint digest kept outside the log (verify prints the newest).\n' +
      'The log must still contain it: the only way to detect a rollback\nto an earlier signed state.',
  },
  ...jsonOption,
} as const;

export const verifySpec: CommandSpec<typeof verifyOptions> = {
  usage: 'keyledger verify [options]',
  summary:
    "Recomputes every event's hash chain and every signed checkpoint of a data directory's log and\n" +
    'prints either OK or the first broken link: its kind, stream, revision and position. Read-only; works\n' +
    "on a stopped server's directory or a copy. Events after the last checkpoint are chained but not\n" +
    'yet signed: deleting the newest of them cannot be detected without --anchor.',
  options: verifyOptions,
  sections: readSections,
};

const ANCHOR = /^(?:(\d+):)?([0-9a-f]{64})$/i;

const parseAnchor = (text: string): { sequence?: number; digest: string } => {
  const m = ANCHOR.exec(text);
  if (m === null) throw usageError(`--anchor must be a checkpoint digest (64 hex digits), optionally after '<n>:', got '${text}'`);
  const digest = (m[2] ?? '').toLowerCase();
  return m[1] === undefined ? { digest } : { sequence: Number(m[1]), digest };
};

const readPublicKey = (file: string, given: boolean): Uint8Array => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT' && !given) {
      throw new CliError(`no audit public key at ${file}: the server writes it with its first checkpoint; give --public-key <file>`);
    }
    throw new CliError(`cannot read the audit public key ${file}: ${messageOf(e)}`);
  }
  try {
    return parseAuditPublicKey(text);
  } catch (e) {
    throw usageError(`${file} is not an audit public key: ${messageOf(e)}`);
  }
};

/** The checkpoint an anchor given without its number names: the one whose digest it is. */
const findAnchor = async (store: EventStore, digest: string): Promise<CheckpointAnchor | undefined> => {
  for await (const event of store.readStream(CHECKPOINT_STREAM)) {
    if (event.data['digest'] === digest) return { sequence: event.revision, digest };
  }
  return undefined;
};

const missingAnchor = (digest: string, checkpoints: number): VerifyProblem => ({
  kind: 'truncated',
  stream: CHECKPOINT_STREAM,
  revision: checkpoints,
  detail: `no checkpoint in the log has the anchored digest ${digest}: the log was rolled back to before it, or the anchor is another log's`,
});

const run = async (store: EventStore, publicKey: Uint8Array, anchor: { sequence?: number; digest: string } | undefined, bar: ProgressBar) => {
  const onProgress = (p: { readonly events: number; readonly position: number }): void => bar.update(p.position, plural(p.events, 'event'));
  const walk = (a: CheckpointAnchor | undefined): Promise<VerifyResult> =>
    verifyLog({ store, publicKey, onProgress, progressEvery: 4096, ...(a !== undefined ? { anchor: a } : {}) });
  let lookup: AnchorLookup = 'none';
  let result: VerifyResult;
  if (anchor?.sequence !== undefined) {
    result = await walk({ sequence: anchor.sequence, digest: anchor.digest });
    lookup = 'given';
  } else if (anchor !== undefined) {
    const found = await findAnchor(store, anchor.digest);
    result = await walk(found);
    lookup = found === undefined ? 'missing' : 'found';
    // A broken link found by the walk comes first; otherwise the missing anchor is the finding.
    if (result.ok && found === undefined) result = { ok: false, problem: missingAnchor(anchor.digest, result.checkpoints), events: result.events };
  } else {
    result = await walk(undefined);
  }
  const last = result.ok ? await lastCheckpoint(store) : undefined;
  return { result, lookup, last };
};

/** `keyledger verify …`: exit 0 when the log is intact, 5 when a link is broken. */
export const verifyCommand = async (argv: readonly string[], io: ReadIo): Promise<ExitCode> => {
  const parsed = parseCommand(verifySpec, argv);
  if (parsed.help) {
    io.out(helpText(verifySpec));
    return ExitCode.ok;
  }
  const { values } = parsed;
  const { dataDir } = resolveCommonSettings(values, io.env);
  const anchor = values.anchor === undefined ? undefined : parseAnchor(values.anchor);
  const keyFile = values['public-key'] !== undefined ? resolve(values['public-key']) : join(dataDir, AUDIT_PUBLIC_KEY_FILE);
  const { result, lookup, last, keyId } = await withDataDir(
    dataDir,
    async (store, bar) => {
      // Read once the store is known to exist: a wrong --data-dir is the likelier mistake.
      const publicKey = readPublicKey(keyFile, values['public-key'] !== undefined);
      const outcome = await run(store, publicKey, anchor, bar).catch((e: unknown) => {
        throw new CliError(`cannot read the log in ${dataDir}: ${messageOf(e)}`);
      });
      return { ...outcome, keyId: auditKeyId(publicKey) };
    },
    { terminal: io.terminal, label: 'verifying' },
  );
  const report = verifyReport({ result, lookup, last, keyFile, keyId });
  io.out(values.json === true ? `${JSON.stringify(report.json, null, 2)}\n` : report.text);
  return result.ok ? ExitCode.ok : ExitCode.tampered;
};

// What `keyledger verify` prints: the verdict first (a script can test the first word, a human
// reads the sentence), then what it rests on — which audit key, and the newest checkpoint's
// digest to keep somewhere else as the next run's --anchor. A clean result always says how many
// events no checkpoint covers yet, because their deletion is the one change verify cannot see.
import type { CheckpointData } from '../service/forensics/checkpointFormat.js';
import type { VerifyProblem, VerifyResult } from '../service/forensics/verify.js';
import { fields, plural } from './table.js';

/** How --anchor was applied: not given, given with its number, found by its digest, or absent. */
export type AnchorLookup = 'none' | 'given' | 'found' | 'missing';

export interface VerifyReportInput {
  readonly result: VerifyResult;
  readonly lookup: AnchorLookup;
  /** The newest checkpoint, read after a clean walk (so it is authentic). */
  readonly last: CheckpointData | undefined;
  readonly keyFile: string;
  readonly keyId: string;
}

export interface VerifyReport {
  readonly text: string;
  readonly json: Readonly<Record<string, unknown>>;
}

const uncoveredClause = (uncovered: number): string =>
  uncovered === 0
    ? 'every event is covered by a checkpoint'
    : `the last ${plural(uncovered, 'event')} ${uncovered === 1 ? 'is' : 'are'} not yet covered by a checkpoint`;

const problemFields = (p: VerifyProblem): (readonly [string, string])[] => [
  ['kind', p.kind],
  ['stream', p.stream],
  ['revision', String(p.revision)],
  ...(p.position === undefined ? [] : [['position', String(p.position)] as const]),
  ...(p.checkpoint === undefined ? [] : [['checkpoint', String(p.checkpoint)] as const]),
  ['detail', p.detail],
];

export const verifyReport = ({ result, lookup, last, keyFile, keyId }: VerifyReportInput): VerifyReport => {
  const auditKey = `${keyId} (${keyFile})`;
  if (!result.ok) {
    const { problem } = result;
    const text =
      `TAMPERED: ${problem.kind} at revision ${problem.revision} of ${problem.stream}\n` +
      fields([...problemFields(problem), ['checked', `${plural(result.events, 'event')} in order before stopping`], ['audit key', auditKey]]);
    return { text, json: { ok: false, problem, eventsChecked: result.events, auditKeyId: keyId, publicKeyFile: keyFile } };
  }
  const { events, streams, checkpoints, coveredPosition, uncovered } = result;
  const newest = last === undefined ? undefined : `${last.sequence}:${last.digest}`;
  const text =
    `OK: ${plural(events, 'event')} in ${plural(streams, 'stream')}, ${plural(checkpoints, 'checkpoint')}; ${uncoveredClause(uncovered)}\n` +
    fields([
      ['audit key', auditKey],
      ...(lookup === 'given' || lookup === 'found' ? [['anchor', 'the anchored checkpoint is in the log, unchanged'] as const] : []),
      [
        'newest checkpoint',
        newest === undefined
          ? 'none yet: the server signs one hourly and when it stops'
          : `${newest}\n(keep it outside this machine; pass it as --anchor to detect a rollback)`,
      ],
      ...(uncovered > 0
        ? [['note', `events after position ${coveredPosition} are chained but not signed yet:\ndeleting the newest of them cannot be detected without a later --anchor`] as const]
        : []),
    ]);
  return {
    text,
    json: {
      ok: true,
      events,
      streams,
      checkpoints,
      coveredPosition,
      uncovered,
      auditKeyId: keyId,
      publicKeyFile: keyFile,
      anchorChecked: lookup === 'given' || lookup === 'found',
      newestCheckpoint: last === undefined ? null : { sequence: last.sequence, position: last.position, at: last.at, digest: last.digest },
    },
  };
};

// What `keyledger history` prints: a timeline (who did what to the key or alias, when, by which
// request) up to the point asked about, then the state at that point. Text for people; with
// --json the same document as one JSON value, fit for jq.
import type { AsOf } from '../projections/asOf.js';
import type { AliasTarget, TimelineEntry } from '../service/history.js';
import type { Json, JsonObject } from '../store/eventStore.js';
import { type KeyStateView, withoutWrapped } from '../service/keyStateView.js';
import { fields, plural, shorten, table } from './table.js';

interface HistoryBase {
  /** The point asked about; empty means "now" (the whole log). */
  readonly asOf: AsOf;
  /** Revision and log position of the last event at or before the point; -1 and 0 when none. */
  readonly revision: number;
  readonly position: number;
  readonly timeline: readonly TimelineEntry[];
}

export interface KeyHistory extends HistoryBase {
  readonly resource: 'key';
  readonly arn: string;
  /** Null when the key did not exist yet at the point. */
  readonly state: KeyStateView | null;
}

export interface AliasHistory extends HistoryBase {
  readonly resource: 'alias';
  readonly aliasName: string;
  readonly arn: string;
  readonly status: 'Active' | 'Deleted' | 'Nonexistent';
  /** The key the alias named at the point; null unless Active. */
  readonly target: AliasTarget | null;
}

export type History = KeyHistory | AliasHistory;

export const historyJson = (h: History): string => `${JSON.stringify(h, withoutWrapped, 2)}\n`;

/** Fields a timeline row shows in its own columns, or that its subject already names. */
const IMPLIED = new Set(['at', 'keyId', 'keyArn', 'account', 'region', 'aliasName', 'aliasArn', 'wrapped']);
/** Hex identifiers are unique long before their end; 16 digits are enough to tell them apart. */
const HEX_IDS = new Set(['keyMaterialId', 'encryptionContextDigest']);

const isTag = (v: Json): v is { TagKey: string; TagValue: string } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v['TagKey'] === 'string' && typeof v['TagValue'] === 'string';

const valueText = (name: string, v: Json): string => {
  if (name === 'policy' && typeof v === 'string') return `<${v.length} chars>`;
  if (HEX_IDS.has(name) && typeof v === 'string') return shorten(v, 17);
  if (typeof v === 'string') return /^[^\s"]+$/.test(v) ? v : JSON.stringify(v);
  if (Array.isArray(v)) return v.map((item) => (isTag(item) ? `${item.TagKey}=${item.TagValue}` : valueText('', item))).join(',');
  return JSON.stringify(v, withoutWrapped) ?? '';
};

/**
 * `name=value …` for an event's data, without what the row's other columns show. `omit` holds
 * values equal to a column's (KeyUsed repeats its operation and request id in its data).
 */
const dataSummary = (data: JsonObject, omit: { readonly operation?: string | undefined; readonly requestId?: string | undefined } = {}): string =>
  Object.entries(data)
    .filter(([name, v]) => !IMPLIED.has(name) && !(name === 'operation' && v === omit.operation) && !(name === 'requestId' && v === omit.requestId))
    .map(([name, v]) => `${name}=${valueText(name, v)}`)
    .join(' ');

const asOfText = ({ time, position }: AsOf): string =>
  time === undefined && position === undefined
    ? 'now'
    : [time, position === undefined ? undefined : `log position ${position}`].filter((s) => s !== undefined).join(' and ');

const pointLine = (h: HistoryBase): string =>
  `As of ${asOfText(h.asOf)}: ${h.revision < 0 ? 'no events yet' : `${plural(h.timeline.length, 'event')}, the last at log position ${h.position}`}\n`;

const timelineTable = (entries: readonly TimelineEntry[]): string =>
  entries.length === 0
    ? ''
    : `\n${table(
        ['TIME', 'REV', 'EVENT', 'PRINCIPAL', 'OPERATION', 'REQUEST ID', 'DETAILS'],
        entries.map((e) => [
          e.at,
          String(e.revision),
          e.type,
          e.principalArn,
          e.operation,
          e.requestId,
          dataSummary(e.data, { operation: e.operation, requestId: e.requestId }),
        ]),
      )}`;

const materialsText = (s: KeyStateView): string =>
  s.KeyMaterials.map((m) => `${m.KeyMaterialId.slice(0, 16)}…  ${m.CreatedAt}${m.RotationType ? ` ${m.RotationType}` : ''}${m.Current ? '  (current)' : ''}`).join('\n');

const stateText = (s: KeyStateView): string =>
  fields([
    ['KeyState', s.KeyState],
    ['Description', s.Description],
    ['KeySpec', s.KeySpec],
    ['KeyUsage', s.KeyUsage],
    ['Enabled', String(s.Enabled)],
    ['CreationDate', s.CreationDate],
    ...(s.DeletionDate !== undefined ? [['DeletionDate', `${s.DeletionDate} (window ${s.PendingDeletionWindowInDays ?? '?'} days)`] as const] : []),
    ...(s.DeletedAt !== undefined ? [['DeletedAt', `${s.DeletedAt} (material destroyed)`] as const] : []),
    ['KeyRotationEnabled', s.KeyRotationEnabled ? `true, every ${s.RotationPeriodInDays ?? '?'} days` : 'false'],
    ['Key materials', `${s.KeyMaterials.length}, ${plural(s.OnDemandRotations, 'on-demand rotation')}\n${materialsText(s)}`],
    ['Tags', s.Tags.map((t) => `${t.TagKey}=${t.TagValue}`).join(', ')],
    ['Aliases', s.Aliases.join(', ')],
    ['Policy', `${s.Policy.length} characters (--json prints it)`],
  ]);

const keyText = (h: KeyHistory): string =>
  [
    `Key ${h.arn}\n`,
    pointLine(h),
    timelineTable(h.timeline),
    h.state === null ? '\nState: the key did not exist yet\n' : `\nState as of then:\n${stateText(h.state)}`,
  ].join('');

const aliasStateText = (h: AliasHistory): string => {
  if (h.target !== null) {
    const state = h.target.keyState === null ? '' : ` (${h.target.keyState} then)`;
    return `${h.aliasName} named key ${h.target.keyId}${state}\n  ${h.target.keyArn}\n`;
  }
  return h.status === 'Deleted' ? `${h.aliasName} was deleted\n` : `${h.aliasName} did not exist yet\n`;
};

const aliasText = (h: AliasHistory): string =>
  [`Alias ${h.aliasName} (${h.arn})\n`, pointLine(h), `\n${aliasStateText(h)}`, timelineTable(h.timeline)].join('');

export const historyText = (h: History): string => (h.resource === 'key' ? keyText(h) : aliasText(h));

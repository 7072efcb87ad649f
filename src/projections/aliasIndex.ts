// The alias index: each alias's state and revision, the aliases of each account and Region in
// name order (ListAliases), and the aliases pointing at each key (ListAliases with KeyId, the
// 50-aliases-per-key limit, and resolving `alias/…` key references).
import { aliasDecider } from '../domain/alias/index.js';
import type { AliasEvent } from '../domain/alias/events.js';
import type { Alias } from '../domain/alias/state.js';
import type { RecordedEvent } from '../store/eventStore.js';
import type { Projection } from './projection.js';

export interface AliasEntry {
  readonly alias: Alias;
  readonly revision: number;
}

const ALIAS_STREAM = 'alias-';

export class AliasIndex implements Projection {
  readonly name = 'aliases';
  private readonly byArn = new Map<string, AliasEntry>();
  private readonly byTarget = new Map<string, Set<string>>();

  apply(event: RecordedEvent): void {
    if (!event.stream.startsWith(ALIAS_STREAM)) return;
    const arn = event.stream.slice(ALIAS_STREAM.length);
    const before = this.byArn.get(arn);
    const alias = aliasDecider.evolve(before?.alias ?? aliasDecider.initialState, event as unknown as AliasEvent);
    this.byArn.set(arn, { alias, revision: event.revision });
    const oldTarget = before?.alias.status === 'Active' ? targetArnOf(arn, before.alias.targetKeyId) : undefined;
    const newTarget = alias.status === 'Active' ? targetArnOf(arn, alias.targetKeyId) : undefined;
    if (oldTarget === newTarget) return;
    if (oldTarget) this.byTarget.get(oldTarget)?.delete(arn);
    if (newTarget) {
      const set = this.byTarget.get(newTarget) ?? new Set<string>();
      set.add(arn);
      this.byTarget.set(newTarget, set);
    }
  }

  /** Every alias's entry, sorted by ARN: what a rebuild is compared on. */
  snapshot(): [string, AliasEntry][] {
    return [...this.byArn.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  get(aliasArn: string): AliasEntry | undefined {
    return this.byArn.get(aliasArn);
  }

  /** Alias ARNs currently pointing at a key. */
  aliasesOf(keyArn: string): readonly string[] {
    return [...(this.byTarget.get(keyArn) ?? [])];
  }

  /** Active aliases whose ARN starts with `prefix` (an account and Region), sorted by name. */
  activeIn(prefix: string): AliasEntry[] {
    const out: AliasEntry[] = [];
    for (const [arn, entry] of this.byArn) if (arn.startsWith(prefix) && entry.alias.status === 'Active') out.push(entry);
    return out.sort((a, b) => (aliasName(a) < aliasName(b) ? -1 : aliasName(a) > aliasName(b) ? 1 : 0));
  }
}

/** An alias and its target share an account and Region: `arn:aws:kms:r:a:alias/x` → `…:key/<id>`. */
const targetArnOf = (aliasArn: string, keyId: string): string =>
  `${aliasArn.slice(0, aliasArn.indexOf(':alias/'))}:key/${keyId}`;

const aliasName = (e: AliasEntry): string => (e.alias.status === 'Active' ? e.alias.aliasName : '');

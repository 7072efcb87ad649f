// `keyledger rebuild --reindex`: the store's persisted projections rebuilt from zero. The
// secondary indexes of schema migration 3 are derived from the events alone; REINDEX drops
// and recomputes each from the table (sqlite.org/lang_reindex.html), which is what an operator
// wants after restoring a file whose indexes are in doubt. It writes, so the server must be
// stopped (the caller holds the data directory's lock).
import { openWriteConnection } from './schema.js';

/** The indexes a rebuild recomputes. */
export const SECONDARY_INDEXES = ['events_by_stream_type', 'events_by_request'] as const;

export const reindexSqliteStore = (path: string): { readonly indexes: readonly string[] } => {
  const db = openWriteConnection(path);
  try {
    for (const index of SECONDARY_INDEXES) db.exec(`REINDEX ${index}`);
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`SQLite's integrity check of ${path} after REINDEX says: ${String(check)}`);
    return { indexes: SECONDARY_INDEXES };
  } finally {
    db.close();
  }
};

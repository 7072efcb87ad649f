// The admin API's audit thread (src/service/admin/auditThread.ts) on a real SQLite file: its
// pages are the pages computed on the main thread, it sees what is committed after it started,
// a stale token is refused with the same KMS error, and it stops when idle or closed and
// starts again when asked.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPage } from '../../src/service/admin/auditLookup.js';
import { AuditThread } from '../../src/service/admin/auditThread.js';
import type { AuditFilter } from '../../src/projections/auditFilter.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { isKmsError } from '../../src/domain/errors.js';
import { tempDir } from '../store/helpers.js';
import { type Harness, openHarness } from './harness.js';

const dir = tempDir();
const path = join(dir.dir, 'keyledger.db');
let opened: SqliteStore;
let h: Harness;
let keyArn: string;

beforeAll(async () => {
  opened = await openSqliteStore({ path });
  h = await openHarness({ store: opened.store, vault: opened.vault });
  keyArn = (await h.call('CreateKey', {})).KeyMetadata.Arn;
  for (let i = 0; i < 230; i++) {
    h.clock.advanceMs(1000);
    await h.call('Encrypt', { KeyId: keyArn, Plaintext: new Uint8Array([i]) }, i % 3 === 0 ? { principalArn: 'arn:aws:iam::111122223333:user/bob' } : {});
  }
  await h.call('DescribeKey', { KeyId: 'alias/none' }).catch(() => undefined);
});

afterAll(async () => {
  await opened.close();
  dir.remove();
});

/** Every page of `filter` through `page`, with the tokens that chained them. */
const allPages = async (page: (filter: AuditFilter, input: { Limit?: number; NextToken?: string }) => Promise<{ Records: readonly unknown[]; NextToken?: string }>, filter: AuditFilter) => {
  const pages: { Records: readonly unknown[]; NextToken?: string }[] = [];
  let token: string | undefined;
  do {
    const p = await page(filter, { Limit: 100, ...(token !== undefined ? { NextToken: token } : {}) });
    pages.push(p);
    token = p.NextToken;
  } while (token !== undefined);
  return pages;
};

describe('the audit thread', () => {
  it("answers every page as the main thread computes it, and sees what was committed after it started", async () => {
    const thread = new AuditThread(path);
    try {
      for (const filter of [{ keyArn }, { principalArn: 'arn:aws:iam::111122223333:user/bob' }, { since: '2026-01-01T00:01:00.000Z', until: '2026-01-01T00:02:00.000Z' }, {}]) {
        const there = await allPages((f, p) => thread.page(f, p), filter);
        const here = await allPages((f, p) => auditPage(opened.store, f, p), filter);
        expect(there).toEqual(here);
        expect(there.flatMap((p) => p.Records).length).toBeGreaterThan(0);
      }
      const before = (await allPages((f, p) => thread.page(f, p), { keyArn })).flatMap((p) => p.Records).length;
      await h.call('Encrypt', { KeyId: keyArn, Plaintext: new Uint8Array([1]) });
      const after = (await allPages((f, p) => thread.page(f, p), { keyArn })).flatMap((p) => p.Records).length;
      expect(after).toBe(before + 1);
    } finally {
      await thread.close();
    }
  });

  it('refuses a token of another question with InvalidMarkerException, as the main thread does', async () => {
    const thread = new AuditThread(path);
    try {
      const first = await thread.page({ keyArn }, { Limit: 10 });
      expect(first.NextToken).toBeDefined();
      const refusal = await thread.page({ principalArn: 'arn:aws:iam::111122223333:user/bob' }, { NextToken: first.NextToken! }).catch((e: unknown) => e);
      expect(isKmsError(refusal) && refusal.code).toBe('InvalidMarkerException');
      // The thread is still there for the next question.
      expect((await thread.page({ keyArn }, { Limit: 1 })).Records).toHaveLength(1);
    } finally {
      await thread.close();
    }
  });

  it('stops when idle and starts again when asked; once closed, it refuses', async () => {
    const thread = new AuditThread(path, { idleMs: 50 });
    const once = await thread.page({ keyArn }, { Limit: 5 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((thread as unknown as { running: unknown }).running).toBeUndefined();
    expect(await thread.page({ keyArn }, { Limit: 5 })).toEqual(once);
    await thread.close();
    await expect(thread.page({ keyArn }, {})).rejects.toThrow('closed');
  });

  it('close waits for a thread that an idle stop had begun to stop', async () => {
    const thread = new AuditThread(path, { idleMs: 5 });
    await thread.page({ keyArn }, { Limit: 1 });
    const internals = thread as unknown as { running: { worker: Worker } | undefined };
    const worker = internals.running!.worker;
    let exited = false;
    worker.once('exit', () => {
      exited = true;
    });
    // The idle stop has begun (the thread is no longer the running one) but has not yet ended.
    while (internals.running !== undefined) await new Promise((resolve) => setImmediate(resolve));
    await thread.close();
    expect(exited).toBe(true);
  });

  it('leaves a process started with --expose-gc its gc, in the contexts it makes later', async () => {
    const script = [
      "import { runInNewContext } from 'node:vm';",
      `import { AuditThread } from ${JSON.stringify(pathToFileURL(resolve('src/service/admin/auditThread.ts')).href)};`,
      `const thread = new AuditThread(${JSON.stringify(path)});`,
      'await thread.page({}, { Limit: 1 });',
      'await thread.close();',
      "process.stdout.write(runInNewContext('typeof gc'));",
    ].join('\n');
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(stdout).toBe('function');
  });

  it('refuses a page that outgrows its time or the heap with LimitExceededException, and serves the next', async () => {
    const slow = new AuditThread(path, { deadlineMs: 1 });
    try {
      // Started, then given a millisecond for a page of the whole trail: the thread is stopped,
      // and the lookup right after it (its page refused the same way) goes to a new thread.
      for (let i = 0; i < 2; i++) {
        const refusal = await slow.page({}, { Limit: 1000 }).catch((e: unknown) => e);
        expect(isKmsError(refusal) && refusal.code).toBe('LimitExceededException');
      }
    } finally {
      await slow.close();
    }
    const small = new AuditThread(path, { resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 2 } });
    try {
      const refusal = await small.page({}, { Limit: 1000 }).catch((e: unknown) => e);
      expect(isKmsError(refusal) && refusal.code).toBe('LimitExceededException');
    } finally {
      await small.close();
    }
    const thread = new AuditThread(path);
    try {
      expect((await thread.page({ keyArn }, { Limit: 2 })).Records).toHaveLength(2);
    } finally {
      await thread.close();
    }
  });

  it('refuses lookups beyond eight in flight, and answers the others', async () => {
    const thread = new AuditThread(path);
    try {
      const outcomes = await Promise.all(Array.from({ length: 12 }, () => thread.page({ keyArn }, { Limit: 3 }).then(() => 'answered', (e: unknown) => (isKmsError(e) ? e.code : 'failed'))));
      expect(outcomes.filter((o) => o === 'answered')).toHaveLength(8);
      expect(outcomes.filter((o) => o === 'LimitExceededException')).toHaveLength(4);
    } finally {
      await thread.close();
    }
  });

  it('fails a lookup, not the process, when the thread cannot open the file', async () => {
    const thread = new AuditThread(join(dir.dir, 'no-such.db'));
    const failure = await thread.page({ keyArn }, {}).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(isKmsError(failure)).toBe(false);
    await thread.close();
  });
});

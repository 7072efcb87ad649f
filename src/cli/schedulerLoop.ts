// Periodic work of a running server: the service's scheduler (automatic rotations, deletions
// whose waiting period ended) and signed checkpoints of the hash chain. The service decides
// what is due from its injected clock; this only decides *when to ask*: once at start, before
// the first request is served — so a key whose deletion came due while the server was down is
// gone before anyone can use it — then every interval. Runs never overlap: a slow run makes the
// next tick a no-op.
import type { SchedulerRun } from '../service/scheduler.js';
import { messageOf } from './cliError.js';
import type { Logger } from './logger.js';

export interface Periodic {
  /** Cancels the timer and waits for a run in progress. */
  stop(): Promise<void>;
  /** Runs the task now (after any run in progress), e.g. one last time at shutdown. */
  runNow(): Promise<void>;
}

/** Runs `task` now, then every `intervalMs`; a failed run is logged and retried by the next tick. */
export const startPeriodic = async (name: string, task: () => Promise<void>, intervalMs: number, logger: Logger): Promise<Periodic> => {
  let running: Promise<void> | undefined;
  const runOnce = (): Promise<void> => {
    running ??= task()
      .catch((e: unknown) => logger.error(`${name} failed`, { reason: messageOf(e) }))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  await runOnce();
  const timer = setInterval(() => void runOnce(), intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
    runNow: async () => {
      await running;
      await runOnce();
    },
  };
};

export interface Schedulable {
  runScheduler(): Promise<SchedulerRun>;
}

export const startSchedulerLoop = (kms: Schedulable, intervalMs: number, logger: Logger): Promise<Periodic> =>
  startPeriodic(
    'scheduler run',
    async () => {
      const run = await kms.runScheduler();
      if (run.rotated.length + run.deleted.length > 0) logger.info('scheduler run', { rotated: run.rotated.length, deleted: run.deleted.length });
    },
    intervalMs,
    logger,
  );

export interface Checkpointing {
  appendCheckpoint(): Promise<unknown>;
}

/**
 * Signed checkpoints (default hourly): one at start, which also creates the audit key and
 * exports its public half, one every interval, and — through `runNow` — one at clean shutdown,
 * so a stopped server's log is covered to its last event.
 */
export const startCheckpointLoop = (kms: Checkpointing, intervalMs: number, logger: Logger): Promise<Periodic> =>
  startPeriodic('checkpoint', async () => void (await kms.appendCheckpoint()), intervalMs, logger);

// Drives the service's scheduler (automatic rotations, deletions whose waiting period ended)
// on a timer. The service decides what is due from its injected clock; this only decides
// *when to ask*: once at start, before the first request is served — so a key whose deletion
// came due while the server was down is gone before anyone can use it — then every interval.
// Runs never overlap: a slow run (many keys due at once) makes the next tick a no-op.
import type { SchedulerRun } from '../service/scheduler.js';
import { messageOf } from './cliError.js';
import type { Logger } from './logger.js';

export interface Schedulable {
  runScheduler(): Promise<SchedulerRun>;
}

export interface SchedulerLoop {
  /** Cancels the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

export const startSchedulerLoop = async (kms: Schedulable, intervalMs: number, logger: Logger): Promise<SchedulerLoop> => {
  let running: Promise<void> | undefined;

  const runOnce = (): Promise<void> => {
    running ??= kms
      .runScheduler()
      .then(
        (run) => {
          if (run.rotated.length + run.deleted.length > 0) {
            logger.info('scheduler run', { rotated: run.rotated.length, deleted: run.deleted.length });
          }
        },
        // A failed run is retried by the next tick; the server keeps serving.
        (e: unknown) => logger.error('scheduler run failed', { reason: messageOf(e) }),
      )
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
  };
};

// The serve command's scheduler timer: one run before it returns (so due deletions happen
// before the first request), then one per interval, never two at once, failures logged and
// retried, and stop() waits for a run in progress.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/cli/logger.js';
import { startSchedulerLoop } from '../../src/cli/schedulerLoop.js';
import type { SchedulerRun } from '../../src/service/scheduler.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const fakeService = (runMs: number, fail = () => false) => {
  const state = { runs: 0, concurrent: 0, maxConcurrent: 0 };
  return {
    state,
    runScheduler: async (): Promise<SchedulerRun> => {
      state.runs++;
      state.concurrent++;
      state.maxConcurrent = Math.max(state.maxConcurrent, state.concurrent);
      await sleep(runMs);
      state.concurrent--;
      if (fail()) throw new Error('store unavailable');
      return { rotated: ['arn:aws:kms:us-east-1:111122223333:key/x'], deleted: [] };
    },
  };
};

describe('startSchedulerLoop', () => {
  it('runs once before returning, then on the interval, never overlapping', async () => {
    const lines: string[] = [];
    const service = fakeService(30);
    const loop = await startSchedulerLoop(service, 10, createLogger((l) => void lines.push(l)));
    expect(service.state.runs).toBe(1);
    await sleep(200);
    await loop.stop();
    expect(service.state.runs).toBeGreaterThan(2);
    expect(service.state.maxConcurrent).toBe(1);
    const runs = service.state.runs;
    await sleep(50);
    expect(service.state.runs).toBe(runs); // stopped
    expect(lines[0]).toMatch(/ info scheduler run rotated=1 deleted=0$/);
  });

  it('logs a failed run and keeps going', async () => {
    const lines: string[] = [];
    let calls = 0;
    const service = fakeService(1, () => ++calls === 1);
    const loop = await startSchedulerLoop(service, 10, createLogger((l) => void lines.push(l)));
    await sleep(60);
    await loop.stop();
    expect(lines[0]).toMatch(/ error scheduler run failed reason="store unavailable"$/);
    expect(service.state.runs).toBeGreaterThan(1);
  });

  it('stop() waits for the run in progress', async () => {
    const service = fakeService(80);
    const loop = await startSchedulerLoop(service, 5, createLogger(() => undefined));
    await sleep(10); // a second run has started
    const t0 = Date.now();
    await loop.stop();
    expect(service.state.concurrent).toBe(0);
    expect(Date.now() - t0).toBeGreaterThan(40);
  });
});

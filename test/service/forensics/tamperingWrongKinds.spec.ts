// Columns of the wrong kind (fbb81f5, 23fcc85) on the rows those commits' tests leave out: the
// checkpoint stream's. verify reads a checkpoint's data as JSON before it walks the log, so text
// that is no JSON there made verify throw a SyntaxError instead of naming the checkpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_STREAM } from '../../../src/service/forensics/checkpointFormat.js';
import { buildDataDir, tamperAndVerify, type DataDir } from './tamperFixture.js';

let data: DataDir;
beforeAll(async () => {
  data = await buildDataDir();
});
afterAll(() => data.remove());

const positionOf = (stream: string, revision: number): number | undefined =>
  data.events.find((e) => e.stream === stream && e.revision === revision)?.position;

describe('verify on a checkpoint whose data is no JSON', () => {
  for (const value of ["'not json'", "X'00'", "'[1'"]) {
    it(`names checkpoint 0 as forged when its data is ${value}`, async () => {
      const result = await tamperAndVerify(data, (db) => {
        db.pragma('ignore_check_constraints = ON');
        db.prepare(`UPDATE events SET data = ${value} WHERE stream = ? AND revision = 0`).run(CHECKPOINT_STREAM);
      });
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.problem).toMatchObject({ kind: 'checkpoint-forged', stream: CHECKPOINT_STREAM, revision: 0, position: positionOf(CHECKPOINT_STREAM, 0) });
      }
    });
  }
});

import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../runtime/demo/wait.js';
import type { CheckpointPhases } from '../../../runtime/node/index.js';
import { multifdPair, stop } from './support/multifd-pair.js';

const PRIMARY_CHAIN = ['stop', 'ramSend', 'deviceState', 'ack', 'resume'] as const;

/** The phases that chain from STOP to the resume, each reached (finite) and in order (not negative). */
function chained(record: CheckpointPhases, names: readonly string[]): number {
  let sum = 0;
  for (const name of names) {
    const ms = record.phases[name]!;
    expect(ms, `${record.role} checkpoint ${record.checkpoint}: ${name}`).toBeGreaterThanOrEqual(0);
    sum += ms;
  }
  return sum;
}

describe('the pause clock: where each checkpoint went, measured at the nodes edges', () => {
  for (const multifd of [0, 2]) {
    it(`multifd ${multifd}: every checkpoint's phases on both sides, the primary's chain adding up to its pause`, async () => {
      const pair = await multifdPair(multifd, 3);
      try {
        const { primary, secondary } = pair;
        await waitFor(
          secondary,
          'the secondary recorded 3',
          () => secondary.pauseClock.checkpoints.length >= 3,
        );
        const mine = primary.pauseClock.checkpoints.slice(0, 3);
        expect(mine.map((r) => r.checkpoint)).toEqual([1, 2, 3]);
        for (const record of mine) {
          // the marks chain from STOP to the resume: their spans add up to the whole pause
          expect(chained(record, PRIMARY_CHAIN)).toBeCloseTo(record.phases.total!, 6);
          // under load pages were sent and hashed, and the stream's start is on the wall clock
          expect(record.phases.hash).toBeGreaterThan(0);
          expect(record.phases.cpu).toBeGreaterThan(0);
          expect(record.ramStartWallMs).toBeGreaterThan(0);
        }
        const theirs = secondary.pauseClock.checkpoints.slice(0, 3);
        expect(theirs.map((r) => r.checkpoint)).toEqual([1, 2, 3]);
        for (const [i, record] of theirs.entries()) {
          // the secondary's own steps fit in its pause (which starts at its STOP, before the primary's)
          const own = chained(record, ['ramLoad', 'flush', 'deviceLoad']);
          expect(own).toBeLessThanOrEqual(record.phases.total!);
          expect(record.phases.flush).toBeGreaterThan(0);
          // the secondary's EOF comes after the primary started the stream, on the shared wall clock
          expect(record.ramLoadedWallMs!).toBeGreaterThan(mine[i]!.ramStartWallMs!);
        }
        // the fdatasync after each checkpoint runs after the resume and is recorded when it is done
        await primary.sync();
        expect(mine[0]!.fsyncMs).toBeGreaterThanOrEqual(0);
      } finally {
        await stop(pair);
      }
    });
  }
});

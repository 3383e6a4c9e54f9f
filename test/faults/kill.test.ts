import { describe, expect, it } from 'vitest';
import { type KillOutcome, killRun } from './support/kill-run.js';

// a bounded loop here; bench/kill-loop.ts runs a longer one
const RUNS: Array<['primary' | 'secondary', number]> = [
  ['primary', 0],
  ['primary', 170],
  ['primary', 430],
  ['secondary', 90],
  ['secondary', 310],
];

describe('kill -9 of a node process during checkpoints', () => {
  // multifd 2: the kill also lands between a round's packets, its SYNC and the main channel's EOF; with
  // --multifd-workers the secondary's receive threads run in worker threads (pages stored off the main thread)
  for (const [multifd, workers] of [
    [0, false],
    [2, false],
    [2, true],
  ] as const) {
    const over =
      multifd === 0 ? 'the main channel' : `multifd ${multifd}${workers ? ' read by worker threads' : ''}`;
    const secondaryExtra = workers ? ['--multifd-workers'] : [];
    it(`over ${over}: the survivor fails over and keeps a whole checkpoint, every run`, {
      timeout: 300_000,
    }, async () => {
      const outcomes: Array<KillOutcome & { victim: string; delayMs: number }> = [];
      for (const [victim, delayMs] of RUNS)
        outcomes.push({ victim, delayMs, ...(await killRun(victim, delayMs, { multifd, secondaryExtra })) });
      const count = (v: KillOutcome['verdict']) => outcomes.filter((o) => o.verdict === v).length;
      console.log(
        `kill loop (${over}): ${outcomes.length} runs, ${count('failure')} failures, ${count('hang')} hangs`,
      );
      for (const o of outcomes)
        console.log(`  kill ${o.victim} after ${o.delayMs} ms: ${o.verdict} (${o.detail})`);
      expect(outcomes.filter((o) => o.verdict !== 'ok')).toEqual([]);
    });
  }
});

/**
 * The longer kill -9 loop (the test runs five): primary and secondary as OS processes in COLO, one killed
 * at a random moment during checkpoints, the survivor fails over. One JSON line per channel layout: runs,
 * failures, hangs.
 */

import { Prng } from '../runtime/guest/index.js';
import { type KillOutcome, killRun } from '../test/faults/support/kill-run.js';

/**
 * Runs `runs` kills, alternating victims, at seeded random delays up to 1.5 s into COLO, over the main
 * channel or `multifd` channels.
 */
export async function killLoopLine(runs: number, seed = 7, multifd = 0): Promise<object> {
  const rng = new Prng(seed);
  const outcomes: Array<KillOutcome & { victim: 'primary' | 'secondary' }> = [];
  for (let i = 0; i < runs; i++) {
    const victim = i % 3 === 2 ? ('secondary' as const) : ('primary' as const);
    outcomes.push({ victim, ...(await killRun(victim, rng.nextInt(1500), { multifd })) });
  }
  const count = (verdict: string) => outcomes.filter((o) => o.verdict === verdict).length;
  return {
    figure: 'kill-loop',
    multifd,
    runs,
    seed,
    primaryKills: outcomes.filter((o) => o.victim === 'primary').length,
    failures: count('failure'),
    hangs: count('hang'),
    meanResumedCheckpoint:
      outcomes.filter((o) => o.victim === 'primary').reduce((sum, o) => sum + o.checkpoints, 0) /
      Math.max(1, outcomes.filter((o) => o.victim === 'primary').length),
    problems: outcomes.filter((o) => o.verdict !== 'ok').map((o) => `${o.victim}: ${o.detail}`),
  };
}

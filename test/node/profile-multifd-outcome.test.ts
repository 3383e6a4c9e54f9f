import { describe, expect, it } from 'vitest';
import {
  awaitsFailover,
  type NodeState,
  PROFILE_NAMES,
  PROFILES,
  type ProfileName,
} from '../../machines/index.js';
import { type ColoState, checker, createColoModel, nodeOf, Property } from '../../model/index.js';
import { startPair } from '../../runtime/demo/run-demo.js';
import type { NodeRuntime } from '../../runtime/node/index.js';

/**
 * Profiles are read by the machines only, so QEMU 7.2 with multifd behaves the same in the checker and
 * in the runtime: real 7.2 accepts x-colo with multifd, reaches colo and fails the first checkpoint
 * (COLO_EXIT secondary/error); 11.0 checkpoints over multifd; without multifd both checkpoint.
 */
type Outcome = 'checkpoints complete' | 'the first checkpoint fails';

/** What the machines say a profile does with COLO over `multifd` channels. */
const expected = (profile: ProfileName, multifd: number): Outcome =>
  multifd === 0 || PROFILES[profile].coloMultifd ? 'checkpoints complete' : 'the first checkpoint fails';

/** The checker's outcome: every interleaving of one checkpoint, no faults. */
function checkerOutcome(profile: ProfileName, multifd: number): Outcome {
  const model = createColoModel({ profile, multifd, faults: 0, checkpoints: 1 });
  const completes = 'a checkpoint completes on both sides';
  const fails = "the secondary's COLO thread left its loop (COLO_EXIT)";
  const watched = Object.assign(Object.create(model) as typeof model, {
    properties: (): Property<ColoState>[] => [
      Property.sometimes(completes, (st) => st.s.facts.checkpoints >= 1 && st.p.facts.checkpoints >= 1),
      Property.sometimes(fails, (st) => awaitsFailover(nodeOf(st, 'secondary'))),
    ],
  });
  const report = checker(watched).spawnBfs();
  expect(report.complete).toBe(true);
  const seen = new Set(report.discoveries.filter((d) => !d.violation).map((d) => d.property));
  // exactly one of the two: a model where both or neither happen would be a different protocol
  expect(seen.has(completes)).not.toBe(seen.has(fails));
  return seen.has(completes) ? 'checkpoints complete' : 'the first checkpoint fails';
}

/** Resolves with the first of `nodes`' states (after any applied input) for which `done` is not null. */
function whenEither<T>(nodes: readonly NodeRuntime[], done: () => T | null): Promise<T> {
  return new Promise((resolve) => {
    const check = () => {
      const result = done();
      if (result === null) return;
      for (const node of nodes) node.off('applied', check);
      resolve(result);
    };
    for (const node of nodes) node.on('applied', check);
    check();
  });
}

/** The runtime's outcome: two nodes over loopback, driven into COLO over QMP, then one checkpoint. */
async function runtimeOutcome(profile: ProfileName, multifd: number): Promise<Outcome> {
  const pair = await startPair({
    profile: PROFILES[profile],
    ram: '4M',
    multifd,
    checkpoints: 1,
    failover: 'none',
    checkpointDelayMs: 50,
  });
  const { primary, secondary } = pair;
  const exited = (n: NodeState) => awaitsFailover(n);
  try {
    return await whenEither([primary, secondary], () => {
      if (primary.state.checkpoints >= 1 && secondary.state.checkpoints >= 1) return 'checkpoints complete';
      if (exited(secondary.state)) return 'the first checkpoint fails';
      return null;
    });
  } finally {
    for (const node of [primary, secondary]) {
      node.kill();
      await node.close();
    }
  }
}

describe('every profile × multifd: the checker and two runtime nodes agree', () => {
  for (const profile of PROFILE_NAMES) {
    for (const multifd of [0, 1, 2]) {
      const outcome = expected(profile, multifd);
      it(`${profile}, multifd ${multifd}: ${outcome}`, async () => {
        expect(checkerOutcome(profile, multifd)).toBe(outcome);
        expect(await runtimeOutcome(profile, multifd)).toBe(outcome);
      }, 120_000);
    }
  }
});

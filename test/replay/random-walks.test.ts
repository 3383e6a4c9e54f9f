import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ColoAction, type ColoModelOptions, createColoModel } from '../../model/index.js';
import { replayFile } from '../../replay/index.js';
import { Prng } from '../../runtime/guest/index.js';
import { tempDir } from './support.js';

/** Configurations with every fault kind, multifd, both profiles and fixes switched off. */
const CONFIGS: readonly ColoModelOptions[] = [
  { faults: 2, checkpoints: 2 },
  { multifd: 1, faults: 1, checkpoints: 2 },
  { multifd: 2, faults: 2, checkpoints: 2 },
  { multifd: 2, withoutFix: ['multifd-kick-on-exit', 'release-cache-after-multifd'] },
  { profile: 'qemu-7.2', faults: 2, checkpoints: 2 },
  {
    faults: 3,
    checkpoints: 3,
    faultKinds: ['heartbeat', 'cancel', 'yank'],
    withoutFix: ['return-path-reuse'],
  },
];

/** A seeded random walk the model accepts (faults and triggers included), up to 60 steps. */
function walk(options: ColoModelOptions, seed: number): ColoAction[] {
  const model = createColoModel(options);
  const rng = new Prng(seed);
  let st = model.initStates()[0]!;
  const steps: ColoAction[] = [];
  for (let i = 0; i < 60; i++) {
    const out: ColoAction[] = [];
    model.actions(st, out);
    const action = out[rng.nextInt(out.length)];
    const next = action && model.nextState(st, action);
    if (!action || !next) break;
    steps.push(action);
    st = next;
  }
  return steps;
}

describe('replay: random interleavings run on the runtime exactly as in the model', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });

  it('72 seeded walks over 6 configurations: every step taken, every node equal after it', async () => {
    const diverged: string[] = [];
    let steps = 0;
    for (let seed = 1; seed <= 72; seed++) {
      const options = CONFIGS[seed % CONFIGS.length]!;
      const path = join(dir, `walk-${seed}.json`);
      const actions = walk(options, seed);
      steps += actions.length;
      await writeFile(
        path,
        JSON.stringify({ options, property: 'walk', steps: actions.map((action) => ({ action })) }),
      );
      const report = await replayFile(path, { logDir: join(dir, `logs-${seed}`) });
      if (!report.matched) diverged.push(`seed ${seed}: ${JSON.stringify(report.divergence)}`);
    }
    expect(diverged).toEqual([]);
    expect(steps).toBeGreaterThan(500); // walks end early once a fault leaves nothing to do
    // a guard against a hang, not a speed target: 17 s alone, 21-30 s beside other suites on 2 loaded cores
  }, 120_000);
});

import { describe, expect, it } from 'vitest';
import { replay } from '../../../model/engine/trace.js';
import { indexTrace } from '../../../model/engine/worker-liveness.js';
import { checker, type Model, Property } from '../../../model/index.js';
import { sideExit, starvation } from './support/liveness-models.js';

const module = new URL('./support/worker-models.ts', import.meta.url).href;

describe('liveness with workers: the pass runs in a worker, the trace crosses as indexes', () => {
  it('a terminal counterexample comes back as one thread finds it', async () => {
    const r = await checker(sideExit()).workers(2, { module, export: 'createSideExit' }).spawnParallelBfs();
    const v = r.violations.find((d) => d.property === 'goal');
    expect(v?.kind).toBe('liveness');
    expect(v?.trace?.states).toEqual([0, 1, 9]);
    expect(v?.trace?.loopStart).toBeUndefined();
  });

  it('a lasso keeps its loop start, and fair models stay clean, on 2 and 3 workers', async () => {
    for (const k of [2, 3]) {
      const options = { spin: 3, blocked: false, fair: false };
      const one = checker(starvation(3, false, false)).spawnBfs();
      const r = await checker(starvation(3, false, false))
        .workers(k, { module, export: 'createStarvation', options })
        .spawnParallelBfs();
      const trace = (x: typeof one) => x.violations.find((d) => d.property === 'worker done')!.trace!;
      expect(trace(r).loopStart).toBe(trace(one).loopStart);
      expect(trace(r).actions).toEqual(trace(one).actions);
      expect(trace(r).states.map((s) => Array.from(s))).toEqual(trace(one).states.map((s) => Array.from(s)));
      const fair = await checker(starvation(3, false, true))
        .workers(k, { module, export: 'createStarvation', options: { ...options, fair: true } })
        .spawnParallelBfs();
      expect(fair.violations).toEqual([]);
    }
  });

  it('an incomplete search runs no liveness pass', async () => {
    const r = await checker(starvation(3, false, false))
      .targetMaxDepth(1)
      .workers(2, { module, export: 'createStarvation', options: { spin: 3, blocked: false, fair: false } })
      .spawnParallelBfs();
    expect(r.complete).toBe(false);
    expect(r.violations).toEqual([]);
  });
});

describe('indexTrace', () => {
  // Actions are fresh objects on every call, so only the successor's fingerprint can name them; two
  // actions from 0 lead to different states, so picking the first enabled one would be wrong.
  const fresh: Model<number, { to: number }> = {
    initStates: () => [5, 0],
    actions(s, out) {
      if (s === 0) out.push({ to: 1 }, { to: 2 });
      if (s === 2) out.push({ to: 2 }, { to: 0 });
    },
    nextState: (_s, a) => a.to,
    properties: () => [Property.eventually<number>('never', () => false)],
    encode: (s) => BigInt(s),
  };

  it('names each step by the successor it reaches when actions are not the same objects again', () => {
    const trace = { states: [0, 2, 2, 0], actions: [{ to: 2 }, { to: 2 }, { to: 0 }], loopStart: 1 };
    const indexed = indexTrace(fresh, trace);
    expect(indexed).toEqual({ init: 1, steps: [1, 0, 1], loopStart: 1 });
    expect(replay(fresh, indexed.init, indexed.steps).states).toEqual(trace.states);
  });

  it('refuses a trace the model cannot take', () => {
    expect(() => indexTrace(fresh, { states: [0, 7], actions: [{ to: 7 }] })).toThrow(/matches no action/);
  });
});

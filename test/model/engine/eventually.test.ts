import { describe, expect, it } from 'vitest';
import { checker } from '../../../model/index.js';
import { counters } from './support/counters.js';
import { sideExit, starvation } from './support/liveness-models.js';

describe('eventually (liveness)', () => {
  it('a terminal state that never reached the goal is a counterexample', () => {
    const r = checker(sideExit()).spawnBfs();
    const v = r.violations.find((d) => d.property === 'goal');
    expect(v?.kind).toBe('liveness');
    expect(v?.trace?.states).toEqual([0, 1, 9]);
    expect(v?.trace?.loopStart).toBeUndefined();
  });

  it('without fairness a spinning process starves the worker: a lasso', () => {
    const r = checker(starvation(3, false, false)).spawnBfs();
    const t = r.violations.find((d) => d.property === 'worker done')!.trace!;
    expect(t.loopStart).toBe(0);
    expect(t.states.every((s) => s[0] === 0)).toBe(true);
    expect(Array.from(t.states.at(-1)!)).toEqual(Array.from(t.states[t.loopStart!]!));
    expect(t.actions).toEqual([1, 1, 1]);
  });

  it('weak fairness excludes starving a continuously enabled worker', () => {
    const r = checker(starvation(3, false, true)).spawnBfs();
    expect(r.violations).toEqual([]);
  });

  it('weak fairness still allows starving a worker that is enabled only now and then', () => {
    const r = checker(starvation(3, true, true)).spawnDfs();
    const t = r.violations.find((d) => d.property === 'worker done')!.trace!;
    expect(t.loopStart).toBeDefined();
    expect(t.actions.slice(t.loopStart)).toContain(1);
    expect(t.states.some((s) => s[1] !== 0)).toBe(true);
  });

  it('holds when every path reaches the predicate', () => {
    const m = counters(2, 2);
    m.properties = () => [{ name: 'someone counts', kind: 'eventually', holds: (s) => s[0]! + s[1]! > 0 }];
    expect(checker(m).spawnBfs().violations).toEqual([]);
  });

  it('is not checked on an incomplete run', () => {
    const r = checker(sideExit()).targetMaxDepth(1).spawnBfs();
    expect(r.complete).toBe(false);
    expect(r.violations).toEqual([]);
  });
});

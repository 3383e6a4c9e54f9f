import { describe, expect, it } from 'vitest';
import { checker } from '../../../model/index.js';
import { mutex } from './support/mutex.js';
import { philosophers } from './support/philosophers.js';

describe('seeded simulation', () => {
  it('finds the mutex violation with a valid trace', () => {
    const m = mutex(true);
    const r = checker(m).spawnSimulation(7, { maxDepth: 50 });
    const t = r.violations.find((d) => d.property === 'mutual exclusion')!.trace!;
    for (let i = 0; i < t.actions.length; i++) {
      expect(Array.from(m.nextState(t.states[i]!, t.actions[i]!)!)).toEqual(Array.from(t.states[i + 1]!));
    }
    expect(r.complete).toBe(false);
  });

  it('is reproducible: the same seed gives the same trace and counts', () => {
    const run = (seed: number) => checker(philosophers(5)).spawnSimulation(seed, { maxDepth: 40, runs: 50 });
    const a = run(42);
    const b = run(42);
    expect(b.states).toBe(a.states);
    expect(b.transitions).toBe(a.transitions);
    const trace = (r: typeof a) => r.violations.find((d) => d.kind === 'deadlock')?.trace?.actions;
    expect(trace(b)).toEqual(trace(a));
    expect(trace(a)).toBeDefined();
  });

  it('different seeds walk differently', () => {
    const sig = (seed: number) =>
      JSON.stringify(checker(philosophers(7)).spawnSimulation(seed, { maxDepth: 30, runs: 3 }).transitions);
    const sigs = new Set([1, 2, 3, 4, 5].map(sig));
    expect(sigs.size).toBeGreaterThan(1);
  });

  it('an unseen sometimes-property is not a violation (simulation is never complete)', () => {
    const m = mutex(false);
    m.properties = () => [{ name: 'never', kind: 'sometimes', holds: () => false }];
    expect(checker(m).spawnSimulation(1, { runs: 5 }).violations).toEqual([]);
  });
});

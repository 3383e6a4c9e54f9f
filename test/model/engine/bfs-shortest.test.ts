import { describe, expect, it } from 'vitest';
import { checker } from '../../../model/index.js';
import { mutex } from './support/mutex.js';
import { philosophers } from './support/philosophers.js';

describe('BFS counterexamples are shortest', () => {
  it('finds the 4-step mutual exclusion violation of the split test-and-set', () => {
    const report = checker(mutex(true)).spawnBfs();
    const v = report.violations.find((d) => d.property === 'mutual exclusion');
    expect(v?.kind).toBe('safety');
    expect(v?.trace?.actions).toHaveLength(4);
    expect(v?.trace?.states).toHaveLength(5);
    const last = v!.trace!.states[4]!;
    expect([last[0], last[1]]).toEqual([2, 2]);
  });

  it('the atomic mutex has no violation and a complete run', () => {
    const report = checker(mutex(false)).spawnBfs();
    expect(report.complete).toBe(true);
    expect(report.violations).toEqual([]);
    expect(report.states).toBe(3);
  });

  it('reports the deadlock of 5 philosophers after exactly 5 steps', () => {
    const report = checker(philosophers(5)).spawnBfs();
    const d = report.violations.find((x) => x.kind === 'deadlock');
    expect(d?.trace?.actions).toHaveLength(5);
    expect(Array.from(d!.trace!.states[5]!)).toEqual([1, 1, 1, 1, 1]);
  });

  it('replayed traces are real paths of the model', () => {
    const m = mutex(true);
    const t = checker(m).spawnBfs().violations[0]!.trace!;
    for (let i = 0; i < t.actions.length; i++) {
      expect(Array.from(m.nextState(t.states[i]!, t.actions[i]!)!)).toEqual(Array.from(t.states[i + 1]!));
    }
  });
});

import { describe, expect, it } from 'vitest';
import { checker } from '../../../model/index.js';
import { mutex } from './support/mutex.js';
import { philosophers } from './support/philosophers.js';

describe('DFS', () => {
  it('finds the mutual exclusion violation with a valid trace', () => {
    const m = mutex(true);
    const v = checker(m)
      .spawnDfs()
      .violations.find((d) => d.property === 'mutual exclusion');
    expect(v).toBeDefined();
    const t = v!.trace!;
    expect(t.actions.length).toBeGreaterThanOrEqual(4);
    for (let i = 0; i < t.actions.length; i++) {
      expect(Array.from(m.nextState(t.states[i]!, t.actions[i]!)!)).toEqual(Array.from(t.states[i + 1]!));
    }
  });

  it('finds the philosophers deadlock', () => {
    const d = checker(philosophers(4))
      .spawnDfs()
      .violations.find((x) => x.kind === 'deadlock');
    expect(Array.from(d!.trace!.states.at(-1)!)).toEqual([1, 1, 1, 1]);
  });

  it('a depth bound makes the run incomplete', () => {
    const r = checker(philosophers(4)).targetMaxDepth(2).spawnDfs();
    expect(r.complete).toBe(false);
    expect(r.maxDepth).toBeLessThanOrEqual(2);
  });
});

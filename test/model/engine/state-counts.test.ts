import { describe, expect, it } from 'vitest';
import { checker } from '../../../model/index.js';
import { bruteForceCount } from './support/brute-force.js';
import { counters } from './support/counters.js';
import { mutex } from './support/mutex.js';
import { peterson } from './support/peterson.js';
import { philosophers } from './support/philosophers.js';

describe('exact state counts', () => {
  const models = {
    'buggy mutex': mutex(true),
    peterson: peterson(),
    'philosophers 6': philosophers(6),
    'counters 3x4': counters(3, 4),
  };
  for (const [name, model] of Object.entries(models)) {
    it(`${name}: BFS and DFS count what brute force counts`, () => {
      const expected = bruteForceCount(model);
      const bfs = checker(model).spawnBfs();
      const dfs = checker(model).spawnDfs();
      expect(bfs.complete).toBe(true);
      expect(bfs.states).toBe(expected);
      expect(dfs.states).toBe(expected);
      expect(dfs.transitions).toBe(bfs.transitions);
    });
  }

  it('counters(3, 4) has 5^3 states', () => {
    expect(checker(counters(3, 4)).spawnBfs().states).toBe(125);
  });

  it('Peterson keeps mutual exclusion and never deadlocks', () => {
    const r = checker(peterson()).spawnBfs();
    expect(r.violations).toEqual([]);
    expect(r.discoveries.map((d) => d.property)).toEqual(['both waiting']);
  });
});

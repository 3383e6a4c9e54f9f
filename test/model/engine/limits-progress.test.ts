import { describe, expect, it } from 'vitest';
import { checker, type Progress } from '../../../model/index.js';
import { counters } from './support/counters.js';

function slow(processes: number, n: number, microseconds: number) {
  const m = counters(processes, n);
  const next = m.nextState.bind(m);
  m.nextState = (s, a) => {
    // Busy-wait so the run lasts long enough for progress samples, without timers.
    const until = performance.now() + microseconds / 1000;
    while (performance.now() < until) {}
    return next(s, a);
  };
  return m;
}

describe('limits and progress', () => {
  it('reports progress at most every 500 ms', () => {
    const samples: [number, Progress][] = [];
    const r = checker(slow(1, 250, 1000))
      .onProgress((p) => samples.push([performance.now(), p]))
      .spawnDfs();
    expect(r.states).toBe(251);
    expect(samples.length).toBe(0);
    const bfs: [number, Progress][] = [];
    checker(slow(2, 100, 100))
      .onProgress((p) => bfs.push([performance.now(), p]))
      .spawnBfs();
    expect(bfs.length).toBeGreaterThan(0);
    for (let i = 1; i < bfs.length; i++) expect(bfs[i]![0] - bfs[i - 1]![0]).toBeGreaterThanOrEqual(500);
    expect(bfs[0]![1].statesPerSecond).toBeGreaterThan(0);
  });

  it('stops at the state target and at the timeout, incomplete', () => {
    const target = checker(counters(3, 20)).targetStateCount(1000).spawnBfs();
    expect(target.states).toBe(1000);
    expect(target.complete).toBe(false);
    const timed = checker(slow(2, 250, 50))
      .timeout(100)
      .spawnBfs();
    expect(timed.complete).toBe(false);
    expect(timed.states).toBeLessThan(251 * 251);
  });

  it('a depth bound stops BFS at that level', () => {
    const r = checker(counters(3, 20)).targetMaxDepth(2).spawnBfs();
    expect(r.maxDepth).toBe(2);
    expect(r.states).toBe(1 + 3 + 6);
    expect(r.complete).toBe(false);
  });
});

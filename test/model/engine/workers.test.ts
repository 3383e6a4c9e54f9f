import { describe, expect, it } from 'vitest';
import { checker } from '../../../model/index.js';
import { counters } from './support/counters.js';
import { mutex } from './support/mutex.js';
import { philosophers } from './support/philosophers.js';

const module = new URL('./support/factories.ts', import.meta.url).href;

describe('parallel BFS on worker threads', () => {
  it('two workers count what one thread counts, with and without symmetry', async () => {
    const one = checker(counters(4, 5)).spawnBfs();
    const options = { n: 4, max: 5 };
    const two = await checker(counters(4, 5))
      .workers(2, { module, export: 'createCounters', options })
      .spawnParallelBfs();
    expect(two.states).toBe(one.states);
    expect(two.transitions).toBe(one.transitions);
    expect(two.maxDepth).toBe(one.maxDepth);
    expect(two.complete).toBe(true);
    const sym = await checker(counters(4, 5))
      .symmetry()
      .workers(2, { module, export: 'createCounters', options })
      .spawnParallelBfs();
    expect(sym.states).toBe(checker(counters(4, 5)).symmetry().spawnBfs().states);
  });

  it('three workers find the same shortest mutex violation', async () => {
    const r = await checker(mutex(true))
      .workers(3, { module, export: 'createMutex', options: { buggy: true } })
      .spawnParallelBfs();
    const v = r.violations.find((d) => d.property === 'mutual exclusion')!;
    expect(v.trace!.actions).toHaveLength(4);
    expect(r.states).toBe(checker(mutex(true)).spawnBfs().states);
  });

  it('finds the philosophers deadlock in n steps', async () => {
    const r = await checker(philosophers(5))
      .workers(2, { module, export: 'createPhilosophers', options: { n: 5 } })
      .spawnParallelBfs();
    const d = r.violations.find((x) => x.kind === 'deadlock')!;
    expect(d.trace!.actions).toHaveLength(5);
  });

  it('needs a module to build the model in the workers', () => {
    expect(() => checker(mutex(true)).workers(2)).toThrow(/module/);
  });
});

import { describe, expect, it } from 'vitest';
import { checker } from '../../../model/index.js';
import { bruteForceCount } from './support/brute-force.js';
import { counters } from './support/counters.js';

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

describe('symmetry reduction', () => {
  it.each([
    [3, 4],
    [4, 3],
    [5, 2],
  ])('counters(%i, %i) reduce from (max+1)^n to C(n+max, n)', (n, max) => {
    const full = checker(counters(n, max)).spawnBfs();
    const reduced = checker(counters(n, max)).symmetry().spawnBfs();
    expect(full.states).toBe((max + 1) ** n);
    expect(reduced.states).toBe(binomial(n + max, n));
    expect(reduced.states).toBe(bruteForceCount(counters(n, max), true));
    expect(checker(counters(n, max)).symmetry().spawnDfs().states).toBe(reduced.states);
  });

  it('refuses symmetry() for a model without representative()', () => {
    const { representative: _, ...plain } = counters(2, 2);
    expect(() => checker(plain).symmetry()).toThrow(/representative/);
  });
});

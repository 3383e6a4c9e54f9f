import { describe, expect, it } from 'vitest';
import { runInProcess as run } from '../../support/run-in-process.js';

interface CheckJson {
  states: number;
  partialOrder: boolean;
  properties: { property: string; verdict: string }[];
}

describe('lockstep check --por', () => {
  it('gives the full search verdicts and exit code from fewer states', async () => {
    const base = ['check', '--multifd', '1', '--json'];
    const full = await run([...base, '--trace-out', `.lockstep/test-traces/por-full-${process.pid}`]);
    const por = await run([...base, '--por', '--trace-out', `.lockstep/test-traces/por-${process.pid}`]);
    expect(por.code).toBe(full.code);
    const a = JSON.parse(full.out) as CheckJson;
    const b = JSON.parse(por.out) as CheckJson;
    expect([a.partialOrder, b.partialOrder]).toEqual([false, true]);
    expect(a.states).toBe(34_303); // the full search's count is unchanged
    expect(b.states).toBeLessThan(a.states);
    const verdictsOf = (r: CheckJson) => r.properties.map(({ property, verdict }) => [property, verdict]);
    expect(verdictsOf(b)).toEqual(verdictsOf(a));
  });

  it('refuses DFS, simulation and workers with exit 2', async () => {
    for (const extra of [
      ['--mode', 'dfs'],
      ['--mode', 'sim'],
      ['--workers', '2'],
    ]) {
      const { code, err } = await run(['check', '--por', ...extra]);
      expect(code).toBe(2);
      expect(err).toContain('--por runs with --mode bfs on one worker only');
    }
  });
});

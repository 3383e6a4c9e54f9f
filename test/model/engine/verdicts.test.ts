import { describe, expect, it } from 'vitest';
import { checker, Property, verdicts } from '../../../model/index.js';
import { counters } from './support/counters.js';

/** Two counters to 4, with a safety property broken at (4, 4) and a liveness one that holds. */
function model() {
  const m = counters(2, 4);
  m.properties = () => [
    Property.always<Uint8Array>('not both at max', (s) => !(s[0] === 4 && s[1] === 4)),
    Property.always<Uint8Array>('never above max', (s) => s.every((x) => x <= 4)),
    Property.sometimes<Uint8Array>('first at 1', (s) => s[0] === 1),
    Property.sometimes<Uint8Array>('first at 9', (s) => s[0] === 9),
    Property.eventually<Uint8Array>('someone moves', (s) => s[0]! + s[1]! > 0),
  ];
  return m;
}

const byName = (vs: ReturnType<typeof verdicts>) => Object.fromEntries(vs.map((v) => [v.property, v]));

describe('verdicts never claim more than was searched', () => {
  it('a complete search proves what it did not refute, and a sometimes never reached is violated', () => {
    const m = model();
    const v = byName(verdicts(m, checker(m).spawnBfs()));
    expect(v['never above max']).toMatchObject({ verdict: 'holds', complete: true });
    expect(v.deadlock).toMatchObject({ verdict: 'holds', complete: true, kind: 'deadlock' });
    expect(v['someone moves']).toMatchObject({ verdict: 'holds', complete: true, kind: 'liveness' });
    expect(v['not both at max']!.verdict).toBe('violated');
    expect(v['not both at max']!.trace!.actions).toHaveLength(8);
    expect(v['first at 1']).toMatchObject({ verdict: 'holds', complete: true, kind: 'sometimes' });
    expect(v['first at 9']).toMatchObject({ verdict: 'violated', complete: true, trace: null });
  });

  it('a depth bound leaves every unrefuted property not found, incomplete', () => {
    const m = model();
    const report = checker(m).targetMaxDepth(3).spawnBfs();
    expect(report.complete).toBe(false);
    const v = byName(verdicts(m, report));
    for (const name of ['never above max', 'not both at max', 'deadlock', 'someone moves', 'first at 9'])
      expect(v[name]).toMatchObject({ verdict: 'not-found', complete: false, trace: null });
    // an example reached within the bound is proven all the same
    expect(v['first at 1']).toMatchObject({ verdict: 'holds', complete: true });
  });

  it('a violation found before the limit is proven, the rest are not', () => {
    const m = model();
    const report = checker(m).targetMaxDepth(8).spawnBfs();
    const v = byName(verdicts(m, report));
    expect(v['not both at max']).toMatchObject({ verdict: 'violated', complete: true });
    expect(report.complete).toBe(false);
    expect(v['never above max']).toMatchObject({ verdict: 'not-found', complete: false });
  });

  it('state limits, time limits and simulations are incomplete too', () => {
    const m = model();
    for (const report of [
      checker(m).targetStateCount(5).spawnBfs(),
      checker(m).targetStateCount(5).spawnDfs(),
      checker(m).spawnSimulation(7, { runs: 3 }),
    ]) {
      expect(report.complete).toBe(false);
      const v = byName(verdicts(m, report));
      expect(v['never above max']).toMatchObject({ verdict: 'not-found', complete: false });
      expect(v.deadlock).toMatchObject({ verdict: 'not-found', complete: false });
    }
  });

  it('leaves deadlock out when the run was told noDeadlock()', () => {
    const m = model();
    const names = verdicts(m, checker(m).noDeadlock().spawnBfs(), false).map((v) => v.property);
    expect(names).not.toContain('deadlock');
    expect(names).toHaveLength(5);
  });
});

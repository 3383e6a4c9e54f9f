import { describe, expect, it } from 'vitest';
import { checker } from '../../../model/index.js';
import { counters } from './support/counters.js';
import { mutex } from './support/mutex.js';
import { philosophers } from './support/philosophers.js';

describe('sometimes-properties', () => {
  it('report the shortest example, which is not a violation', () => {
    const r = checker(mutex(false)).spawnBfs();
    const d = r.discoveries.find((x) => x.property === 'process 1 enters')!;
    expect(d).toMatchObject({ kind: 'sometimes', violation: false });
    expect(d.trace?.actions).toEqual([1]);
  });

  it('a complete run without an example is a violation with no trace', () => {
    const m = counters(2, 2);
    m.properties = () => [{ name: 'overflow', kind: 'sometimes', holds: (s) => s[0]! > 2 }];
    const r = checker(m).spawnBfs();
    expect(r.violations).toEqual([{ property: 'overflow', kind: 'sometimes', violation: true, trace: null }]);
  });
});

describe('deadlock', () => {
  it('accepted end states are not deadlocks', () => {
    expect(checker(counters(2, 2)).spawnBfs().violations).toEqual([]);
  });

  it('terminal states are deadlocks without isEndState', () => {
    const { isEndState: _, ...m } = counters(2, 2);
    const d = checker(m)
      .spawnBfs()
      .violations.find((x) => x.kind === 'deadlock')!;
    expect(d.property).toBe('deadlock');
    expect(Array.from(d.trace!.states.at(-1)!)).toEqual([2, 2]);
    expect(d.trace!.actions).toHaveLength(4);
  });

  it('noDeadlock() turns the check off', () => {
    expect(checker(philosophers(3)).noDeadlock().spawnBfs().violations).toEqual([]);
  });
});

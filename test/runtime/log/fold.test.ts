import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countByType, fold, type LogEvent } from '../../../runtime/log/index.js';

const events = (types: string[]): LogEvent[] =>
  types.map((type, i) => ({ seq: i + 1, ts: i, type, data: { ms: i } }));

describe('fold', () => {
  it('counts events by type, leaving the initial state untouched', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('qmp', 'peer', 'timer')), (types) => {
        const initial: Record<string, number> = {};
        const counts = fold(events(types), countByType, initial);
        expect(initial).toEqual({});
        for (const t of ['qmp', 'peer', 'timer'])
          expect(counts[t] ?? 0).toBe(types.filter((x) => x === t).length);
      }),
    );
  });

  it('projects checkpoint statistics into an immutable aggregate', () => {
    interface Stats {
      checkpoints: number;
      totalPauseMs: number;
      pauses: number[];
    }
    const log = events(['checkpoint', 'qmp', 'checkpoint']);
    const stats = fold<Stats>(
      log,
      (d, e) => {
        if (e.type !== 'checkpoint') return;
        const { ms } = e.data as { ms: number };
        d.checkpoints++;
        d.totalPauseMs += ms;
        d.pauses.push(ms);
      },
      { checkpoints: 0, totalPauseMs: 0, pauses: [] },
    );
    expect(stats).toEqual({ checkpoints: 2, totalPauseMs: 2, pauses: [0, 2] });
    expect(Object.isFrozen(stats)).toBe(true);
  });
});

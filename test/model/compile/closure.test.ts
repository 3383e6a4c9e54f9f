import { describe, expect, it } from 'vitest';
import {
  type ColoModel,
  type ColoModelOptions,
  closeTables,
  createColoModel,
} from '../../../model/colo/index.js';
import { checker } from '../../../model/engine/index.js';

/** Every compiled step of a table, keyed by node key and input (input objects differ between models). */
function steps(model: ColoModel, side: 'primary' | 'secondary'): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of model.composition.tables[side].entries)
    for (const [input, step] of entry.steps) out.set(`${entry.key} ${JSON.stringify(input)}`, step.next.key);
  return out;
}

// The closure compiles each node's table without the composed search; it must contain every transition
// the search compiles (the export's tables from it then hold every step Spin can take), with the same
// next node state.
describe('node tables compiled by closure', () => {
  const cases: ReadonlyArray<{ name: string; options: ColoModelOptions }> = [
    { name: 'plain, one fault of any kind', options: {} },
    { name: 'multifd 1, a link break', options: { multifd: 1, faultKinds: ['link-break'] } },
    {
      name: 'two faults, heartbeat and cancel, return-path-reuse off',
      options: { faults: 2, faultKinds: ['heartbeat', 'cancel'], withoutFix: ['return-path-reuse'] },
    },
    // the peer's shut ends are steps of its trie, seen only with the facts and fault commands behind
    // them: a secondary that fails over on its own heartbeat spends the budget the primary shares
    { name: 'multifd 1, a heartbeat', options: { multifd: 1, faultKinds: ['heartbeat'] } },
    { name: 'two faults of any kind', options: { faults: 2 } },
  ];
  for (const { name, options } of cases)
    it(`hold every transition the search compiles: ${name}`, () => {
      const closed = createColoModel(options);
      const closure = closeTables(closed);
      const searched = createColoModel(options);
      const report = checker(searched).spawnBfs();
      expect(report.complete).toBe(true);
      for (const side of ['primary', 'secondary'] as const) {
        const mine = steps(closed, side);
        const theirs = steps(searched, side);
        expect(theirs.size).toBeGreaterThan(0);
        for (const [key, next] of theirs) expect(mine.get(key), key.slice(0, 200)).toBe(next);
        expect(mine.size).toBeGreaterThanOrEqual(theirs.size);
      }
      expect(closure.entries.primary).toBe(closed.composition.tables.primary.entries.length);
      expect(closure.rounds).toBeGreaterThan(1);
      expect(closure.sent.primary.longest).toBeGreaterThan(0);
    }, 120_000);

  it("sees the peer's shut ends only where the peer's paths have them", () => {
    // multifd 1, recv-kick-on-exit, one fault: the search compiles 363 / 778 node states; with the
    // peer's shut ends free at any time the closure had 2,216 / 3,327, now 871 / 1,320
    const closure = closeTables(createColoModel({ multifd: 1, withFix: ['recv-kick-on-exit'] }));
    expect(closure.entries.primary).toBeLessThan(1_000);
    expect(closure.entries.secondary).toBeLessThan(1_500);
  }, 60_000);

  it('stops with an error, not a hang, when a side could send without bound', () => {
    // a cap of 0 main-channel items: the primary's first checkpoint request already exceeds it
    expect(() => closeTables(createColoModel({}), undefined, 0)).toThrow(/no bound, so no closure/);
  });
});

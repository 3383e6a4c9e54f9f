import { beforeAll, describe, expect, it } from 'vitest';
import { exportPromela } from '../../../model/promela/index.js';
import { buildPan, crossCheckExport, removePan, runPan } from '../../../model/spin/index.js';
import { requireSpin } from './support.js';

/** The export with every compiled step of the secondary's initial node state removed from its table. */
function withoutInitialSteps() {
  const model = exportPromela({});
  const inputs = Number(/#define NI (\d+)/.exec(model.text)![1]);
  const initial = Number(/int s = (\d+);/.exec(model.text)![1]);
  // S_NEXT's place in the binary, as the header names it for the glue
  const { offset, length } = model.tablesLayout.find((a) => a.name === 'S_NEXT')!;
  expect(model.tables).toContain(`#define S_NEXT ((const int *)(lockstep_tables + ${offset}))`);
  expect(length).toBe(model.entries.secondary * inputs);
  const tablesData = model.tablesData.slice();
  const next = new DataView(tablesData.buffer, offset, length * 4);
  let removed = 0;
  for (let i = initial * inputs; i < (initial + 1) * inputs; i++) {
    if (next.getInt32(4 * i, true) !== -1) removed++;
    next.setInt32(4 * i, -1, true);
  }
  return { model: { ...model, tablesData }, removed };
}

// The cross-check must be able to fail: a transition Spin reaches that the export lacks stops pan with
// an assertion, never a silently smaller state space.
describe('a transition missing from the exported tables', () => {
  beforeAll(requireSpin);

  it('stops Spin with an assertion, and the cross-check disagrees', async () => {
    const { model, removed } = withoutInitialSteps();
    expect(removed).toBeGreaterThan(0);
    const build = await buildPan(model);
    const count = await runPan(build, 0);
    await removePan(build);
    expect(count.errors).toBe(1);
    expect(count.partial).toBe(true);
    expect(count.assertion).toContain('tNext>=0');
    const result = await crossCheckExport({}, model);
    expect(result.agree).toBe(false);
    // reported as the export's own failure, not as every property violated
    expect(result.problems).toEqual([expect.stringContaining('never compiled')]);
    expect(result.spin.violated).toEqual([]);
  }, 120_000);
});

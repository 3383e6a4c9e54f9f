import { beforeAll, describe, expect, it } from 'vitest';
import { exportPromela } from '../../../model/promela/index.js';
import { buildPan, crossCheckExport, removePan, runPan } from '../../../model/spin/index.js';
import { requireSpin } from './support.js';

/** The export with every compiled step of the secondary's initial node state removed from its table. */
function withoutInitialSteps() {
  const model = exportPromela({});
  const inputs = Number(/#define NI (\d+)/.exec(model.text)![1]);
  const initial = Number(/int s = (\d+);/.exec(model.text)![1]);
  const table = /static const int S_NEXT\[\] = \{ ([^}]*) \};/.exec(model.tables)!;
  const next = table[1]!.split(', ');
  const row = next.slice(initial * inputs, (initial + 1) * inputs);
  next.fill('-1', initial * inputs, (initial + 1) * inputs);
  const tables = model.tables.replace(table[0], `static const int S_NEXT[] = { ${next.join(', ')} };`);
  return { model: { ...model, tables }, removed: row.filter((v) => v !== '-1').length };
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

import { describe, expect, it } from 'vitest';
import { exportPromela } from '../../../model/promela/index.js';

// `export promela --tables closure --progress` prints what the closure reports through exportPromela:
// the reports must come while it runs, grow, and never claim more than the closure ends with.
describe('the closure reports its progress through the export', () => {
  it('reports growing counts, none past the closure it ends with', () => {
    const reports: { primary: number; secondary: number; expanded: number }[] = [];
    const model = exportPromela(
      { multifd: 1, faults: 2 },
      'colo-tables.h',
      'closure',
      {},
      (entries, expanded) => reports.push({ ...entries, expanded }),
    );
    const closure = model.closure!;
    // one report per 65,536 closure states
    expect(reports.length).toBe(Math.floor(closure.expanded / 65_536));
    expect(reports.length).toBeGreaterThan(1);
    for (let i = 1; i < reports.length; i++) {
      expect(reports[i]!.expanded).toBeGreaterThan(reports[i - 1]!.expanded);
      expect(reports[i]!.primary).toBeGreaterThanOrEqual(reports[i - 1]!.primary);
      expect(reports[i]!.secondary).toBeGreaterThanOrEqual(reports[i - 1]!.secondary);
    }
    const last = reports.at(-1)!;
    expect(last.expanded).toBeLessThanOrEqual(closure.expanded);
    expect(last.primary).toBeLessThanOrEqual(closure.entries.primary);
    expect(last.secondary).toBeLessThanOrEqual(closure.entries.secondary);
  });
});

import { describe, expect, it } from 'vitest';
import { loadChart } from '../../charts/model.js';
import { chartSummary, formatSummaryTable } from '../../charts/summary.js';
import { MACHINE_NAMES, PROFILE_NAMES } from '../../machines/index.js';

describe('chart summary', () => {
  it('has one row per machine and profile with the chart sizes', () => {
    const rows = chartSummary();
    expect(rows).toHaveLength(MACHINE_NAMES.length * PROFILE_NAMES.length);
    for (const row of rows) {
      const { document } = loadChart(row.machine, { profile: row.profile });
      expect(row.states).toBe(document.states.length);
      expect(row.transitions).toBe(document.transitions.length);
    }
  });

  it('formats as a table with a header and one line per row', () => {
    const rows = chartSummary(['qemu-7.2']);
    const lines = formatSummaryTable(rows).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^machine\s+profile\s+states\s+transitions$/);
    expect(lines).toHaveLength(rows.length + 1);
  });
});

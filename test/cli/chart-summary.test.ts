import { describe, expect, it } from 'vitest';
import { chartSummary, formatSummaryTable } from '../../charts/summary.js';
import { run } from './run.js';

describe('lockstep chart --summary', () => {
  it('prints the states and transitions table', async () => {
    const result = await run('chart', '--summary');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(formatSummaryTable(chartSummary()));
  });

  it('with --json and --profile prints one object for that profile', async () => {
    const result = await run('chart', '--summary', '--profile', 'qemu-11.0', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ summary: chartSummary(['qemu-11.0']) });
  });
});

import { describe, expect, it } from 'vitest';
import { EXIT_INCOMPLETE } from '../../../cli/errors.js';
import { runInProcess as run } from '../../support/run-in-process.js';

interface JsonVerdict {
  property: string;
  kind: string;
  verdict: string;
  complete: boolean;
  steps: number | null;
}

let runs = 0;
/** A trace path of its own per run: one trace is written to it as a file, several into it as a folder. */
const traces = (): string[] => ['--trace-out', `.lockstep/test-traces/incomplete-${process.pid}-${runs++}`];

describe('lockstep check on an incomplete search', () => {
  it('--max-depth: the deadlock the full search finds is "not found (search incomplete)", exit 3', async () => {
    const { code, out } = await run(['check', '--multifd', '1', '--max-depth', '12', ...traces()]);
    expect(code).toBe(EXIT_INCOMPLETE);
    expect(out).toMatch(/^deadlock\s+deadlock\s+not found \(search incomplete\)$/m);
    expect(out).toMatch(/^output-commit\s+safety\s+not found \(search incomplete\)$/m);
    expect(out).not.toMatch(/\bholds$/m);
    expect(out).toMatch(/search incomplete: a limit or a simulation cut it short/);
  });

  it('--json gives "complete": false on every property it did not settle', async () => {
    const { code, out } = await run(['check', '--multifd', '1', '--max-depth', '12', '--json', ...traces()]);
    expect(code).toBe(EXIT_INCOMPLETE);
    const report = JSON.parse(out) as { complete: boolean; properties: JsonVerdict[] };
    expect(report.complete).toBe(false);
    const deadlock = report.properties.find((p) => p.property === 'deadlock')!;
    expect(deadlock).toEqual({
      property: 'deadlock',
      kind: 'deadlock',
      verdict: 'not-found',
      complete: false,
      steps: null,
    });
    for (const p of report.properties) {
      expect(p.verdict === 'not-found').toBe(!p.complete);
      if (p.verdict === 'holds') expect(p.kind).toBe('sometimes');
    }
  });

  it('--mode sim never says holds for a safety property or deadlock', async () => {
    const { code, out } = await run(['check', '--mode', 'sim', '--json', ...traces()]);
    expect(code).toBe(EXIT_INCOMPLETE);
    const report = JSON.parse(out) as { properties: JsonVerdict[] };
    const unsettled = report.properties.filter((p) => p.kind !== 'sometimes' && p.verdict !== 'finding');
    expect(unsettled.length).toBeGreaterThan(0);
    for (const p of unsettled) expect(p).toMatchObject({ verdict: 'not-found', complete: false });
  });

  it('--max-states stops at that count, incomplete', async () => {
    const { code, out } = await run([
      'check',
      '--multifd',
      '1',
      '--max-states',
      '1000',
      '--json',
      ...traces(),
    ]);
    expect(code).toBe(EXIT_INCOMPLETE);
    expect(JSON.parse(out)).toMatchObject({ states: 1000, complete: false });
  });

  it('a violation found before the limit is still a violation: exit 1', async () => {
    const { code, out } = await run([
      'check',
      ...['--faults', '2', '--fault', 'heartbeat', '--fault', 'cancel'],
      ...['--without-fix', 'return-path-reuse', '--max-depth', '7', '--json', ...traces()],
    ]);
    expect(code).toBe(1);
    const report = JSON.parse(out) as { complete: boolean; properties: JsonVerdict[] };
    expect(report.complete).toBe(false);
    expect(report.properties.find((p) => p.property === 'no-closed-file-access')).toMatchObject({
      verdict: 'violated',
      complete: true,
      steps: 6,
    });
    expect(report.properties.find((p) => p.property === 'output-commit')!.verdict).toBe('not-found');
  });

  it('a complete search still proves: exit 0 and every property complete', async () => {
    const { code, out } = await run(['check', '--json', ...traces()]);
    expect(code).toBe(0);
    const report = JSON.parse(out) as { complete: boolean; properties: JsonVerdict[] };
    expect(report.complete).toBe(true);
    expect(report.properties.every((p) => p.complete)).toBe(true);
    expect(report.properties.find((p) => p.property === 'deadlock')!.verdict).toBe('holds');
  });

  it('refuses a bad limit with exit 2', async () => {
    for (const flag of ['--max-states', '--max-seconds']) {
      const { code, err } = await run(['check', flag, '0']);
      expect(code).toBe(2);
      expect(err).toContain(`${flag} must be an integer from 1`);
    }
  });
});
